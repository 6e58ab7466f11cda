/**
 * The trained model as one download: a zip with `model.json` (TensorFlow.js layers format,
 * the graph document inside its metadata), `weights.bin` and `graph.json`. Reading a zip back
 * is guarded against archive bombs: sizes are checked before anything is inflated.
 */
import { unzipSync, zipSync, strToU8 } from 'fflate';
import type { GraphDocument } from '../document';
import { serializeDocument } from '../parseDocument';
import { err, ok, type Result } from '../result';
import { MAX_WEIGHT_BYTES, METADATA_KEY } from './importLayersModel';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const GRAPH_JSON = 'graph.json';

/** What `tf.LayersModel.save` hands a save handler, reduced to what we keep. */
export interface ModelArtifactsLike {
  modelTopology: unknown;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightData: Uint8Array;
}

/** The `model.json` object for saved artifacts, carrying the graph document. */
export function buildModelJson(artifacts: ModelArtifactsLike, doc: GraphDocument): Record<string, unknown> {
  return {
    format: 'layers-model',
    generatedBy: 'Tensorweave',
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
    userDefinedMetadata: { [METADATA_KEY]: JSON.parse(JSON.stringify(doc)) as unknown },
  };
}

/** The zip: model.json, weights.bin, graph.json. */
export function zipModel(artifacts: ModelArtifactsLike, doc: GraphDocument): Uint8Array {
  return zipSync(
    {
      [MODEL_JSON]: strToU8(JSON.stringify(buildModelJson(artifacts, doc))),
      [WEIGHTS_BIN]: [artifacts.weightData, { level: 0 }],
      [GRAPH_JSON]: strToU8(serializeDocument(doc)),
    },
    { level: 6 },
  );
}

/** Largest total a zip may inflate to. */
const MAX_UNZIPPED = MAX_WEIGHT_BYTES + 16 * 1024 * 1024;

/** The files of a model zip by base name (folders inside the zip are ignored), or why not. */
export function unzipModel(bytes: Uint8Array): Result<Map<string, Uint8Array>> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    return err('The file is not a zip archive.');
  let total = 0;
  let tooBig = false;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        if (total > MAX_UNZIPPED) tooBig = true;
        return !tooBig && !file.name.endsWith('/');
      },
    });
  } catch (e) {
    return err(`The zip archive is damaged: ${(e as Error).message}.`);
  }
  if (tooBig) return err(`The zip archive unpacks to more than ${MAX_UNZIPPED / 2 ** 20} MB; refusing it.`);
  const out = new Map<string, Uint8Array>();
  for (const [path, data] of Object.entries(files)) out.set(path.split('/').pop()!, data);
  if (!out.has(MODEL_JSON)) return err('The zip archive has no model.json.');
  return ok(out);
}
