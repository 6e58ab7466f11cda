/** Offering the current graph as a download (opening files is `exchange.ts`'s job). */
import type { GraphDocument } from '../core/document';
import { serializeDocument } from '../core/parseDocument';

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
