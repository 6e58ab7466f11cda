/** Reading a graph from a user's file and offering the current one as a download. */
import type { GraphDocument } from '../core/document';
import { MAX_DOCUMENT_BYTES, parseDocument, serializeDocument } from '../core/parseDocument';
import { err, type Result } from '../core/result';

/** Parse a dropped or picked file; refuses oversized files before reading them. */
export async function readGraphFile(file: File): Promise<Result<GraphDocument>> {
  if (file.size > MAX_DOCUMENT_BYTES) {
    return err(
      `The file is ${(file.size / 1e6).toFixed(1)} MB; a graph document is at most ${MAX_DOCUMENT_BYTES / 1e6} MB.`,
    );
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    return err('The file could not be read.');
  }
  return parseDocument(text);
}

/** A file name for the document: `hidden-layer.json`. */
export function fileNameFor(doc: GraphDocument): string {
  const slug = doc.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'graph'}.json`;
}

export function downloadGraph(doc: GraphDocument): void {
  const blob = new Blob([serializeDocument(doc)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameFor(doc);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
