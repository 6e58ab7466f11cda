/**
 * A trained model's files on disk: writing `model.json` + `weights.bin` for `--out`, reading
 * a graph, a `model.json` (with the weight files beside it) or a model zip given on the
 * command line, and a `tf.io` load handler over `node:fs` (there is no @tensorflow/tfjs-node).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { GraphDocument } from '../core/document';
import { MAX_WEIGHT_BYTES } from '../core/exchange/importLayersModel';
import {
  importTrainedModel,
  type LayerWeights,
  type WeightFileReader,
} from '../core/exchange/importTrainedModel';
import {
  buildModelJson,
  MODEL_JSON,
  WEIGHTS_BIN,
  type ModelArtifactsLike,
} from '../core/exchange/modelArchive';
import { importOnnx } from '../core/exchange/onnx/importOnnx';
import { MAX_DOCUMENT_BYTES, parseDocument } from '../core/parseDocument';
import { err, ok, type Result } from '../core/result';
import { tf } from './nodeEnv';

/** Write `dir/model.json` and `dir/weights.bin` (the folder is created); returns model.json's path. */
export async function writeModelFiles(
  dir: string,
  artifacts: ModelArtifactsLike,
  doc: GraphDocument,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const modelJsonPath = path.join(dir, MODEL_JSON);
  await writeFile(modelJsonPath, JSON.stringify(buildModelJson(artifacts, doc)));
  await writeFile(path.join(dir, WEIGHTS_BIN), artifacts.weightData);
  return modelJsonPath;
}

/**
 * Reads weight files from the folder of a model.json. A file that cannot be read counts as
 * missing, so the import names it.
 */
function weightFilesBeside(modelJsonPath: string): WeightFileReader {
  const dir = path.dirname(modelJsonPath);
  return async (name) => {
    try {
      return ok(new Uint8Array(await readFile(path.join(dir, name))));
    } catch {
      return ok(undefined);
    }
  };
}

/** What the command line was given: a graph document, or a trained model with its weights. */
export interface GraphOrModel {
  doc: GraphDocument;
  weights: LayerWeights | undefined;
  notes: string[];
}

/** The bytes of `file`, refusing folders, missing files and anything too large to be ours. */
async function readInputFile(file: string): Promise<Result<Uint8Array>> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return err('is a folder, not a file.');
    if (info.size > MAX_WEIGHT_BYTES + MAX_DOCUMENT_BYTES) {
      return err(`is ${(info.size / 2 ** 20).toFixed(0)} MB; too large to be a graph or a model.`);
    }
    return ok(new Uint8Array(await readFile(file)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'file not found.' : (e as Error).message);
  }
}

/**
 * A graph document, a model.json (weights read from the files it names, beside it), a model
 * zip or an ONNX model; or why not, in words that follow the file name.
 */
export async function readGraphOrModel(file: string): Promise<Result<GraphOrModel>> {
  const bytes = await readInputFile(file);
  if (!bytes.ok) return bytes;
  if (file.toLowerCase().endsWith('.zip')) return importTrainedModel({ zip: bytes.value });
  if (file.toLowerCase().endsWith('.onnx')) return importOnnx(bytes.value, path.basename(file, '.onnx'));
  const text = new TextDecoder().decode(bytes.value);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // parseDocument reports the syntax error with its position
  }
  if (json && typeof json === 'object' && 'modelTopology' in json) {
    return importTrainedModel({ modelJson: text, readWeightFile: weightFilesBeside(file) });
  }
  const parsed = parseDocument(text);
  return parsed.ok ? ok({ doc: parsed.value, weights: undefined, notes: [] }) : parsed;
}

/** A `tf.io` load handler reading a `model.json` (and the weight files it lists) from disk. */
export function fileLoadHandler(modelJsonPath: string): tfjs.io.IOHandler {
  return {
    async load(): Promise<tfjs.io.ModelArtifacts> {
      const dir = path.dirname(modelJsonPath);
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tfjs.io.ModelJSON;
      const groups = json.weightsManifest ?? [];
      const buffers: ArrayBuffer[] = [];
      for (const p of groups.flatMap((g) => g.paths)) {
        buffers.push(new Uint8Array(await readFile(path.join(dir, p))).slice().buffer as ArrayBuffer);
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: tf.io.CompositeArrayBuffer.join(buffers),
      };
    },
  };
}
