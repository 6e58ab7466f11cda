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
import { embedGraphInPng, shareUrl } from '../core/exchange/graphCarriers';
import { renderGraphSvg } from '../core/exchange/graphSvg';
import { importTrainedModel } from '../core/exchange/importTrainedModel';
import type { Result } from '../core/result';
import { fileStem } from '../core/util/fileStem';
import type { Opened } from '../worker/openInput';
import { download } from './fileIo';
import { importClient } from './importClient';

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

export type { Opened };

/**
 * Open what the user dropped or picked: a graph (.json), a picture of one (.png, .svg), a
 * model zip, a model.json with its weight files, or an ONNX model (.onnx). Read in the import
 * worker, so nothing the file holds can stall the page. Never throws; refusals say why.
 */
export function openFiles(files: File[]): Promise<Result<Opened>> {
  return importClient().openFiles(files);
}
