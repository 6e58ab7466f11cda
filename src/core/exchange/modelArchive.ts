/**
 * The trained model as one download: a zip with `model.json` (TensorFlow.js layers format,
 * the graph document inside its metadata), `weights.bin` and `graph.json`. Reading a zip back
 * is guarded against archive bombs: declared sizes are checked before anything is inflated,
 * real sizes while inflating.
 */
import { strToU8, Unzip, UnzipInflate, unzipSync, zipSync } from 'fflate';
import type { GraphDocument } from '../document';
import { formatMegabytes, LIMITS } from '../limits';
import { serializeDocument } from '../parseDocument';
import { err, ok, type Result } from '../result';
import { METADATA_KEY } from './importLayersModel';

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

/** Compressed bytes fed to the inflater at a time: at most ~16 MB of output per step. */
const CHUNK = 16 * 1024;

const tooBig = () =>
  err(`The zip archive unpacks to more than ${formatMegabytes(LIMITS.unzippedBytes)}; refusing it.`);

/** The sizes the central directory declares, summed, without inflating anything. */
function declaredSize(bytes: Uint8Array): Result<number> {
  let total = 0;
  try {
    unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        return false;
      },
    });
  } catch (e) {
    return err(`The zip archive is damaged: ${(e as Error).message}.`);
  }
  return ok(total);
}

/**
 * Inflate every file, counting output as it appears: compressed bytes go in small chunks, so a
 * bomb (a file that claims 1 KB and inflates to gigabytes) is stopped within one chunk of
 * passing its declared size or the total cap, instead of after the whole thing is inflated.
 */
function inflateCounted(bytes: Uint8Array): Result<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  let failure: Result<never> | undefined;
  const unzip = new Unzip((file) => {
    if (file.name.endsWith('/')) return;
    const parts: Uint8Array[] = [];
    let size = 0;
    file.ondata = (e, data, final) => {
      if (failure) return;
      if (e) {
        failure = err(`The zip archive is damaged: ${e.message}.`);
        return;
      }
      size += data.length;
      total += data.length;
      if (total > LIMITS.unzippedBytes) failure = tooBig();
      else if (file.originalSize !== undefined && size > file.originalSize)
        failure = err(`The zip archive is damaged: "${file.name}" inflates past the size it declares.`);
      else parts.push(data);
      if (failure) file.terminate();
      else if (final) out.set(file.name.split('/').pop()!, concat(parts, size));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !failure; at += CHUNK) {
      unzip.push(bytes.subarray(at, at + CHUNK), at + CHUNK >= bytes.length);
    }
  } catch (e) {
    return err(`The zip archive is damaged: ${(e as Error).message}.`);
  }
  return failure ?? ok(out);
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * The files of a model zip by base name (folders inside the zip are ignored), or why not. The
 * declared sizes are checked before anything is inflated, and the real sizes while inflating,
 * both against `LIMITS.unzippedBytes`.
 */
export function unzipModel(bytes: Uint8Array): Result<Map<string, Uint8Array>> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    return err('The file is not a zip archive.');
  const declared = declaredSize(bytes);
  if (!declared.ok) return declared;
  if (declared.value > LIMITS.unzippedBytes) return tooBig();
  const files = inflateCounted(bytes);
  if (!files.ok) return files;
  if (!files.value.has(MODEL_JSON)) return err('The zip archive has no model.json.');
  return files;
}
