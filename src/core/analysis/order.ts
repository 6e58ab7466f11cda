/** Analysis phase 3: a topological order, and the cycles that prevent one. */
import type { Diagnostic } from '../diagnostics';
import type { GraphEdge } from '../document';
import type { Adjacency } from './types';

/** Every node's incoming and outgoing edges, in edge order. */
export function adjacency(nodeIds: Iterable<string>, edges: readonly GraphEdge[]): Adjacency {
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const id of nodeIds) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const e of edges) {
    incoming.get(e.to.node)!.push(e);
    outgoing.get(e.from.node)!.push(e);
  }
  return { incoming, outgoing };
}

/**
 * Node ids in a topological order (Kahn's algorithm, ties in document order). Whatever cannot
 * be ordered sits on or behind a cycle: it is left out, and the nodes of one cycle each get a
 * `cycle` diagnostic naming the whole loop.
 */
export function orderTopologically(
  nodeIds: readonly string[],
  { incoming, outgoing }: Adjacency,
  diagnostics: Diagnostic[],
): string[] {
  const indegree = new Map(nodeIds.map((id) => [id, incoming.get(id)!.length]));
  const queue = nodeIds.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const e of outgoing.get(id)!) {
      const d = indegree.get(e.to.node)! - 1;
      indegree.set(e.to.node, d);
      if (d === 0) queue.push(e.to.node);
    }
  }
  const inOrder = new Set(order);
  const onCycle = findCycle(
    nodeIds.filter((id) => !inOrder.has(id)),
    outgoing,
    inOrder,
  );
  for (const id of onCycle) {
    diagnostics.push({
      code: 'cycle',
      severity: 'error',
      nodeId: id,
      message: `Node "${id}" is on a cycle (${[...onCycle, onCycle[0]].join(' → ')}); data must flow forward.`,
    });
  }
  return order;
}

/** One cycle among the nodes Kahn's algorithm could not order, as a list of ids. */
function findCycle(
  candidates: string[],
  outgoing: ReadonlyMap<string, GraphEdge[]>,
  ordered: ReadonlySet<string>,
): string[] {
  if (!candidates.length) return [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const e of outgoing.get(id)!) {
      const next = e.to.node;
      if (ordered.has(next)) continue;
      if (state.get(next) === 'open') return path.slice(path.indexOf(next));
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of candidates) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return [];
}
