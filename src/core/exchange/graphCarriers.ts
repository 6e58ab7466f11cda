/**
 * Carrying a graph document inside other things: a share link (the document compressed into
 * the URL) and a PNG picture of the canvas (the document in a tEXt chunk). Both decode through
 * `parseDocument`, so a damaged or hostile carrier is refused like any bad file.
 */
import * as lzString from 'lz-string';
import * as metaPng from 'meta-png';
import type { GraphDocument } from '../document';
import { formatMegabytes, LIMITS } from '../limits';
import { parseDocument, serializeDocument } from '../parseDocument';
import { err, type Result } from '../result';
import { decompressBase64, decompressUriComponent } from '../util/boundedLzString';
import { namedExports } from '../util/commonJs';

const { compressToBase64, compressToEncodedURIComponent } = namedExports(lzString);
const { addMetadata, getMetadata } = namedExports(metaPng);

/** The URL hash parameter and the PNG tEXt keyword that hold a graph. */
export const SHARE_PARAM = 'graph';
export const PNG_KEYWORD = 'tensorweave-graph';

/** Compressed, URL-safe text of a document, for `#graph=…`. */
export function encodeShareToken(doc: GraphDocument): string {
  return compressToEncodedURIComponent(JSON.stringify(doc));
}

/** The document in a share token, or why it cannot be read. */
export function decodeShareToken(token: string): Result<GraphDocument> {
  if (token.length > LIMITS.documentBytes)
    return err('The share link is too long to be a Tensorweave graph.');
  // Inflation stops at the document limit: a small token must not expand to gigabytes.
  const text = decompressUriComponent(token, LIMITS.documentBytes);
  if (!text.ok) {
    return err(
      text.reason === 'too-large'
        ? `The share link's graph is larger than ${formatMegabytes(LIMITS.documentBytes)}; refusing it.`
        : 'The share link is damaged: its graph could not be decompressed. Ask for the link again.',
    );
  }
  return parseDocument(text.text);
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

/**
 * The document a picture carries as base64 lz-string text (a PNG tEXt chunk, an SVG
 * `<metadata>`), inflated no further than the document limit.
 */
export function parseCarriedDocument(stored: string, picture: 'PNG' | 'SVG'): Result<GraphDocument> {
  if (stored.length > LIMITS.documentBytes)
    return err(`The graph inside this ${picture} is larger than ${formatMegabytes(LIMITS.documentBytes)}.`);
  const text = decompressBase64(stored, LIMITS.documentBytes);
  if (!text.ok) {
    return err(
      text.reason === 'too-large'
        ? `The graph inside this ${picture} expands past ${formatMegabytes(LIMITS.documentBytes)}; refusing it.`
        : `The graph inside this ${picture} is damaged and could not be decompressed.`,
    );
  }
  return parseDocument(text.text);
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
  return parseCarriedDocument(stored, 'PNG');
}
