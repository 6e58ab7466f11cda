/**
 * Carrying a graph document inside other things: a share link (the document compressed into
 * the URL) and a PNG picture of the canvas (the document in a tEXt chunk). Both decode through
 * `parseDocument`, so a damaged or hostile carrier is refused like any bad file.
 */
import {
  compressToBase64,
  compressToEncodedURIComponent,
  decompressFromBase64,
  decompressFromEncodedURIComponent,
} from 'lz-string';
import { addMetadata, getMetadata } from 'meta-png';
import type { GraphDocument } from '../document';
import { MAX_DOCUMENT_BYTES, parseDocument, serializeDocument } from '../parseDocument';
import { err, type Result } from '../result';

/** The URL hash parameter and the PNG tEXt keyword that hold a graph. */
export const SHARE_PARAM = 'graph';
export const PNG_KEYWORD = 'tensorweave-graph';

/** Compressed, URL-safe text of a document, for `#graph=…`. */
export function encodeShareToken(doc: GraphDocument): string {
  return compressToEncodedURIComponent(JSON.stringify(doc));
}

/** The document in a share token, or why it cannot be read. */
export function decodeShareToken(token: string): Result<GraphDocument> {
  if (token.length > MAX_DOCUMENT_BYTES) return err('The share link is too long to be a Tensorweave graph.');
  let text: string | null;
  try {
    text = decompressFromEncodedURIComponent(token);
  } catch {
    text = null;
  }
  if (!text)
    return err('The share link is damaged: its graph could not be decompressed. Ask for the link again.');
  return parseDocument(text);
}

/** A share URL for `doc` on the page at `base` (its hash is replaced). */
export function shareUrl(base: string, doc: GraphDocument): string {
  const url = new URL(base);
  url.hash = `${SHARE_PARAM}=${encodeShareToken(doc)}`;
  return url.toString();
}

/** The share token in a URL hash (`#graph=…`), if there is one. */
export function shareTokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(SHARE_PARAM) ?? undefined;
}

/** The PNG with the document embedded; the picture itself is unchanged. */
export function embedGraphInPng(png: Uint8Array, doc: GraphDocument): Uint8Array {
  return addMetadata(png, PNG_KEYWORD, compressToBase64(serializeDocument(doc)));
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** The document embedded in a PNG, or why there is none. */
export function extractGraphFromPng(png: Uint8Array): Result<GraphDocument> {
  if (png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b))
    return err('The file is not a PNG picture.');
  let stored: string | undefined;
  try {
    stored = getMetadata(png, PNG_KEYWORD);
  } catch {
    return err('The PNG picture is damaged.');
  }
  if (stored === undefined) {
    return err('This PNG holds no Tensorweave graph. Only pictures saved by Tensorweave carry one.');
  }
  const text = decompressFromBase64(stored);
  if (!text) return err('The graph inside this PNG is damaged and could not be decompressed.');
  return parseDocument(text);
}
