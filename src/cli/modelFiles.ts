/**
 * A trained model's files on disk: writing `model.json` + `weights.bin` for `--out`, reading
 * a graph, a `model.json` (with the weight files beside it) or a model zip given on the
 * command line, and a `tf.io` load handler over `node:fs` (there is no @tensorflow/tfjs-node).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { GraphDocument } from '../core/document';
import {
  openTrainedModel,
  type LayerWeights,
  type WeightFileReader,
} from '../core/exchange/importTrainedModel';
import { decodeShareToken, extractGraphFromPng, shareTokenFromHash } from '../core/exchange/graphCarriers';
import { extractGraphFromSvg } from '../core/exchange/graphSvg';
import {
  buildModelJson,
  MODEL_JSON,
  WEIGHTS_BIN,
  type ModelArtifactsLike,
} from '../core/exchange/modelArchive';
import { importOnnx } from '../core/exchange/onnx/importOnnx';
import { LIMITS } from '../core/limits';
import { parseDocument } from '../core/parseDocument';
import { err, ok, type Result } from '../core/result';
import { parseBoundedJson } from '../core/util/boundedJson';
import { decodeText, type DecodedText } from '../core/util/textDecoding';
import { readRegularFile, resolveInside } from './boundedRead';
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
 * Reads weight files from the folder of a model.json. A file that does not exist counts as
 * missing, so the import names it; one that links out of the folder, or is not a regular
 * file, or is too large, is an error.
 */
function weightFilesBeside(modelJsonPath: string): WeightFileReader {
  const dir = path.dirname(modelJsonPath);
  return async (name) => {
    const target = await resolveInside(dir, name);
    if (!target.ok) return target;
    if (target.value === undefined) return ok(undefined);
    const bytes = await readRegularFile(target.value, LIMITS.weightBytes);
    return bytes.ok ? bytes : err(`The weight file "${name}" ${bytes.error}`);
  };
}

/** What the command line was given: a graph document, or a trained model with its weights. */
export interface GraphOrModel {
  doc: GraphDocument;
  weights: LayerWeights | undefined;
  /** For a model without weights (topology only): which weights are missing. */
  missingWeights?: string;
  notes: string[];
}

/** How the text of a file was decoded, when that is worth saying (UTF-16, a byte-order mark). */
function encodingNote({ encoding, bom }: DecodedText): string | undefined {
  if (encoding === 'UTF-8' && !bom) return undefined;
  return `the file is ${encoding} text${bom ? ' with a byte-order mark' : ''}; read as such.`;
}

/**
 * A graph document, a model.json (weights read from the files it names, beside it; a
 * topology-only one opens without weights), a model zip, an ONNX model, a PNG or SVG picture
 * saved by Tensorweave, or a share link (`https://…#graph=…`); or why not, in words that follow
 * the file name.
 */
export async function readGraphOrModel(file: string): Promise<Result<GraphOrModel>> {
  const token = /^https?:\/\/[^#]*#/i.test(file)
    ? shareTokenFromHash(file.slice(file.indexOf('#')))
    : undefined;
  if (token !== undefined) return asGraph(decodeShareToken(token), []);
  const lower = file.toLowerCase();
  if (lower.endsWith('.png') || lower.endsWith('.svg')) {
    const bytes = await readRegularFile(file, LIMITS.modelJsonBytes);
    if (!bytes.ok) return bytes;
    if (lower.endsWith('.png')) return asGraph(extractGraphFromPng(bytes.value), []);
    const svg = decodeText(bytes.value);
    return asGraph(extractGraphFromSvg(svg.text), []);
  }
  const isZip = lower.endsWith('.zip');
  const isOnnx = lower.endsWith('.onnx');
  const bytes = await readRegularFile(file, isZip || isOnnx ? LIMITS.unzippedBytes : LIMITS.modelJsonBytes);
  if (!bytes.ok) return bytes;
  if (isZip) return openTrainedModel({ zip: bytes.value });
  if (isOnnx) return importOnnx(bytes.value, path.basename(file, '.onnx'));
  return readJsonFile(file, bytes.value);
}

async function readJsonFile(file: string, bytes: Uint8Array): Promise<Result<GraphOrModel>> {
  const decoded = decodeText(bytes);
  const note = encodingNote(decoded);
  const withNote = <T>(r: Result<T>): Result<T> =>
    r.ok || !note ? r : err(`${r.error} (${note.replace(/; read as such\.$/, '')})`);
  const json = parseBoundedJson(decoded.text, { maxChars: LIMITS.modelJsonBytes, what: 'The file' });
  if (!json.ok) return withNote(json);
  const notes = note ? [note] : [];
  // A layers model.json, or a bare Keras topology (Keras 3 `model.to_json()`, topology only).
  const value = json.value;
  if (value && typeof value === 'object' && ('modelTopology' in value || 'class_name' in value)) {
    const model = await openTrainedModel({
      modelJson: decoded.text,
      readWeightFile: weightFilesBeside(file),
    });
    return model.ok ? ok({ ...model.value, notes: [...notes, ...model.value.notes] }) : withNote(model);
  }
  return withNote(asGraph(parseDocument(decoded.text), notes));
}

function asGraph(parsed: Result<GraphDocument>, notes: string[]): Result<GraphOrModel> {
  return parsed.ok ? ok({ doc: parsed.value, weights: undefined, notes }) : parsed;
}

/** A failure inside a `tf.io` handler, which can only throw. */
function fail(file: string, message: string): never {
  throw new Error(`${file}: ${message}`);
}

/** A `tf.io` load handler reading a `model.json` (and the weight files it lists) from disk. */
export function fileLoadHandler(modelJsonPath: string): tfjs.io.IOHandler {
  return {
    async load(): Promise<tfjs.io.ModelArtifacts> {
      const dir = path.dirname(modelJsonPath);
      const bytes = await readRegularFile(modelJsonPath, LIMITS.modelJsonBytes);
      if (!bytes.ok) fail(modelJsonPath, bytes.error);
      const parsed = parseBoundedJson(decodeText(bytes.value).text, {
        maxChars: LIMITS.modelJsonBytes,
        what: 'model.json',
      });
      if (!parsed.ok) fail(modelJsonPath, parsed.error);
      const json = parsed.value as tfjs.io.ModelJSON;
      const groups = (json.weightsManifest as unknown) ?? [];
      if (!Array.isArray(groups)) fail(modelJsonPath, '"weightsManifest" must be a list.');
      const manifest = groups as tfjs.io.WeightsManifestConfig;
      const buffers: ArrayBuffer[] = [];
      for (const p of manifest.flatMap((g) => g.paths)) {
        const target = await resolveInside(dir, p);
        if (!target.ok) fail(modelJsonPath, target.error);
        if (target.value === undefined) fail(modelJsonPath, `the weight file "${p}" is missing.`);
        const weights = await readRegularFile(target.value, LIMITS.weightBytes);
        if (!weights.ok) fail(p, weights.error);
        buffers.push(weights.value.slice().buffer as ArrayBuffer);
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: tf.io.CompositeArrayBuffer.join(buffers),
      };
    },
  };
}
