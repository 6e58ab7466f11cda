/**
 * Reading what the user opens — picked or dropped files, or a share link's token — into a
 * graph (and weights, for a trained model). Everything here handles untrusted bytes, so it
 * runs in the import worker (`importWorker.ts`), never on the page's thread: a hostile file
 * costs the worker time, not the page's responsiveness.
 */
import type { GraphDocument } from '../core/document';
import { decodeShareToken, extractGraphFromPng } from '../core/exchange/graphCarriers';
import { extractGraphFromSvg } from '../core/exchange/graphSvg';
import {
  openTrainedModel,
  type LayerWeights,
  type TrainedModelSource,
} from '../core/exchange/importTrainedModel';
import { MODEL_JSON } from '../core/exchange/modelArchive';
import { formatMegabytes, LIMITS } from '../core/limits';
import { parseDocument } from '../core/parseDocument';
import { err, ok, type Result } from '../core/result';
import { fileStem } from '../core/util/fileStem';
import { decodeText } from '../core/util/textDecoding';

/** What was opened: a graph, and its weights when it was a trained model. */
export interface Opened {
  doc: GraphDocument;
  /** Present when a trained model was opened. */
  weights?: LayerWeights;
  notes: string[];
  /** What was opened, for the confirmation message. */
  what: string;
  /** The name of the file a trained model was read from (`mnist-cnn.zip`, `model.json`). */
  file?: string;
}

/** A picture's bytes are mostly pixels; the graph it carries is still bounded by the document limit. */
const PICTURE_BYTES = 4 * LIMITS.documentBytes;

async function bytesOf(file: File, limit: number): Promise<Result<Uint8Array>> {
  // The size is known before a byte is read: a huge file is refused without reading it.
  if (file.size > limit)
    return err(
      `"${file.name}" is ${formatMegabytes(file.size)}; the limit is ${formatMegabytes(limit)}. Open a smaller file.`,
    );
  try {
    return ok(new Uint8Array(await file.arrayBuffer()));
  } catch {
    return err(`"${file.name}" could not be read. Check that the file still exists and try again.`);
  }
}

async function openModel(file: File, source: TrainedModelSource): Promise<Result<Opened>> {
  const model = await openTrainedModel(source);
  if (!model.ok) return err(`"${file.name}": ${model.error}`);
  return ok({ ...model.value, what: `the model in "${file.name}"`, file: file.name });
}

async function openOnnx(file: File): Promise<Result<Opened>> {
  const bytes = await bytesOf(file, LIMITS.weightBytes);
  if (!bytes.ok) return bytes;
  // Loaded on first use: the protobuf classes are only needed for ONNX files.
  const { importOnnx } = await import('../core/exchange/onnx/importOnnx');
  const model = importOnnx(bytes.value, fileStem(file.name));
  if (!model.ok) return err(`"${file.name}": ${model.error}`);
  return ok({ ...model.value, what: `the model in "${file.name}"`, file: file.name });
}

async function openPicture(file: File, kind: 'png' | 'svg'): Promise<Result<Opened>> {
  const bytes = await bytesOf(file, PICTURE_BYTES);
  if (!bytes.ok) return bytes;
  const doc =
    kind === 'png' ? extractGraphFromPng(bytes.value) : extractGraphFromSvg(decodeText(bytes.value).text);
  return doc.ok
    ? ok({ doc: doc.value, notes: [], what: `the graph in "${file.name}"` })
    : err(`"${file.name}": ${doc.error}`);
}

/**
 * Open what the user dropped or picked: a graph (.json), a picture of one (.png, .svg), a
 * model zip, a model.json with its weight files, or an ONNX model (.onnx). Never throws;
 * refusals name the file and say why.
 */
export async function openFiles(files: readonly File[]): Promise<Result<Opened>> {
  if (!files.length) return err('No file was given.');
  const lower = (f: File) => f.name.toLowerCase();
  const onnx = files.find((f) => lower(f).endsWith('.onnx'));
  if (onnx) return openOnnx(onnx);
  const zip = files.find((f) => lower(f).endsWith('.zip'));
  if (zip) {
    const bytes = await bytesOf(zip, LIMITS.weightBytes);
    if (!bytes.ok) return bytes;
    return openModel(zip, { zip: bytes.value });
  }
  const bins = files.filter((f) => lower(f).endsWith('.bin'));
  const json = files.find((f) => lower(f).endsWith('.json'));
  if (json && (bins.length || json.name === MODEL_JSON)) {
    const text = await bytesOf(json, LIMITS.modelJsonBytes);
    if (!text.ok) return text;
    return openModel(json, {
      modelJson: decodeText(text.value).text,
      // The weight files are the .bin files picked or dropped together with model.json.
      readWeightFile: async (name) => {
        const bin = bins.find((b) => b.name === name);
        return bin ? bytesOf(bin, LIMITS.weightBytes) : ok(undefined);
      },
    });
  }
  const file = files[0]!;
  if (lower(file).endsWith('.png')) return openPicture(file, 'png');
  if (lower(file).endsWith('.svg')) return openPicture(file, 'svg');
  const bytes = await bytesOf(file, LIMITS.documentBytes);
  if (!bytes.ok) return bytes;
  const doc = parseDocument(decodeText(bytes.value).text);
  return doc.ok
    ? ok({ doc: doc.value, notes: [], what: `"${file.name}"` })
    : err(`"${file.name}": ${doc.error}`);
}

/** The graph of a share link's token (what follows `#graph=`), or why it cannot be opened. */
export function openShareToken(token: string): Result<Opened> {
  if (!token.trim())
    return err('The link holds no graph: nothing follows “#graph=”. Ask for the whole link again.');
  const doc = decodeShareToken(token);
  return doc.ok ? ok({ doc: doc.value, notes: [], what: 'the shared graph' }) : doc;
}
