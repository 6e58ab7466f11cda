/**
 * Opening an `.onnx` file (from `torch.onnx.export`, tf2onnx, or Tensorweave's own export) as
 * an editable graph with its weights. Untrusted input: the bytes are decoded with the
 * `onnx-proto` classes, operators outside our set are refused by name, and the resulting
 * graph must pass analysis with weights of the shapes its nodes expect.
 */
import { analyzeGraph, type GraphAnalysis } from '../../analyze';
import { defaultTraining, DOCUMENT_FORMAT, DOCUMENT_VERSION, type GraphDocument } from '../../document';
import { lossNode } from '../../nodes/loss';
import { parseDocument } from '../../parseDocument';
import { err, ok, type Result } from '../../result';
import { METADATA_KEY } from '../importLayersModel';
import { layoutByDepth } from '../layoutByDepth';
import type { LayerWeights, TrainedModel } from '../importTrainedModel';
import { onnxToGraph } from './onnxToGraph';
import { onnx, toInt, type DecodedModel } from './onnxTensors';

function decode(bytes: Uint8Array): Result<DecodedModel> {
  try {
    return ok(onnx.ModelProto.decode(bytes));
  } catch (e) {
    return err(`The file is not an ONNX model: ${(e as Error).message}.`);
  }
}

/**
 * Each computing node with the nodes it reads, through Dropout (which ONNX does not keep): what
 * a stored document must share with the operators to be trusted.
 */
function signature(doc: GraphDocument): string {
  const types = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const sources = (id: string): string[] =>
    doc.edges
      .filter((e) => e.to.node === id)
      .flatMap((e) => (types.get(e.from.node) === 'dropout' ? sources(e.from.node) : [e.from.node]));
  return doc.nodes
    .filter((n) => n.type !== 'dropout' && n.type !== lossNode.type)
    .map((n) => `${n.id}:${n.type}<-${sources(n.id).join('+')}`)
    .sort()
    .join(' ');
}

/** Why the weights do not fit the analysed graph (its specs say which weights each node has), if they do not. */
function weightsMismatch(analysis: GraphAnalysis, weights: LayerWeights): string | undefined {
  for (const [id, node] of analysis.nodes) {
    const weightsOf = node.spec?.keras?.weights;
    const expected =
      weightsOf && node.params ? weightsOf(node.params, node.inputShapes).map((w) => w.shape) : [];
    const got = (weights.get(id) ?? []).map((w) => w.shape);
    if (got.map(String).join(';') !== expected.map(String).join(';'))
      return `${node.spec?.label ?? node.type} "${id}" expects weights of shapes ${expected.map((s) => `[${s.join(', ')}]`).join(' and ') || '(none)'}.`;
  }
  return undefined;
}

/**
 * The document Tensorweave stored in its own export, when it describes the same layers and
 * weights as the operators (Dropout and Loss are not operators, the Input keeps its id); else
 * undefined, and the operators win.
 */
function storedDocument(model: DecodedModel, imported: GraphDocument): GraphDocument | undefined {
  const entry = model.metadataProps.find((p) => p.key === METADATA_KEY);
  if (!entry?.value) return undefined;
  const stored = parseDocument(entry.value);
  if (!stored.ok) return undefined;
  return signature(stored.value) === signature(imported) ? stored.value : undefined;
}

/**
 * ONNX's BatchNormalization always scales and shifts; a stored BatchNorm without a learned
 * scale or shift was exported with a scale of 1 and a shift of 0, which its weights leave out.
 */
function withoutFixedScaleShift(doc: GraphDocument, weights: LayerWeights): LayerWeights {
  const out: LayerWeights = new Map(weights);
  for (const node of doc.nodes.filter((n) => n.type === 'batchNorm')) {
    const [gamma, beta, ...stats] = weights.get(node.id) ?? [];
    if (!gamma || !beta) continue;
    out.set(node.id, [
      ...(node.params.scale === false ? [] : [gamma]),
      ...(node.params.center === false ? [] : [beta]),
      ...stats,
    ]);
  }
  return out;
}

/**
 * The graph and weights of an ONNX model, or why it is refused: not ONNX, weights in an
 * external data file, operators Tensorweave does not have (named), or a graph that does not
 * fit MNIST. Never throws. The loss is not in the file: cross-entropy is assumed, with a note.
 */
export function importOnnx(bytes: Uint8Array, modelName = 'imported ONNX model'): Result<TrainedModel> {
  const model = decode(bytes);
  if (!model.ok) return model;
  const { graph } = model.value;
  if (!graph) return err('The ONNX file has no graph.');
  const opset = model.value.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const converted = onnxToGraph(graph, opset ? toInt(opset.version) : 1);
  if (!converted.ok) return converted;
  const { nodes, edges, outputNode } = converted.value;
  const lossId = nodes.some((n) => n.id === 'loss') ? 'loss_' : 'loss';
  nodes.push({
    id: lossId,
    type: lossNode.type,
    params: { loss: 'categoricalCrossentropy', reduction: 'mean' },
    position: { x: 0, y: 0 },
  });
  edges.push({
    id: `e${edges.length + 1}`,
    from: { node: outputNode, port: 'out' },
    to: { node: lossId, port: 'in' },
  });
  layoutByDepth({ nodes, edges });
  const producer = [model.value.producerName, model.value.producerVersion].filter(Boolean).join(' ');
  const imported: GraphDocument = {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name: (graph.name || modelName).slice(0, 200),
    description: `Imported from an ONNX model${producer ? ` made by ${producer}` : ''}.`,
    nodes,
    edges,
    training: { ...defaultTraining(), learningRate: 0.1, duration: { unit: 'steps', steps: 2000 } },
  };

  const stored = storedDocument(model.value, imported);
  const doc = stored ?? imported;
  const weights = stored ? withoutFixedScaleShift(stored, converted.value.weights) : converted.value.weights;
  const analysis = analyzeGraph(doc);
  const problem = analysis.diagnostics.find((d) => d.severity === 'error');
  if (problem) return err(`The ONNX model does not make a valid Tensorweave graph: ${problem.message}`);
  const mismatch = weightsMismatch(analysis, weights);
  if (mismatch) return err(mismatch);
  const notes = stored
    ? []
    : [
        ...converted.value.notes,
        'ONNX files do not say which loss a model was trained with; cross-entropy (batch mean) is assumed.',
      ];
  return ok({ doc, weights, notes });
}
