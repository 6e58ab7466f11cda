/**
 * Opening a trained model — a zip exported by Tensorweave, or a `model.json` with its weight
 * files — as a graph document plus its weights as plain arrays. This is the one sequence the
 * CLI and the app share; where the weight files come from is injected, so Node reads them
 * from disk and the browser from the files the user picked. Applying the weights to a
 * compiled model is `src/training/weights.ts`'s job.
 */
import type { GraphDocument } from '../document';
import { LIMITS } from '../limits';
import { err, ok, type Result } from '../result';
import { parseBoundedJson } from '../util/boundedJson';
import { modelJsonToGraph, readWeights } from './importLayersModel';
import { MODEL_JSON, unzipModel } from './modelArchive';

/** Weight values by layer (node id): [kernel, bias?] in Keras order, with their shapes. */
export type LayerWeights = Map<string, { shape: number[]; data: Float32Array }[]>;

/** A graph with the weights it was trained to. */
export interface TrainedModel {
  doc: GraphDocument;
  weights: LayerWeights;
  /** What was assumed while importing, e.g. the loss when the file does not say. */
  notes: string[];
}

/**
 * A graph from a model file, with its weights when the file has them. A topology-only
 * `model.json` (no weights listed, or its weight files not given) opens with `weights`
 * undefined, so it trains from freshly initialised weights.
 */
export interface OpenedModel {
  doc: GraphDocument;
  weights: LayerWeights | undefined;
  /** Why there are no weights, naming what is missing (set exactly when `weights` is not). */
  missingWeights?: string;
  notes: string[];
}

/**
 * Reads one weight file that `model.json` names (always a plain file name: the importer
 * refuses paths before asking). Resolves to its bytes, to `undefined` when there is no such
 * file (the import then reports it missing, by name), or to an error when the file exists
 * but cannot be read.
 */
export type WeightFileReader = (name: string) => Promise<Result<Uint8Array | undefined>>;

/** What the user gave: a model zip, or the text of a `model.json` and its weight files. */
export type TrainedModelSource =
  { zip: Uint8Array } | { modelJson: string; readWeightFile: WeightFileReader };

/** Why a model has no weights: none listed, or the listed files were not given. */
function missingWeightsReason(files: readonly string[], absent: readonly string[]): string | undefined {
  if (!files.length)
    return 'model.json lists no weights (it has no "weightsManifest"); it holds only the topology.';
  if (!absent.length) return undefined;
  const names = absent.map((n) => `"${n}"`).join(', ');
  return `The weight file${absent.length > 1 ? 's' : ''} ${names} ${absent.length > 1 ? 'are' : 'is'} missing: ${absent.length > 1 ? 'they' : 'it'} must come with model.json (beside it, selected with it, or in the same zip).`;
}

/**
 * The graph of a model file and its weights, or the graph alone (with a note saying its
 * weights are freshly initialised) when the file lists none or they were not given. Refused
 * as `importTrainedModel` refuses, except for missing weights. Never throws.
 */
export async function openTrainedModel(source: TrainedModelSource): Promise<Result<OpenedModel>> {
  if ('zip' in source) {
    const files = unzipModel(source.zip);
    if (!files.ok) return files;
    return openTrainedModel({
      modelJson: new TextDecoder().decode(files.value.get(MODEL_JSON)),
      readWeightFile: (name) => Promise.resolve(ok(files.value.get(name))),
    });
  }
  const json = parseBoundedJson(source.modelJson, { maxChars: LIMITS.modelJsonBytes, what: 'model.json' });
  if (!json.ok) return json;
  const graph = modelJsonToGraph(json.value);
  if (!graph.ok) return graph;
  const { doc, manifest, files, notes } = graph.value;
  const loaded = new Map<string, Uint8Array>();
  for (const name of new Set(files)) {
    const bytes = await source.readWeightFile(name);
    if (!bytes.ok) return bytes;
    if (bytes.value) loaded.set(name, bytes.value);
  }
  const missing = missingWeightsReason(
    files,
    [...new Set(files)].filter((n) => !loaded.has(n)),
  );
  if (missing) {
    return ok({
      doc,
      weights: undefined,
      missingWeights: missing,
      notes: [...notes, `${missing} The graph opens with freshly initialised weights.`],
    });
  }
  const weights = readWeights(doc, manifest, (name) => loaded.get(name));
  if (!weights.ok) return weights;
  return ok({ doc, weights: weights.value, notes });
}

/**
 * The graph and weights of a trained model, or why it is refused: not a zip, not a layers
 * model, unsupported layers, missing, truncated or mismatched weights. Never throws.
 */
export async function importTrainedModel(source: TrainedModelSource): Promise<Result<TrainedModel>> {
  const opened = await openTrainedModel(source);
  if (!opened.ok) return opened;
  const { doc, weights, missingWeights, notes } = opened.value;
  return weights ? ok({ doc, weights, notes }) : err(missingWeights ?? 'The model has no weights.');
}
