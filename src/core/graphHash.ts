/**
 * Short fingerprints of a graph, so runs can say which network they trained and whether it
 * is one of the presets, whatever the layout on the canvas.
 */
import type { GraphDocument } from './document';
import { fnv1a } from './util/fnv1a';

const hex = (text: string): string => fnv1a(text).toString(16).padStart(8, '0');

/** JSON with sorted keys, so that key order never changes a hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The network alone: node types, parameters and wiring (not positions, names or training). */
export function structureHash(doc: GraphDocument): string {
  const nodes = [...doc.nodes]
    .map((n) => ({ id: n.id, type: n.type, params: n.params }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const edges = doc.edges.map((e) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`).sort();
  return hex(canonical({ nodes, edges }));
}

/** The network and its training settings: two runs with the same hash trained the same thing. */
export function graphHash(doc: GraphDocument): string {
  return hex(`${structureHash(doc)}|${canonical(doc.training)}`);
}
