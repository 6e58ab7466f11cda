/**
 * A trained graph → an `.onnx` file (opset 13) that onnxruntime, PyTorch's and TensorFlow's
 * tools can run. Each node becomes the ONNX operator that computes the same thing at
 * inference; Dropout becomes nothing (it is the identity when not training) and the Loss node
 * becomes the graph's output: what feeds the loss is what the model predicts.
 */
import { analyzeGraph } from '../../analyze';
import type { GraphDocument } from '../../document';
import { serializeDocument } from '../../parseDocument';
import { err, ok, type Result } from '../../result';
import type { LayerWeights } from '../importTrainedModel';
import { METADATA_KEY, readWeights } from '../importLayersModel';
import { WEIGHTS_BIN, type ModelArtifactsLike } from '../modelArchive';
import {
  floatTensor,
  onnx,
  type AttributeProto,
  type ModelProtoFields,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnxTensors';

/** The operator set we write: the first with Softmax over one axis, as Keras and tfjs have it. */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13. */
const IR_VERSION = 7;
/** Name of the batch axis in the input's and output's shapes. */
const BATCH = 'batch';

/** The unary node types and their ONNX operators. */
const UNARY_OPS: Readonly<Record<string, string>> = {
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  tanh: 'Tanh',
  softmax: 'Softmax',
  flatten: 'Flatten',
};

function intAttribute(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function valueInfo(name: string, dims: readonly (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * The ONNX model of a valid graph with its trained weights (by node id: kernel, bias, as
 * `LayerWeights` holds them), or why not: an invalid graph, or weights missing or of the wrong
 * shape. The graph document rides along in the model's metadata (`tensorweaveGraph`), so our
 * own import restores positions, the loss and the training settings.
 */
export function graphToOnnx(doc: GraphDocument, weights: LayerWeights): Result<Uint8Array> {
  const analysis = analyzeGraph(doc);
  if (!analysis.valid) return err('The graph has errors; only a valid graph can be exported to ONNX.');
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  /** The ONNX tensor that carries each node's output. */
  const tensorOf = new Map<string, string>();
  const inputs: ValueInfoProto[] = [];
  let output: ValueInfoProto | undefined;

  const incoming = (id: string) => analysis.edges.filter((e) => e.to.node === id).map((e) => e.from.node);
  // Only what feeds the loss is compiled and trained, so only that has weights to export.
  const needed = new Set<string>();
  for (const stack = [analysis.lossId!]; stack.length;) {
    const id = stack.pop()!;
    if (!needed.has(id)) stack.push(...incoming(id));
    needed.add(id);
  }

  for (const id of analysis.order.filter((n) => needed.has(n))) {
    const node = analysis.nodes.get(id)!;
    const sources = incoming(id).map((from) => tensorOf.get(from)!);
    const outShape = node.outputShape ?? [];
    switch (node.type) {
      case 'input':
        inputs.push(valueInfo(id, [BATCH, ...outShape]));
        tensorOf.set(id, id);
        break;
      case 'dense': {
        const values = weights.get(id);
        const fanIn = node.inputShapes.in?.[0]?.at(-1) ?? 0;
        const units = Number(node.params!.units);
        const useBias = node.params!.useBias !== false;
        const [kernel, bias] = values ?? [];
        if (
          !kernel ||
          kernel.shape.join() !== [fanIn, units].join() ||
          (useBias && bias?.shape.join() !== String(units))
        )
          return err(
            `Dense "${id}" has no trained weights of shape [${fanIn}, ${units}]${useBias ? ` and [${units}]` : ''}.`,
          );
        initializer.push(floatTensor(`${id}/kernel`, kernel.shape, kernel.data));
        if (useBias) initializer.push(floatTensor(`${id}/bias`, bias!.shape, bias!.data));
        const biasInput = useBias ? [`${id}/bias`] : [];
        if ((node.inputShapes.in?.[0]?.length ?? 0) === 1) {
          // A batch of vectors: one Gemm, as torch.onnx.export writes a Linear layer.
          nodes.push({
            name: id,
            opType: 'Gemm',
            input: [sources[0]!, `${id}/kernel`, ...biasInput],
            output: [id],
          });
        } else {
          // Dense on the last axis of a picture: MatMul broadcasts over the leading axes.
          const product = useBias ? `${id}/matmul` : id;
          nodes.push({ name: id, opType: 'MatMul', input: [sources[0]!, `${id}/kernel`], output: [product] });
          if (useBias)
            nodes.push({ name: `${id}/bias`, opType: 'Add', input: [product, ...biasInput], output: [id] });
        }
        tensorOf.set(id, id);
        break;
      }
      case 'dropout':
        tensorOf.set(id, sources[0]!);
        break;
      case 'add':
        // Add takes two inputs; Sum is the same for any number.
        nodes.push({ name: id, opType: sources.length === 2 ? 'Add' : 'Sum', input: sources, output: [id] });
        tensorOf.set(id, id);
        break;
      case 'concat':
        nodes.push({
          name: id,
          opType: 'Concat',
          input: sources,
          output: [id],
          attribute: [intAttribute('axis', -1)],
        });
        tensorOf.set(id, id);
        break;
      case 'loss': {
        const shape = node.inputShapes.in?.[0] ?? [];
        output = valueInfo(sources[0]!, [BATCH, ...shape]);
        break;
      }
      default: {
        const opType = UNARY_OPS[node.type];
        if (!opType) return err(`Node "${id}" (${node.type}) has no ONNX operator.`);
        const attribute =
          node.type === 'flatten'
            ? [intAttribute('axis', 1)]
            : node.type === 'softmax'
              ? [intAttribute('axis', -1)]
              : [];
        nodes.push({ name: id, opType, input: sources, output: [id], attribute });
        tensorOf.set(id, id);
      }
    }
  }
  if (!output || inputs.length !== 1) return err('The graph needs one Input and one Loss to be exported.');
  if (inputs.some((i) => i.name === output!.name))
    return err('The Loss is fed straight by the Input; there is no model to export.');

  const model: ModelProtoFields = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'Tensorweave',
    producerVersion: '1',
    docString: doc.description || undefined,
    graph: { name: doc.name, node: nodes, initializer, input: inputs, output: [output] },
    metadataProps: [{ key: METADATA_KEY, value: serializeDocument(doc) }],
  };
  return ok(onnx.ModelProto.encode(model).finish());
}

/**
 * The ONNX model of saved artifacts (what `saveArtifacts` returns and the model zip holds),
 * or why not.
 */
export function artifactsToOnnx(artifacts: ModelArtifactsLike, doc: GraphDocument): Result<Uint8Array> {
  const weights = readWeights(doc, [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }], (name) =>
    name === WEIGHTS_BIN ? artifacts.weightData : undefined,
  );
  return weights.ok ? graphToOnnx(doc, weights.value) : weights;
}
