/**
 * Reading graph documents from untrusted text: JSON syntax, format tag, version (with
 * migrations from older versions), then the schema. Every failure is one readable sentence
 * that says where the problem is.
 */
import { z } from 'zod';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, zDocumentV1, type GraphDocument } from './document';
import { LIMITS } from './limits';
import { err, ok, type Result } from './result';
import { parseBoundedJson } from './util/boundedJson';
import { valueDeeperThan } from './util/jsonDepth';

/** One migration: takes a document of version `from` and returns one of version `from + 1`. */
type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * Migrations keyed by the version they upgrade from. Version 1 is the first format, so there
 * is none yet; a version 2 adds `1: (doc) => ({ ...doc, version: 2, ... })` here.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/** Where and what: `nodes[3].position.x: expected number, received string`. */
export function formatZodIssue(issue: z.core.$ZodIssue, doc?: unknown): string {
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  let where = path || 'document';
  // Name the node or edge by id when the path goes through one: ids are what users see.
  const [top, index] = issue.path;
  if ((top === 'nodes' || top === 'edges') && typeof index === 'number' && isRecord(doc)) {
    const list = doc[top];
    const item = Array.isArray(list) ? (list[index] as unknown) : undefined;
    if (isRecord(item) && typeof item.id === 'string') {
      where += ` (${top === 'nodes' ? 'node' : 'edge'} "${item.id}")`;
    }
  }
  return `${where}: ${issue.message}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse a document from JSON text or an already-parsed value (an autosave, the graph inside a
 * model.json). Refuses foreign files, future versions, malformed structure and anything past
 * `LIMITS` (size, nesting, nodes, edges) with a message naming the field; never throws. Text
 * and values obey the same nesting limit, so whatever is accepted can be saved and restored.
 */
export function parseDocument(input: string | unknown): Result<GraphDocument> {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    // A value is read as the text Save would write for it: the same limits apply, and what
    // JSON cannot hold (NaN, undefined, cycles) is settled now rather than lost on restore.
    if (valueDeeperThan(input, LIMITS.jsonDepth))
      return err(`The graph nests arrays or objects more than ${LIMITS.jsonDepth} deep; refusing it.`);
    try {
      text = JSON.stringify(input) ?? 'null';
    } catch (e) {
      return err(`The graph cannot be saved as JSON: ${(e as Error).message}.`);
    }
  }
  const json = parseBoundedJson(text, { maxChars: LIMITS.documentBytes, what: 'The file' });
  if (!json.ok) return json;
  const raw = json.value;
  if (!isRecord(raw))
    return err('The file is not a Tensorweave graph: expected a JSON object at the top level.');
  if (raw.format !== DOCUMENT_FORMAT) {
    return err(
      `The file is not a Tensorweave graph: "format" is ${JSON.stringify(raw.format) ?? 'missing'}, expected "${DOCUMENT_FORMAT}".`,
    );
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return err(`"version" must be a positive whole number; found ${JSON.stringify(version) ?? 'nothing'}.`);
  }
  if (version > DOCUMENT_VERSION) {
    return err(
      `This graph was saved by a newer Tensorweave (format version ${version}); this one reads versions up to ${DOCUMENT_VERSION}. Update Tensorweave to open it.`,
    );
  }
  let doc: Record<string, unknown> = raw;
  for (let v = version; v < DOCUMENT_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) return err(`No migration from format version ${v} to ${v + 1}.`);
    doc = migrate(doc);
  }
  const parsed = zDocumentV1.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = formatZodIssue(issues[0]!, doc);
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    return err(`Invalid graph document: ${first}${more}.`);
  }
  return ok(parsed.data);
}

/** Serialise a document the way Save writes it: stable key order, two-space indent. */
export function serializeDocument(doc: GraphDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
