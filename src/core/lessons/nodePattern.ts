/**
 * Node patterns, the words of a lesson's conditions: `dense`, `dense(units=625)`,
 * `loss(reduction=sum)`. A pattern names a node type and, optionally, parameter values the
 * node must have; it says nothing about ids or positions, so it matches however the learner
 * built the graph.
 */
import type { GraphDocument, GraphNode } from '../document';
import { getNodeSpec } from '../registry';
import { err, ok, type Result } from '../result';

/** A parameter value a pattern can require: what a lesson author can type without quotes. */
export type PatternValue = number | boolean | string;

/** A parsed node pattern. */
export interface NodePattern {
  /** The text it was parsed from, for messages. */
  source: string;
  type: string;
  params: ReadonlyMap<string, PatternValue>;
}

const TYPE = /^[A-Za-z][A-Za-z0-9_]*$/;
const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

function parseValue(raw: string): PatternValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) ? n : raw;
}

/** Parse `type` or `type(key=value, key=value)`; the error says what a pattern looks like. */
export function parseNodePattern(source: string): Result<NodePattern> {
  const m = /^\s*([^(\s]+)\s*(?:\(([^)]*)\))?\s*$/.exec(source);
  const usage = 'write a node type, optionally with parameters: "dense" or "dense(units=625)"';
  if (!m) return err(`"${source}" is not a node pattern: ${usage}.`);
  const type = m[1]!;
  if (!TYPE.test(type)) return err(`"${type}" is not a node type name: ${usage}.`);
  const params = new Map<string, PatternValue>();
  const inner = m[2]?.trim();
  if (inner) {
    for (const part of inner.split(',')) {
      const [key, value, extra] = part.split('=').map((s) => s.trim());
      if (!key || !KEY.test(key) || value === undefined || value === '' || extra !== undefined)
        return err(`"${part.trim()}" in "${source}" is not key=value: ${usage}.`);
      params.set(key, parseValue(value));
    }
  }
  return ok({ source, type, params });
}

/** Whether `node` is of the pattern's type with every parameter it names. */
export function nodeMatches(node: GraphNode, pattern: NodePattern): boolean {
  if (node.type !== pattern.type) return false;
  for (const [key, want] of pattern.params) if (node.params[key] !== want) return false;
  return true;
}

/** `Dense (units = 625)`, `Sigmoid`: a pattern in the words the palette uses. */
export function describePattern(pattern: NodePattern): string {
  const label = getNodeSpec(pattern.type)?.label ?? pattern.type;
  if (!pattern.params.size) return label;
  const params = [...pattern.params].map(([k, v]) => `${k} = ${String(v)}`).join(', ');
  return `${label} (${params})`;
}

/** Where a path of patterns stops matching a graph, or that it matches all the way. */
export type PathMatch =
  | { kind: 'complete' }
  /** No node of the graph matches pattern `index` at all. */
  | { kind: 'missingNode'; index: number }
  /** Nodes match pattern `index`, but none is wired directly after a match of `index - 1`. */
  | { kind: 'missingWire'; index: number }
  /** A node of the right type sits in place `index`, but with other parameter values. */
  | { kind: 'wrongParams'; index: number; nodeId: string; differences: ParamDifference[] };

export interface ParamDifference {
  key: string;
  actual: unknown;
  wanted: PatternValue;
}

function differences(node: GraphNode, pattern: NodePattern): ParamDifference[] {
  return [...pattern.params]
    .filter(([key, wanted]) => node.params[key] !== wanted)
    .map(([key, wanted]) => ({ key, actual: node.params[key], wanted }));
}

/**
 * Match a chain of patterns against the graph: node i+1 must take node i's output directly
 * (any ports). Reports the first place the chain breaks, and how (a node to add, a wire to
 * draw, a parameter to set), so a hint can say what to do next.
 */
export function matchPath(doc: GraphDocument, path: readonly NodePattern[]): PathMatch {
  const first = path[0];
  if (!first) return { kind: 'complete' };
  let reached = new Set(doc.nodes.filter((n) => nodeMatches(n, first)).map((n) => n.id));
  if (!reached.size) return { kind: 'missingNode', index: 0 };
  for (let i = 1; i < path.length; i++) {
    const pattern = path[i]!;
    const after = doc.nodes.filter((n) =>
      doc.edges.some((e) => reached.has(e.from.node) && e.to.node === n.id),
    );
    const next = after.filter((n) => nodeMatches(n, pattern));
    if (next.length) {
      reached = new Set(next.map((n) => n.id));
      continue;
    }
    // A node of the right type counts as "in place, wrong parameters" only where the chain
    // goes on from it: the beginner's output Dense after Input is not the missing hidden one.
    const following = path[i + 1];
    const sameType = after.find(
      (n) =>
        n.type === pattern.type &&
        (!following ||
          doc.edges.some(
            (e) =>
              e.from.node === n.id && doc.nodes.some((m) => m.id === e.to.node && nodeMatches(m, following)),
          )),
    );
    if (sameType)
      return {
        kind: 'wrongParams',
        index: i,
        nodeId: sameType.id,
        differences: differences(sameType, pattern),
      };
    return doc.nodes.some((n) => nodeMatches(n, pattern))
      ? { kind: 'missingWire', index: i }
      : { kind: 'missingNode', index: i };
  }
  return { kind: 'complete' };
}
