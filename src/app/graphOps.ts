/**
 * Pure edits of a graph document. Each returns a new document (structural sharing, never
 * mutating its input) so the store can keep old documents as undo snapshots. No Vue, no Rete:
 * unit-tested on their own.
 */
import { analyzeGraph } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import type { Endpoint, GraphDocument, GraphEdge, GraphNode, Position } from '../core/document';
import { getNodeSpec } from '../core/registry';
import { err, ok, type Result } from '../core/result';

/** A fresh id based on `base` (`dense`, `dense2`, `dense3`…) not in `taken`. */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_.-]/g, '') || 'node';
  if (!taken.has(clean)) return clean;
  const stem = clean.replace(/\d+$/, '') || clean;
  for (let i = 2; ; i++) {
    const id = `${stem}${i}`;
    if (!taken.has(id)) return id;
  }
}

/** The next free edge id `eN`. */
export function freshEdgeId(taken: ReadonlySet<string>): string {
  for (let i = taken.size + 1; ; i++) {
    const id = `e${i}`;
    if (!taken.has(id)) return id;
  }
}

const nodeIds = (doc: GraphDocument): Set<string> => new Set(doc.nodes.map((n) => n.id));
const edgeIds = (doc: GraphDocument): Set<string> => new Set(doc.edges.map((e) => e.id));

/** Default parameters of a node type (its schema applied to `{}`). */
export function defaultParams(type: string): Record<string, unknown> {
  const spec = getNodeSpec(type);
  if (!spec) return {};
  const parsed = spec.params.safeParse({});
  return parsed.success ? structuredClone(parsed.data) : {};
}

/** Add a node of `type` at `position`; returns the document and the new node's id. */
export function addNode(
  doc: GraphDocument,
  type: string,
  position: Position,
): { doc: GraphDocument; id: string } {
  const id = freshId(type, nodeIds(doc));
  const node: GraphNode = { id, type, params: defaultParams(type), position: roundPos(position) };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Remove nodes and every edge touching them. */
export function removeNodes(doc: GraphDocument, ids: Iterable<string>): GraphDocument {
  const gone = new Set(ids);
  if (!gone.size) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.from.node) && !gone.has(e.to.node)),
  };
}

export function removeEdges(doc: GraphDocument, ids: Iterable<string>): GraphDocument {
  const gone = new Set(ids);
  return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) };
}

/** Codes that make a proposed connection refused rather than merely flagged. */
const REFUSING = new Set<Diagnostic['code']>(['cycle', 'port-occupied', 'unknown-port', 'shape-mismatch']);

const diagKey = (d: Diagnostic): string => `${d.code}|${d.nodeId ?? ''}|${d.port ?? ''}|${d.edgeId ?? ''}`;

/**
 * Would connecting `from` (an output) to `to` (an input) be accepted? The core's own analysis
 * judges it: the edge is refused when it introduces a cycle, fills an occupied single-input
 * port, names a missing port, or makes the target's input shapes incompatible.
 */
export function checkConnection(
  doc: GraphDocument,
  from: Endpoint,
  to: Endpoint,
): Result<{ doc: GraphDocument; id: string }> {
  if (from.node === to.node) return err('A node cannot feed itself; data must flow forward.');
  if (doc.edges.some((e) => sameEndpoint(e.from, from) && sameEndpoint(e.to, to)))
    return err('These two ports are already connected.');
  const id = freshEdgeId(edgeIds(doc));
  const next: GraphDocument = { ...doc, edges: [...doc.edges, { id, from: { ...from }, to: { ...to } }] };
  const before = new Set(analyzeGraph(doc).diagnostics.map(diagKey));
  const added = analyzeGraph(next).diagnostics.filter((d) => !before.has(diagKey(d)));
  const blocking = added.find(
    (d) =>
      REFUSING.has(d.code) &&
      (d.edgeId === id || d.code === 'cycle' || (d.code === 'shape-mismatch' && d.nodeId === to.node)),
  );
  if (blocking) return err(blocking.message);
  return ok({ doc: next, id });
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.node === b.node && a.port === b.port;
}

/** Move nodes; unchanged positions keep the document identical (no empty undo step). */
export function moveNodes(
  doc: GraphDocument,
  moves: readonly { id: string; position: Position }[],
): GraphDocument {
  const byId = new Map(moves.map((m) => [m.id, roundPos(m.position)]));
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = byId.get(n.id);
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: p };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Replace one node's parameters. */
export function setParams(doc: GraphDocument, id: string, params: Record<string, unknown>): GraphDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params } : n)) };
}

/** Set or clear (empty string) a node's display label. */
export function setLabel(doc: GraphDocument, id: string, label: string): GraphDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== id) return n;
      const { label: _old, ...rest } = n;
      return label.trim() ? { ...rest, label: label.trim() } : rest;
    }),
  };
}

/** A detached piece of a graph: some nodes and the edges between them. */
export interface Fragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and only the edges with both ends inside the selection. */
export function copyFragment(doc: GraphDocument, ids: Iterable<string>): Fragment {
  const keep = new Set(ids);
  return structuredClone({
    nodes: doc.nodes.filter((n) => keep.has(n.id)),
    edges: doc.edges.filter((e) => keep.has(e.from.node) && keep.has(e.to.node)),
  });
}

/**
 * Insert a fragment with fresh ids, its top-left corner at `at`. Returns the document and the
 * ids of the inserted nodes (for selecting them).
 */
export function pasteFragment(
  doc: GraphDocument,
  fragment: Fragment,
  at: Position,
): { doc: GraphDocument; ids: string[] } {
  if (!fragment.nodes.length) return { doc, ids: [] };
  const minX = Math.min(...fragment.nodes.map((n) => n.position.x));
  const minY = Math.min(...fragment.nodes.map((n) => n.position.y));
  const takenNodes = nodeIds(doc);
  const takenEdges = edgeIds(doc);
  const rename = new Map<string, string>();
  const nodes: GraphNode[] = fragment.nodes.map((n) => {
    const id = freshId(n.id, takenNodes);
    takenNodes.add(id);
    rename.set(n.id, id);
    return {
      ...structuredClone(n),
      id,
      position: roundPos({ x: n.position.x - minX + at.x, y: n.position.y - minY + at.y }),
    };
  });
  const edges: GraphEdge[] = [];
  for (const e of fragment.edges) {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    if (from === undefined || to === undefined) continue;
    const id = freshEdgeId(takenEdges);
    takenEdges.add(id);
    edges.push({ id, from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } });
  }
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    ids: nodes.map((n) => n.id),
  };
}

function roundPos(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}
