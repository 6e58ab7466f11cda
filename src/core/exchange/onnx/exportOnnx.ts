/**
 * A trained graph → an `.onnx` file (opset 13) that onnxruntime, PyTorch's and TensorFlow's
 * tools can run. Each node becomes the ONNX operator that computes the same thing at
 * inference; Dropout becomes nothing (it is the identity when not training) and the Loss node
 * becomes the graph's output: what feeds the loss is what the model predicts.
 */
import { analyzeGraph, type NodeAnalysis } from '../../analyze';
import type { GraphDocument } from '../../document';
import { serializeDocument } from '../../parseDocument';
import { err, ok, type Result } from '../../result';
import type { LayerWeights } from '../importTrainedModel';
import { METADATA_KEY, readWeights } from '../importLayersModel';
import { WEIGHTS_BIN, type ModelArtifactsLike } from '../modelArchive';
import { writePictureNode } from './exportPictureOps';
import { floatTensor, onnx, type ModelProtoFields, type ValueInfoProto } from './onnxTensors';
import { intAttribute, OnnxWriter, trainedWeights } from './onnxWriter';

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
};

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

/** Dense as ONNX: `Gemm` on a batch of vectors, `MatMul` (+ `Add`) on the last axis of a picture. */
function writeDense(w: OnnxWriter, node: NodeAnalysis, from: string, weights: LayerWeights): Result<void> {
  const trained = trainedWeights(node, weights);
  if (!trained.ok) return trained;
  const [kernel, bias] = trained.value;
  const id = node.id;
  const source = w.read(from, 'nhwc');
  const kernelName = w.addInitializer(floatTensor(`${id}/kernel`, kernel!.shape, kernel!.data));
  const biasInput = bias ? [w.addInitializer(floatTensor(`${id}/bias`, bias.shape, bias.data))] : [];
  if (!w.isPicture(from)) {
    // A batch of vectors: one Gemm, as torch.onnx.export writes a Linear layer.
    w.add({ name: id, opType: 'Gemm', input: [source, kernelName, ...biasInput], output: [id] });
  } else {
    // Dense on the last axis of a picture: MatMul broadcasts over the leading axes.
    const product = bias ? `${id}/matmul` : id;
    w.add({ name: id, opType: 'MatMul', input: [source, kernelName], output: [product] });
    if (bias) w.add({ name: `${id}/bias`, opType: 'Add', input: [product, ...biasInput], output: [id] });
  }
  w.define(id, id, w.isPicture(from));
  return ok(undefined);
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
  const w = new OnnxWriter();
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
    const sources = incoming(id);
    const outShape = node.outputShape ?? [];
    const picture = outShape.length === 3;
    switch (node.type) {
      case 'input':
        inputs.push(valueInfo(id, [BATCH, ...outShape]));
        w.define(id, id, picture);
        break;
      case 'dense': {
        const done = writeDense(w, node, sources[0]!, weights);
        if (!done.ok) return done;
        break;
      }
      case 'dropout':
        w.alias(id, sources[0]!);
        break;
      case 'add':
      case 'concat': {
        // Pictures all channels first stay so (Concat then joins ONNX's channel axis, 1).
        const layout = sources.every((s) => w.isPicture(s) && w.layoutOf(s) === 'nchw') ? 'nchw' : 'nhwc';
        const input = sources.map((s) => w.read(s, layout));
        if (node.type === 'add')
          // Add takes two inputs; Sum is the same for any number.
          w.add({ name: id, opType: input.length === 2 ? 'Add' : 'Sum', input, output: [id] });
        else
          w.add({
            name: id,
            opType: 'Concat',
            input,
            output: [id],
            attribute: [intAttribute('axis', layout === 'nchw' ? 1 : -1)],
          });
        w.define(id, id, picture, layout);
        break;
      }
      case 'flatten':
        // ONNX flattens the axes in the order they are laid out, so ours (channels last) first.
        w.add({
          name: id,
          opType: 'Flatten',
          input: [w.read(sources[0]!, 'nhwc')],
          output: [id],
          attribute: [intAttribute('axis', 1)],
        });
        w.define(id, id, false);
        break;
      case 'loss': {
        const shape = node.inputShapes.in?.[0] ?? [];
        output = valueInfo(w.read(sources[0]!, 'nhwc'), [BATCH, ...shape]);
        break;
      }
      default: {
        const opType = UNARY_OPS[node.type];
        if (!opType) {
          const done = writePictureNode(w, node, sources[0]!, weights);
          if (!done.ok) return done;
          break;
        }
        // Element-wise operators work in whichever layout their input has.
        const layout = w.layoutOf(sources[0]!);
        const attribute =
          node.type === 'softmax' ? [intAttribute('axis', picture && layout === 'nchw' ? 1 : -1)] : [];
        w.add({ name: id, opType, input: [w.read(sources[0]!, layout)], output: [id], attribute });
        w.define(id, id, picture, layout);
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
    graph: { name: doc.name, node: w.nodes, initializer: w.initializer, input: inputs, output: [output] },
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
