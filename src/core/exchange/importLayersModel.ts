/**
 * Reading TensorFlow.js layers-format models (`model.json` + weight files), as written by
 * Tensorweave, by `model.save`, or by `tensorflowjs_converter` from Keras, and bare Keras
 * topologies (Keras 3 `to_json()`), into an editable graph document plus its weights.
 * Untrusted input: model.json is checked against the schemas in `modelJson.ts`, weights by
 * `weightsManifest.ts`; weights are either all there with the right shapes or refused.
 */
import type { GraphDocument } from '../document';
import { defaultTraining, DOCUMENT_FORMAT, DOCUMENT_VERSION } from '../document';
import { isRecord } from '../nodes/keras';
import { parseDocument } from '../parseDocument';
import { err, ok, type Result } from '../result';
import { inputLayerNames, outputLayerNames, readLayers } from './kerasTopology';
import { readKerasTrainingConfig } from './kerasTrainingConfig';
import { layersToGraph, SUPPORTED_CLASSES } from './layersToGraph';
import { layoutByDepth } from './layoutByDepth';
import { formatModelJsonError, zModelJson, zTopology } from './modelJson';
import type { LayerWeights, WeightsManifestGroup } from './weightsManifest';

export {
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

/**
 * Turn a parsed `model.json` into a graph document and the list of weight files it needs.
 * Weights are read afterwards with `readWeights`.
 */
export function modelJsonToGraph(
  modelJson: unknown,
  modelName = 'imported model',
): Result<Omit<ImportedModel, 'weights'> & { manifest: WeightsManifestGroup[] }> {
  const parsed = zModelJson.safeParse(asLayersModel(modelJson));
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
  const read = readLayers(topology);
  if (!read.ok) return read;
  const layers = read.value.layers;
  const unsupported = [
    ...new Set(layers.filter((l) => !SUPPORTED_CLASSES.includes(l.className)).map((l) => l.className)),
  ];
  if (unsupported.length) {
    return err(
      `The model uses layers Tensorweave cannot edit: ${unsupported.join(', ')}. Supported: ${SUPPORTED_CLASSES.join(', ')}.`,
    );
  }

  const inputs = inputLayerNames(topology);
  if (inputs && inputs.length !== 1)
    return err(`The model has ${inputs.length} inputs; Tensorweave trains models with one (the images).`);

  // The converter nests Keras's training_config in modelTopology; tfjs writes trainingConfig
  // at the top; Keras 3 keeps compile_config in the topology.
  const training = readKerasTrainingConfig(
    trainingConfig ?? modelTopology.training_config ?? topology.compile_config,
  );
  const graph = layersToGraph(layers, outputLayerNames(topology, layers), training.loss);
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
    training: {
      ...defaultTraining(),
      learningRate: training.optimizer?.learningRate ?? 0.1,
      ...(training.optimizer && { optimizer: training.optimizer.settings }),
      duration: { unit: 'steps', steps: 2000 },
    },
  };
  layoutByDepth(doc);
  // The same limits as any opened file, so an imported graph can always be saved and restored.
  const checked = parseDocument(doc);
  if (!checked.ok) return err(`The model cannot become a Tensorweave graph: ${checked.error}`);
  return ok({
    doc: checked.value,
    files,
    manifest,
    notes: [...read.value.notes, ...graph.value.notes, ...training.notes],
  });
}

/**
 * A bare Keras topology (`model.to_json()`, or config.json from a `.keras` file) as the
 * topology-only layers model it is; anything else unchanged.
 */
function asLayersModel(json: unknown): unknown {
  const isBareKeras =
    isRecord(json) &&
    !('modelTopology' in json) &&
    typeof json.class_name === 'string' &&
    isRecord(json.config);
  return isBareKeras ? { format: 'layers-model', modelTopology: json } : json;
}
