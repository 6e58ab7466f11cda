/**
 * The ONNX graph being written: its operators, its initializers, and which tensor carries each
 * node's output in which layout. Our pictures are channels last (NHWC) and ONNX's Conv, pooling
 * and BatchNormalization read channels first (NCHW), so a picture may exist in both layouts;
 * each conversion is one Transpose, written the first time a reader asks for it and shared by
 * every later reader. A chain of convolutions thus costs one Transpose in and one out.
 */
import type { LayerWeights } from '../importTrainedModel';
import type { NodeAnalysis } from '../../analyze';
import { err, ok, type Result } from '../../result';
import { onnx, type AttributeProto, type NodeProto, type TensorProto } from './onnxTensors';

/** How a picture's axes are ordered after the batch: ours (NHWC) or ONNX's convolutions' (NCHW). */
export type Layout = 'nhwc' | 'nchw';

/** `perm` of the Transpose that takes a picture into `layout` from the other one. */
const PERM_INTO: Readonly<Record<Layout, number[]>> = { nchw: [0, 3, 1, 2], nhwc: [0, 2, 3, 1] };

export function intAttribute(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function intsAttribute(name: string, values: readonly number[]): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] };
}

export function floatAttribute(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

/** A node's trained weights in the order and shapes its spec declares, or why they do not fit. */
export function trainedWeights(
  node: NodeAnalysis,
  weights: LayerWeights,
): Result<{ shape: number[]; data: Float32Array }[]> {
  const expected = node.spec?.keras?.weights?.(node.params ?? {}, node.inputShapes).map((w) => w.shape) ?? [];
  const got = weights.get(node.id) ?? [];
  const fits = got.length === expected.length && got.every((w, i) => w.shape.join() === expected[i]!.join());
  if (fits) return ok(got);
  const shapes = expected.map((s) => `[${s.join(', ')}]`).join(' and ');
  return err(
    `${node.spec?.label ?? node.type} "${node.id}" has no trained weights of shape ${shapes}; train the graph (or open a model) before exporting it.`,
  );
}

export class OnnxWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializer: TensorProto[] = [];
  /** Per graph node: the tensor of its output in each layout written so far. */
  private readonly outputs = new Map<string, Partial<Record<Layout, string>>>();
  /** Graph nodes whose output is a picture (the only values with two layouts). */
  private readonly pictures = new Set<string>();

  /** Records that `tensor` carries node `id`'s output, laid out as `layout` if it is a picture. */
  define(id: string, tensor: string, picture: boolean, layout: Layout = 'nhwc'): void {
    this.outputs.set(id, { [layout]: tensor });
    if (picture) this.pictures.add(id);
    else this.pictures.delete(id);
  }

  /** Node `id`'s output passed on unchanged as node `to`'s (Dropout at inference). */
  alias(to: string, id: string): void {
    this.outputs.set(to, this.outputs.get(id)!);
    if (this.pictures.has(id)) this.pictures.add(to);
  }

  /** The layout node `id`'s output already has (a flat value is always `nhwc`). */
  layoutOf(id: string): Layout {
    return this.outputs.get(id)?.nhwc !== undefined ? 'nhwc' : 'nchw';
  }

  isPicture(id: string): boolean {
    return this.pictures.has(id);
  }

  /** The tensor carrying node `id`'s output in `layout`, transposing it once if needed. */
  read(id: string, layout: Layout = 'nhwc'): string {
    const known = this.outputs.get(id)!;
    if (!this.pictures.has(id)) return known.nhwc ?? known.nchw!;
    const existing = known[layout];
    if (existing) return existing;
    const from = layout === 'nchw' ? known.nhwc! : known.nchw!;
    const name = `${from}/${layout}`;
    this.add({
      name,
      opType: 'Transpose',
      input: [from],
      output: [name],
      attribute: [intsAttribute('perm', PERM_INTO[layout])],
    });
    known[layout] = name;
    return name;
  }

  add(node: NodeProto): void {
    this.nodes.push(node);
  }

  addInitializer(tensor: TensorProto): string {
    this.initializer.push(tensor);
    return tensor.name!;
  }
}
