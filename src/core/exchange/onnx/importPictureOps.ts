/**
 * ONNX's picture operators → Conv2D, MaxPool2D, AvgPool2D and BatchNorm nodes. ONNX lays
 * pictures out channels first (NCHW) and we lay them out channels last, so each value flowing
 * through the import says how the file holds it (`Flow`): kernels are transposed into our
 * layout, `Transpose` operators between the two layouts become nothing, and a flattened
 * channels-first picture carries the order of its values, which the next Dense's kernel rows
 * take on. Padding must be 'valid' or exactly what tfjs's 'same' pads; anything else is refused.
 */
import type { LayerWeights } from '../importTrainedModel';
import { windowOutputSide, type Padding } from '../../nodes/spatial';
import { err, ok, type Result } from '../../result';
import { intAttr, intsAttr, kernelToHwio, samePads, shortFloatAttr, stringAttr } from './onnxNodes';
import { readFloatTensor, type NodeProto, type TensorProto } from './onnxTensors';

/** A value flowing between operators: the node that computes it and its shape without the batch. */
export interface Flow {
  node: string;
  dims: number[];
  /**
   * Whether the file lays the value out as `dims` too, so that its last axis is ours. A
   * [28, 28] or [1, 28, 28] input is our 28×28×1 picture only value for value.
   */
  exact: boolean;
  /** The file holds this picture (`dims` = [h, w, c]) channels first, as [c, h, w]. */
  channelsFirst?: boolean;
  /** A flattened channels-first picture: the file's value i is our value `order[i]`. */
  order?: Int32Array;
}

/** What converting one operator needs from the import around it. */
export interface OpContext {
  op: NodeProto;
  /** `Conv "conv1"`, to start messages with. */
  label: string;
  /** The name the new node's id is made from. */
  name: string;
  flowAt(i: number): Result<Flow>;
  constAt(i: number): Result<TensorProto>;
  /** Adds a node reading `sources`; returns its id. */
  add(type: string, params: Record<string, unknown>, name: string, sources: Flow[]): string;
  weights: LayerWeights;
}

/** The picture operators this module converts. */
export const PICTURE_OPS: readonly string[] = [
  'Conv',
  'MaxPool',
  'AveragePool',
  'BatchNormalization',
  'Transpose',
];

/** The input as a channels-first picture, or why a picture operator cannot read it. */
function pictureAt(ctx: OpContext): Result<Flow> {
  const f = ctx.flowAt(0);
  if (!f.ok) return f;
  if (f.value.dims.length !== 3 || !f.value.channelsFirst)
    return err(
      `${ctx.label} reads a value of shape [batch, ${f.value.dims.join(', ')}] that is not a picture laid out [batch, channels, height, width]; Tensorweave reads convolutions and pools only on such pictures.`,
    );
  return f;
}

/** A square window's side and stride, and 'valid' or 'same' from its pads, or why not. */
function window(
  ctx: OpContext,
  input: Flow,
  kernel: readonly number[],
): Result<{ size: number; stride: number; padding: Padding; out: [number, number] }> {
  const { op, label } = ctx;
  const [size = 0] = kernel;
  if (kernel.length !== 2 || kernel[1] !== size)
    return err(`${label} has a ${kernel.join('×')} window; Tensorweave's windows are square.`);
  const strides = intsAttr(op, 'strides', [1, 1]);
  const [stride = 1] = strides;
  if (strides.some((s) => s !== stride))
    return err(
      `${label} moves by ${strides.join('×')}; Tensorweave moves windows by the same step both ways.`,
    );
  if (intsAttr(op, 'dilations', [1, 1]).some((d) => d !== 1))
    return err(`${label} is dilated; Tensorweave's windows are not.`);
  const [height, width] = input.dims as [number, number];
  const sameOut = [
    windowOutputSide(height, size, stride, 'same'),
    windowOutputSide(width, size, stride, 'same'),
  ];
  const validOut = [
    windowOutputSide(height, size, stride, 'valid'),
    windowOutputSide(width, size, stride, 'valid'),
  ];
  const same = [
    ...samePads(height, sameOut[0]!, size, stride),
    ...samePads(width, sameOut[1]!, size, stride),
  ];
  // ONNX orders pads [top, left, bottom, right].
  const samePadsOnnx = [same[0], same[2], same[1], same[3]].join();
  const autoPad = stringAttr(op, 'auto_pad', 'NOTSET');
  const pads = intsAttr(op, 'pads', [0, 0, 0, 0]);
  let padding: Padding | undefined;
  if (autoPad === 'VALID' || (autoPad === 'NOTSET' && pads.every((p) => p === 0))) padding = 'valid';
  else if (autoPad === 'SAME_UPPER' || (autoPad === 'NOTSET' && pads.join() === samePadsOnnx))
    padding = 'same';
  // SAME_LOWER puts the odd pixel first: the same as tfjs only when there is none.
  else if (autoPad === 'SAME_LOWER' && same[0] === same[1] && same[2] === same[3]) padding = 'same';
  if (!padding)
    return err(
      `${label} pads the picture by ${autoPad === 'NOTSET' ? `[${pads.join(', ')}]` : autoPad}; Tensorweave pads as tfjs does: nothing (valid) or [${samePadsOnnx.split(',').join(', ')}] here (same).`,
    );
  const out = padding === 'same' ? sameOut : validOut;
  // ceil_mode counts a last, partial window; it changes nothing when windows fit exactly.
  if (intAttr(op, 'ceil_mode', 0) === 1) {
    const total = padding === 'same' ? same : [0, 0, 0, 0];
    const fits = [height + total[0]! + total[1]!, width + total[2]! + total[3]!].every(
      (side) => (side - size) % stride === 0,
    );
    if (!fits)
      return err(`${label} counts partial windows (ceil_mode); Tensorweave counts whole windows only.`);
  }
  if (!(out[0]! > 0 && out[1]! > 0))
    return err(`${label}'s ${size}×${size} window does not fit its ${height}×${width} input.`);
  return ok({ size, stride, padding, out: out as [number, number] });
}

function floatConst(ctx: OpContext, i: number): Result<{ shape: number[]; data: Float32Array }> {
  const t = ctx.constAt(i);
  return t.ok ? readFloatTensor(t.value) : t;
}

/** `Conv` → a Conv2D node; without its bias input, an `Add` after it may bring the bias. */
function conv(ctx: OpContext): Result<Flow> {
  const x = pictureAt(ctx);
  if (!x.ok) return x;
  const w = floatConst(ctx, 1);
  if (!w.ok) return w;
  const [filters = 0, channels = 0, kh = 0, kw = 0] = w.value.shape;
  if (w.value.shape.length !== 4 || channels !== x.value.dims[2])
    return err(
      `${ctx.label} has filters of shape [${w.value.shape.join(', ')}] for ${x.value.dims[2]} input channels.`,
    );
  if (intAttr(ctx.op, 'group', 1) !== 1)
    return err(`${ctx.label} convolves in groups; Tensorweave's convolutions use one.`);
  const win = window(ctx, x.value, intsAttr(ctx.op, 'kernel_shape', [kh, kw]));
  if (!win.ok) return win;
  let bias: Float32Array | undefined;
  if (ctx.op.input?.[2]) {
    const b = floatConst(ctx, 2);
    if (!b.ok) return b;
    if (b.value.data.length !== filters)
      return err(`${ctx.label} adds ${b.value.data.length} biases to ${filters} filters.`);
    bias = b.value.data;
  }
  const { size, stride, padding, out } = win.value;
  const params = { filters, kernelSize: size, strides: stride, padding, useBias: bias !== undefined };
  const id = ctx.add('conv2d', params, ctx.name, [x.value]);
  const kernel = { shape: [kh, kw, channels, filters], data: kernelToHwio(w.value.data, w.value.shape) };
  ctx.weights.set(id, [kernel, ...(bias ? [{ shape: [filters], data: bias }] : [])]);
  return ok({ node: id, dims: [...out, filters], exact: false, channelsFirst: true });
}

/** `MaxPool` / `AveragePool` → a pooling node. */
function pool(ctx: OpContext): Result<Flow> {
  const x = pictureAt(ctx);
  if (!x.ok) return x;
  if ((ctx.op.output ?? []).filter(Boolean).length > 1)
    return err(
      `${ctx.label} also returns the indices of its maxima; Tensorweave's pools return values only.`,
    );
  const win = window(ctx, x.value, intsAttr(ctx.op, 'kernel_shape', []));
  if (!win.ok) return win;
  const { size, stride, padding, out } = win.value;
  const average = ctx.op.opType === 'AveragePool';
  if (average && padding === 'same' && intAttr(ctx.op, 'count_include_pad', 0) === 1)
    return err(
      `${ctx.label} counts the padding zeros in its averages (count_include_pad); Tensorweave, like tfjs, averages only the pixels inside the picture.`,
    );
  const params = { poolSize: size, strides: stride, padding };
  const id = ctx.add(average ? 'avgPool2d' : 'maxPool2d', params, ctx.name, [x.value]);
  return ok({ ...x.value, node: id, dims: [...out, x.value.dims[2]!] });
}

/** `BatchNormalization` at inference (its moving statistics) → a BatchNorm node. */
function batchNorm(ctx: OpContext): Result<Flow> {
  const x = ctx.flowAt(0);
  if (!x.ok) return x;
  const channels = x.value.dims.at(-1)!;
  const readable = x.value.dims.length === 1 ? !x.value.order : x.value.channelsFirst;
  if (!readable)
    return err(
      `${ctx.label} normalises an axis that is not the channels of a picture or the values of a vector.`,
    );
  if (intAttr(ctx.op, 'training_mode', 0) !== 0)
    return err(
      `${ctx.label} is written in its training form; export the model in inference mode (model.eval()).`,
    );
  const values: { shape: number[]; data: Float32Array }[] = [];
  for (let i = 1; i <= 4; i++) {
    const t = floatConst(ctx, i);
    if (!t.ok) return t;
    if (t.value.data.length !== channels)
      return err(
        `${ctx.label} has ${t.value.data.length} values in its input ${i + 1} for ${channels} channels.`,
      );
    values.push({ shape: [channels], data: t.value.data });
  }
  const momentum = Math.min(0.999, Math.max(0, shortFloatAttr(ctx.op, 'momentum', 0.9)));
  const epsilon = Math.min(1, Math.max(1e-6, shortFloatAttr(ctx.op, 'epsilon', 1e-5)));
  const params = { momentum, epsilon, center: true, scale: true };
  const id = ctx.add('batchNorm', params, ctx.name, [x.value]);
  ctx.weights.set(id, values);
  return ok({ ...x.value, node: id });
}

/** A `Transpose` between channels first and channels last: a change of layout, no node. */
function transposeLayout(ctx: OpContext): Result<Flow> {
  const x = ctx.flowAt(0);
  if (!x.ok) return x;
  const perm = intsAttr(ctx.op, 'perm', []).join();
  if (x.value.dims.length === 3 && x.value.exact && perm === '0,3,1,2')
    return ok({ ...x.value, exact: false, channelsFirst: true });
  if (x.value.dims.length === 3 && x.value.channelsFirst && perm === '0,2,3,1')
    return ok({ ...x.value, exact: true, channelsFirst: false });
  if (
    perm ===
    x.value.dims
      .map((_, i) => i)
      .concat(x.value.dims.length)
      .join()
  )
    return x;
  return err(
    `${ctx.label} reorders axes by [${perm}]; Tensorweave only moves channels between first and last.`,
  );
}

/** Converts one picture operator (one of `PICTURE_OPS`): the value it computes, or why not. */
export function convertPictureOp(ctx: OpContext): Result<Flow> {
  switch (ctx.op.opType) {
    case 'Conv':
      return conv(ctx);
    case 'MaxPool':
    case 'AveragePool':
      return pool(ctx);
    case 'BatchNormalization':
      return batchNorm(ctx);
    default:
      return transposeLayout(ctx);
  }
}
