/**
 * Opening a trained model — a zip exported by Tensorweave, or a `model.json` with its weight
 * files — as a graph document plus its weights as plain arrays. This is the one sequence the
 * CLI and the app share; where the weight files come from is injected, so Node reads them
 * from disk and the browser from the files the user picked. Applying the weights to a
 * compiled model is `src/training/weights.ts`'s job.
 */
import type { GraphDocument } from '../document';
import { LIMITS } from '../limits';
import { ok, type Result } from '../result';
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
 * Reads one weight file that `model.json` names (always a plain file name: the importer
 * refuses paths before asking). Resolves to its bytes, to `undefined` when there is no such
 * file (the import then reports it missing, by name), or to an error when the file exists
 * but cannot be read.
 */
export type WeightFileReader = (name: string) => Promise<Result<Uint8Array | undefined>>;

/** What the user gave: a model zip, or the text of a `model.json` and its weight files. */
export type TrainedModelSource =
  { zip: Uint8Array } | { modelJson: string; readWeightFile: WeightFileReader };

/**
 * The graph and weights of a trained model, or why it is refused: not a zip, not a layers
 * model, unsupported layers, missing, truncated or mismatched weights. Never throws.
 */
export async function importTrainedModel(source: TrainedModelSource): Promise<Result<TrainedModel>> {
  if ('zip' in source) {
    const files = unzipModel(source.zip);
    if (!files.ok) return files;
    return importTrainedModel({
      modelJson: new TextDecoder().decode(files.value.get(MODEL_JSON)),
      readWeightFile: (name) => Promise.resolve(ok(files.value.get(name))),
    });
  }
  const json = parseBoundedJson(source.modelJson, { maxChars: LIMITS.modelJsonBytes, what: 'model.json' });
  if (!json.ok) return json;
  const graph = modelJsonToGraph(json.value);
  if (!graph.ok) return graph;
  const { doc, manifest, notes } = graph.value;
  const loaded = new Map<string, Uint8Array>();
  for (const name of new Set(manifest.flatMap((group) => group.paths))) {
    const bytes = await source.readWeightFile(name);
    if (!bytes.ok) return bytes;
    if (bytes.value) loaded.set(name, bytes.value);
  }
  const weights = readWeights(doc, manifest, (name) => loaded.get(name));
  if (!weights.ok) return weights;
  return ok({ doc, weights: weights.value, notes });
}
