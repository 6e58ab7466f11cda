/** Offering files as downloads (opening files is `fileActions.ts`'s job). */
import type { GraphDocument } from '../core/document';
import { serializeDocument } from '../core/parseDocument';
import { fileStem } from '../core/util/fileStem';

/** A file name for the document: `hidden-layer.json`. */
export function fileNameFor(doc: GraphDocument): string {
  return `${fileStem(doc.name.toLowerCase(), { separator: '-', fallback: 'graph' })}.json`;
}

/** Offer bytes or text as a download. */
export function download(name: string, content: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof content === 'string' ? content : (content.slice().buffer as ArrayBuffer)], {
    type,
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadGraph(doc: GraphDocument): void {
  download(fileNameFor(doc), serializeDocument(doc), 'application/json');
}
