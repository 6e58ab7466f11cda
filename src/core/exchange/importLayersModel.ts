/**
 * Reading TensorFlow.js layers-format models (`model.json` + weight files), as written by
 * Tensorweave, by `model.save`, or by `tensorflowjs_converter` from Keras, into an editable
 * graph document plus its weights. Untrusted input: model.json is checked against the schemas
 * in `modelJson.ts`, weights by `weightsManifest.ts`, and a model is refused rather than loaded
 * with missing or random weights.
 */
import type { GraphDocument } from '../document';
import { defaultTraining, DOCUMENT_FORMAT, DOCUMENT_VERSION } from '../document';
import type { LossParams } from '../nodes/loss';
import { parseDocument } from '../parseDocument';
import { err, ok, type Result } from '../result';
import { outputLayerNames, readLayers } from './kerasTopology';
import { layersToGraph, SUPPORTED_CLASSES } from './layersToGraph';
import { formatModelJsonError, zModelJson, zTopology } from './modelJson';
import type { LayerWeights, WeightsManifestGroup } from './weightsManifest';

export {
  MAX_WEIGHT_BYTES,
  readWeights,
  type LayerWeights,
  type WeightSpec,
  type WeightsManifestGroup,
} from './weightsManifest';

/** Where Tensorweave keeps its own graph document inside `userDefinedMetadata`. */
export const METADATA_KEY = 'tensorweaveGraph';

export interface ImportedModel {
  doc: GraphDocument;
  /** Weight values by layer (node id): [kernel, bias?] in Keras order, with shapes. */
  weights: LayerWeights;
  /** Weight file names the manifest needs, in order. */
  files: string[];
  /** Notes on what was assumed (for example the loss, when the file does not say). */
  notes: string[];
}

/** The loss a Keras training config names; cross-entropy when it names none Tensorweave has. */
function lossFromTrainingConfig(trainingConfig: Record<string, unknown> | undefined): {
  params: LossParams;
  notes: string[];
} {
  const lossName = trainingConfig ? String(trainingConfig.loss ?? '') : '';
  const loss = /mean_squared_error|meanSquaredError|mse/i.test(lossName)
    ? 'meanSquaredError'
    : 'categoricalCrossentropy';
  const notes = trainingConfig
    ? []
    : ['The file does not say which loss it was trained with; cross-entropy (batch mean) is assumed.'];
  return { params: { loss, reduction: 'mean' }, notes };
}

/**
 * Turn a parsed `model.json` into a graph document and the list of weight files it needs.
 * Weights are read afterwards with `readWeights`.
 */
export function modelJsonToGraph(
  modelJson: unknown,
  modelName = 'imported model',
): Result<Omit<ImportedModel, 'weights'> & { manifest: WeightsManifestGroup[] }> {
  const parsed = zModelJson.safeParse(modelJson);
  if (!parsed.success) return err(formatModelJsonError(parsed.error));
  const { modelTopology, weightsManifest: manifest, userDefinedMetadata, trainingConfig } = parsed.data;
  const files = manifest.flatMap((g) => g.paths);

  // Tensorweave's own exports carry the full document: positions, loss and training settings.
  const meta = userDefinedMetadata?.[METADATA_KEY];
  if (meta !== undefined) {
    const stored = parseDocument(meta);
    if (!stored.ok) return err(`The graph stored in model.json is invalid: ${stored.error}`);
    return ok({ doc: stored.value, files, manifest, notes: [] });
  }

  // tensorflowjs_converter wraps the Keras topology in `model_config`.
  const wrapped = modelTopology.model_config !== undefined;
  const topologyResult = zTopology.safeParse(wrapped ? modelTopology.model_config : modelTopology);
  if (!topologyResult.success) {
    const prefix = wrapped ? ['modelTopology', 'model_config'] : ['modelTopology'];
    return err(formatModelJsonError(topologyResult.error, prefix));
  }
  const topology = topologyResult.data;
  const layers = readLayers(topology);
  if (!layers.ok) return layers;
  const unsupported = [
    ...new Set(layers.value.filter((l) => !SUPPORTED_CLASSES.includes(l.className)).map((l) => l.className)),
  ];
  if (unsupported.length) {
    return err(
      `The model uses layers Tensorweave cannot edit: ${unsupported.join(', ')}. Supported: ${SUPPORTED_CLASSES.join(', ')}.`,
    );
  }

  const loss = lossFromTrainingConfig(trainingConfig);
  const graph = layersToGraph(layers.value, outputLayerNames(topology, layers.value), loss.params);
  if (!graph.ok) return graph;
  const { nodes, edges } = graph.value;
  const name =
    typeof topology.config.name === 'string' && topology.config.name ? topology.config.name : modelName;
  const doc: GraphDocument = {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name: name.slice(0, 200),
    description: 'Imported from a TensorFlow.js layers model.',
    nodes,
    edges,
    training: { ...defaultTraining(), learningRate: 0.1, duration: { unit: 'steps', steps: 2000 } },
  };
  layoutByDepth(doc);
  // The same limits as any opened file, so an imported graph can always be saved and restored.
  const checked = parseDocument(doc);
  if (!checked.ok) return err(`The model cannot become a Tensorweave graph: ${checked.error}`);
  return ok({ doc: checked.value, files, manifest, notes: [...graph.value.notes, ...loss.notes] });
}

/** Place nodes left to right by their depth from the input, stacked where branches run side by side. */
function layoutByDepth(doc: GraphDocument): void {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) incoming.set(e.to.node, [...(incoming.get(e.to.node) ?? []), e.from.node]);
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    depth.set(id, 0);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(visit)) + 1;
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  for (const node of doc.nodes) {
    const d = visit(node.id);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    node.position = { x: d * 280, y: row * 160 };
  }
}
