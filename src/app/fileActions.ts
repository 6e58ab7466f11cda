/**
 * The app's file actions: exporting generated code, pictures carrying the graph and share
 * links, and opening what the user picks or drops (a graph JSON, a picture of one, a model
 * zip, a model.json with its weight files, or an ONNX model). Formats are the core's (`src/core/exchange`);
 * this module only touches files, blobs and the clipboard.
 */
import { analyzeGraph } from '../core/analyze';
import type { GraphDocument } from '../core/document';
import { generatePython } from '../core/codegen/python';
import { generateTypeScript } from '../core/codegen/typescript';
import { embedGraphInPng, extractGraphFromPng, shareUrl } from '../core/exchange/graphCarriers';
import { extractGraphFromSvg, renderGraphSvg } from '../core/exchange/graphSvg';
import { MAX_WEIGHT_BYTES } from '../core/exchange/importLayersModel';
import {
  importTrainedModel,
  openTrainedModel,
  type LayerWeights,
  type TrainedModelSource,
} from '../core/exchange/importTrainedModel';
import { MODEL_JSON } from '../core/exchange/modelArchive';
import { MAX_DOCUMENT_BYTES, parseDocument } from '../core/parseDocument';
import { err, ok, type Result } from '../core/result';
import { fileStem } from '../core/util/fileStem';
import { download } from './fileIo';

function validOrReason(doc: GraphDocument): string | undefined {
  const analysis = analyzeGraph(doc);
  return analysis.valid
    ? undefined
    : 'Fix the graph’s errors first: code is generated only for a valid graph.';
}

export function exportPython(doc: GraphDocument): string | undefined {
  const reason = validOrReason(doc);
  if (reason) return reason;
  download(`${fileStem(doc.name)}.py`, generatePython(doc, analyzeGraph(doc)), 'text/x-python');
  return undefined;
}

export function exportTypeScript(doc: GraphDocument): string | undefined {
  const reason = validOrReason(doc);
  if (reason) return reason;
  download(`${fileStem(doc.name)}.ts`, generateTypeScript(doc, analyzeGraph(doc)), 'text/typescript');
  return undefined;
}

/** The trained model (as its zip) downloaded as an `.onnx` file; or why not. */
export async function exportOnnx(zip: Uint8Array): Promise<string | undefined> {
  const model = await importTrainedModel({ zip });
  if (!model.ok) return model.error;
  // Loaded on first use: the protobuf classes are only needed for ONNX files.
  const { graphToOnnx } = await import('../core/exchange/onnx/exportOnnx');
  const onnx = graphToOnnx(model.value.doc, model.value.weights);
  if (!onnx.ok) return onnx.error;
  download(`${fileStem(model.value.doc.name)}.onnx`, onnx.value, 'application/octet-stream');
  return undefined;
}

export function exportSvg(doc: GraphDocument): void {
  download(`${fileStem(doc.name)}.svg`, renderGraphSvg(doc, analyzeGraph(doc)), 'image/svg+xml');
}

/** Rasterise the SVG picture at 2× and embed the document in the PNG. */
export async function graphPng(doc: GraphDocument): Promise<Uint8Array> {
  const svg = renderGraphSvg(doc, analyzeGraph(doc));
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width * 2;
    canvas.height = image.height * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(image, 0, 0);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('The picture could not be encoded.'))),
        'image/png',
      ),
    );
    return embedGraphInPng(new Uint8Array(await blob.arrayBuffer()), doc);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function exportPng(doc: GraphDocument): Promise<void> {
  download(`${fileStem(doc.name)}.png`, await graphPng(doc), 'image/png');
}

/** Copy a link that opens this graph; returns the link. */
export async function copyShareLink(doc: GraphDocument): Promise<string> {
  const base = `${location.origin}${location.pathname}`;
  const link = shareUrl(base, doc);
  try {
    await navigator.clipboard.writeText(link);
  } catch {
    // Without clipboard permission the caller still shows the link to copy by hand.
  }
  return link;
}

export interface Opened {
  doc: GraphDocument;
  /** Present when a trained model was opened. */
  weights?: LayerWeights;
  notes: string[];
  /** What was opened, for the confirmation message. */
  what: string;
}

async function bytesOf(file: File, limit: number): Promise<Result<Uint8Array>> {
  if (file.size > limit)
    return err(
      `"${file.name}" is ${(file.size / 2 ** 20).toFixed(1)} MB; the limit is ${limit / 2 ** 20} MB.`,
    );
  try {
    return ok(new Uint8Array(await file.arrayBuffer()));
  } catch {
    return err(`"${file.name}" could not be read.`);
  }
}

async function openModel(file: File, source: TrainedModelSource): Promise<Result<Opened>> {
  const model = await openTrainedModel(source);
  if (!model.ok) return err(`"${file.name}": ${model.error}`);
  return ok({ ...model.value, what: `the model in "${file.name}"` });
}

/**
 * Open what the user dropped or picked: a graph (.json), a picture of one (.png, .svg), a
 * model zip, a model.json with its weight files, or an ONNX model (.onnx). Never throws;
 * refusals say why.
 */
export async function openFiles(files: File[]): Promise<Result<Opened>> {
  if (!files.length) return err('No file was given.');
  const lower = (f: File) => f.name.toLowerCase();
  const onnx = files.find((f) => lower(f).endsWith('.onnx'));
  if (onnx) {
    const bytes = await bytesOf(onnx, MAX_WEIGHT_BYTES);
    if (!bytes.ok) return bytes;
    const { importOnnx } = await import('../core/exchange/onnx/importOnnx');
    const model = importOnnx(bytes.value, fileStem(onnx.name));
    if (!model.ok) return err(`"${onnx.name}": ${model.error}`);
    return ok({ ...model.value, what: `the model in "${onnx.name}"` });
  }
  const zip = files.find((f) => lower(f).endsWith('.zip'));
  if (zip) {
    const bytes = await bytesOf(zip, MAX_WEIGHT_BYTES);
    if (!bytes.ok) return bytes;
    return openModel(zip, { zip: bytes.value });
  }
  const bins = files.filter((f) => lower(f).endsWith('.bin'));
  const json = files.find((f) => lower(f).endsWith('.json'));
  if (json && (bins.length || json.name === MODEL_JSON)) {
    const text = await bytesOf(json, MAX_DOCUMENT_BYTES * 4);
    if (!text.ok) return text;
    return openModel(json, {
      modelJson: new TextDecoder().decode(text.value),
      // The weight files are the .bin files picked or dropped together with model.json.
      readWeightFile: async (name) => {
        const bin = bins.find((b) => b.name === name);
        return bin ? bytesOf(bin, MAX_WEIGHT_BYTES) : ok(undefined);
      },
    });
  }
  const file = files[0]!;
  const picture = lower(file).endsWith('.png')
    ? extractGraphFromPng
    : lower(file).endsWith('.svg')
      ? (bytes: Uint8Array) => extractGraphFromSvg(new TextDecoder().decode(bytes))
      : undefined;
  if (picture) {
    const bytes = await bytesOf(file, 20 * 2 ** 20);
    if (!bytes.ok) return bytes;
    const doc = picture(bytes.value);
    return doc.ok
      ? ok({ doc: doc.value, notes: [], what: `the graph in "${file.name}"` })
      : err(`"${file.name}": ${doc.error}`);
  }
  const bytes = await bytesOf(file, MAX_DOCUMENT_BYTES);
  if (!bytes.ok) return bytes;
  const doc = parseDocument(new TextDecoder().decode(bytes.value));
  return doc.ok
    ? ok({ doc: doc.value, notes: [], what: `"${file.name}"` })
    : err(`"${file.name}": ${doc.error}`);
}
