/** Analysis phase 2: which edges are structurally sound. */
import type { Diagnostic } from '../diagnostics';
import type { GraphEdge } from '../document';
import type { NodeAnalysis } from './types';

/**
 * The edges later phases may use, in document order. An edge is left out, with one diagnostic,
 * when its id repeats (`duplicate-id`), an end is missing (`dangling-edge`), a port does not
 * exist (`unknown-port`), it loops onto its own node (`cycle`) or its single-input port is
 * already taken (`port-occupied`).
 */
export function checkEdges(
  graphEdges: readonly GraphEdge[],
  nodes: ReadonlyMap<string, NodeAnalysis>,
  diagnostics: Diagnostic[],
): GraphEdge[] {
  const edgeIds = new Set<string>();
  const edges: GraphEdge[] = [];
  const occupied = new Map<string, string>();
  for (const edge of graphEdges) {
    if (edgeIds.has(edge.id)) {
      diagnostics.push({
        code: 'duplicate-id',
        severity: 'error',
        edgeId: edge.id,
        message: `Two edges have the id "${edge.id}"; ids must be unique.`,
      });
      continue;
    }
    edgeIds.add(edge.id);
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    if (!from || !to) {
      const missing = !from ? edge.from.node : edge.to.node;
      diagnostics.push({
        code: 'dangling-edge',
        severity: 'error',
        edgeId: edge.id,
        message: `Edge "${edge.id}" connects to node "${missing}", which does not exist.`,
      });
      continue;
    }
    if (from.spec && !from.spec.outputs.some((p) => p.id === edge.from.port)) {
      diagnostics.push({
        code: 'unknown-port',
        severity: 'error',
        edgeId: edge.id,
        nodeId: from.id,
        port: edge.from.port,
        message: `${from.spec.label} node "${from.id}" has no output port "${edge.from.port}".`,
      });
      continue;
    }
    const toPort = to.spec?.inputs.find((p) => p.id === edge.to.port);
    if (to.spec && !toPort) {
      diagnostics.push({
        code: 'unknown-port',
        severity: 'error',
        edgeId: edge.id,
        nodeId: to.id,
        port: edge.to.port,
        message: `${to.spec.label} node "${to.id}" has no input port "${edge.to.port}".`,
      });
      continue;
    }
    if (edge.from.node === edge.to.node) {
      diagnostics.push({
        code: 'cycle',
        severity: 'error',
        edgeId: edge.id,
        nodeId: to.id,
        message: `Node "${to.id}" is connected to itself; data must flow forward.`,
      });
      continue;
    }
    const key = `${edge.to.node}\u0000${edge.to.port}`;
    if (toPort && !toPort.multiple && occupied.has(key)) {
      diagnostics.push({
        code: 'port-occupied',
        severity: 'error',
        edgeId: edge.id,
        nodeId: to.id,
        port: edge.to.port,
        message: `Input "${toPort.label}" of node "${to.id}" already receives from "${occupied.get(key)}"; it takes one input. Use an Add or Concat node to combine several.`,
      });
      continue;
    }
    occupied.set(key, edge.from.node);
    edges.push(edge);
  }
  return edges;
}
