/** Builders for documents used across core tests; built from the real schema's types. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  emptyDocument,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
} from '../../../src/core/document';
import { parseDocument } from '../../../src/core/parseDocument';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export function loadPreset(name: 'beginner' | 'hidden-layer'): GraphDocument {
  const result = parseDocument(readFileSync(`${root}graphs/${name}.json`, 'utf8'));
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

export function node(id: string, type: string, params: Record<string, unknown> = {}): GraphNode {
  return { id, type, params, position: { x: 0, y: 0 } };
}

let edgeCounter = 0;
export function edge(from: string, to: string, toPort = 'in', fromPort = 'out'): GraphEdge {
  return { id: `edge${++edgeCounter}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

/** A document from nodes and `a->b` chains: chain('input', 'dense', 'softmax', 'loss'). */
export function graph(nodes: GraphNode[], edges: GraphEdge[]): GraphDocument {
  return { ...emptyDocument('test'), nodes, edges };
}

export function chain(...nodes: GraphNode[]): GraphDocument {
  const edges = nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id));
  return graph(nodes, edges);
}
