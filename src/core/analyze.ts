/**
 * Graph analysis: validation, shape inference, parameter and FLOP counts, in one pass over
 * the document. Pure and total: any parsed document (however broken) yields diagnostics,
 * never an exception. Everything downstream (editor badges, edge labels, compiler, CLI
 * summary) reads its result.
 */
import type { GraphDocument, GraphEdge } from './document';
import type { Diagnostic } from './diagnostics';
import { getNodeSpec } from './registry';
import type { NodeSpec } from './nodeSpec';
import { formatShape, type Shape } from './shape';

/** Default ceiling on trainable parameters: refused before any tensor is allocated. */
export const DEFAULT_MAX_PARAMS = 20_000_000;

export interface AnalyzeOptions {
  maxParams?: number;
}

export interface NodeAnalysis {
  id: string;
  type: string;
  /** Undefined for an unknown type. */
  spec: NodeSpec | undefined;
  /** Parameters with defaults filled in; undefined when they do not parse. */
  params: Record<string, unknown> | undefined;
  /** Shapes arriving per input port, in edge order (only those that inferred). */
  inputShapes: Record<string, Shape[]>;
  /** Undefined when it cannot be inferred (an error upstream or here). */
  outputShape: Shape | undefined;
  paramCount: number;
  flops: number;
}

export interface GraphAnalysis {
  diagnostics: Diagnostic[];
  /** Keyed by node id (first occurrence of a duplicated id). */
  nodes: Map<string, NodeAnalysis>;
  /** Tensor shape carried by each edge whose source shape is known, keyed by edge id. */
  edgeShapes: Map<string, Shape>;
  /** Node ids in a topological order (nodes on a cycle are left out). */
  order: string[];
  /** Edges that passed the structural checks, usable by the compiler. */
  edges: GraphEdge[];
  inputId: string | undefined;
  lossId: string | undefined;
  totalParams: number;
  /** Forward-pass FLOPs per example. */
  totalFlops: number;
  /** No diagnostic of severity error. */
  valid: boolean;
}

/** Analyse a parsed document: diagnostics, shapes, counts. */
export function analyzeGraph(doc: GraphDocument, options: AnalyzeOptions = {}): GraphAnalysis {
  const maxParams = options.maxParams ?? DEFAULT_MAX_PARAMS;
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, NodeAnalysis>();

  // Nodes: ids, types, parameters.
  for (const node of doc.nodes) {
    if (nodes.has(node.id)) {
      diagnostics.push({
        code: 'duplicate-id',
        severity: 'error',
        nodeId: node.id,
        message: `Two nodes have the id "${node.id}"; ids must be unique. Rename one of them.`,
      });
      continue;
    }
    const spec = getNodeSpec(node.type);
    let params: Record<string, unknown> | undefined;
    if (!spec) {
      diagnostics.push({
        code: 'unknown-node-type',
        severity: 'error',
        nodeId: node.id,
        message: `Unknown node type "${node.type}".`,
      });
    } else {
      const parsed = spec.params.safeParse(node.params);
      if (parsed.success) params = parsed.data;
      else {
        for (const issue of parsed.error.issues) {
          const field = issue.path.length ? String(issue.path[0]) : undefined;
          diagnostics.push({
            code: 'invalid-param',
            severity: 'error',
            nodeId: node.id,
            ...(field !== undefined && { field }),
            message: `${field !== undefined ? `${issue.path.join('.')}: ` : ''}${issue.message}.`,
          });
        }
      }
    }
    nodes.set(node.id, {
      id: node.id,
      type: node.type,
      spec,
      params,
      inputShapes: {},
      outputShape: undefined,
      paramCount: 0,
      flops: 0,
    });
  }

  // Edges: ids, endpoints, ports, occupancy.
  const edgeIds = new Set<string>();
  const edges: GraphEdge[] = [];
  const occupied = new Map<string, string>();
  for (const edge of doc.edges) {
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
        message: `Input "${edge.to.port}" of node "${to.id}" already receives from "${occupied.get(key)}"; it takes one input. Use an Add or Concat node to combine several.`,
      });
      continue;
    }
    occupied.set(key, edge.from.node);
    edges.push(edge);
  }

  // Topological order (Kahn); whatever remains sits on or behind a cycle.
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const e of edges) {
    incoming.get(e.to.node)!.push(e);
    outgoing.get(e.from.node)!.push(e);
  }
  const indegree = new Map([...nodes.keys()].map((id) => [id, incoming.get(id)!.length]));
  const queue = [...nodes.keys()].filter((id) => indegree.get(id) === 0);
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
    [...nodes.keys()].filter((id) => !inOrder.has(id)),
    outgoing,
    inOrder,
  );
  if (onCycle.length) {
    for (const id of onCycle) {
      diagnostics.push({
        code: 'cycle',
        severity: 'error',
        nodeId: id,
        message: `Node "${id}" is on a cycle (${[...onCycle, onCycle[0]].join(' → ')}); data must flow forward.`,
      });
    }
  }

  // Input and loss.
  const inputs = [...nodes.values()].filter((n) => n.spec?.category === 'input');
  const losses = [...nodes.values()].filter((n) => n.spec?.category === 'loss');
  if (inputs.length === 0) {
    diagnostics.push({
      code: 'no-input',
      severity: 'error',
      message: 'The graph has no Input node: add one to feed it images.',
    });
  }
  for (const extra of inputs.slice(1)) {
    diagnostics.push({
      code: 'multiple-inputs',
      severity: 'error',
      nodeId: extra.id,
      message: `Only one Input node is supported; "${inputs[0]!.id}" is already the input. Connect its output to several nodes instead.`,
    });
  }
  if (losses.length === 0) {
    diagnostics.push({
      code: 'no-loss',
      severity: 'error',
      message: 'The graph has no Loss node: add one after the output so there is something to minimise.',
    });
  }
  for (const extra of losses.slice(1)) {
    diagnostics.push({
      code: 'multiple-losses',
      severity: 'error',
      nodeId: extra.id,
      message: `Only one Loss node is supported; "${losses[0]!.id}" is already the loss.`,
    });
  }

  // Shapes, parameters and FLOPs, in order.
  const edgeShapes = new Map<string, Shape>();
  for (const id of order) {
    const info = nodes.get(id)!;
    const ins = incoming.get(id)!;
    const shapes: Record<string, Shape[]> = {};
    let upstreamUnknown = false;
    for (const e of ins) {
      const s = nodes.get(e.from.node)!.outputShape;
      if (!s) {
        upstreamUnknown = true;
        continue;
      }
      edgeShapes.set(e.id, s);
      (shapes[e.to.port] ??= []).push(s);
    }
    info.inputShapes = shapes;
    const { spec, params } = info;
    if (!spec) continue;
    let missing = false;
    for (const port of spec.inputs) {
      const count = ins.filter((e) => e.to.port === port.id).length;
      const need = port.multiple ? (port.minEdges ?? 1) : 1;
      if (count < need) {
        missing = true;
        diagnostics.push({
          code: port.multiple && count > 0 ? 'too-few-inputs' : 'missing-input',
          severity: 'error',
          nodeId: id,
          port: port.id,
          message:
            count === 0
              ? `${spec.label} node "${id}" has nothing connected to its input "${port.label}".`
              : `${spec.label} node "${id}" needs at least ${need} inputs; it has ${count}.`,
        });
      }
    }
    if (missing || upstreamUnknown || !params) continue;
    const result = spec.inferShape(params, shapes);
    if (!result.ok) {
      diagnostics.push({
        code: 'shape-mismatch',
        severity: 'error',
        nodeId: id,
        ...(result.port !== undefined && { port: result.port }),
        ...(result.field !== undefined && { field: result.field }),
        message: result.message,
      });
      continue;
    }
    info.outputShape = result.shape;
    info.paramCount = spec.paramCount(params, shapes);
    info.flops = spec.flops(params, shapes, result.shape);
  }

  // Nodes whose output never reaches the loss are not trained.
  const lossId = losses[0]?.id;
  if (lossId !== undefined) {
    const reaches = new Set<string>([lossId]);
    const stack = [lossId];
    while (stack.length) {
      for (const e of incoming.get(stack.pop()!)!) {
        if (!reaches.has(e.from.node)) {
          reaches.add(e.from.node);
          stack.push(e.from.node);
        }
      }
    }
    for (const info of nodes.values()) {
      if (!reaches.has(info.id) && info.spec?.category !== 'loss') {
        diagnostics.push({
          code: 'unreachable-node',
          severity: 'warning',
          nodeId: info.id,
          message: `Node "${info.id}" does not lead to the loss "${lossId}", so it is not trained. Connect it or delete it.`,
        });
      }
    }
    const loss = nodes.get(lossId)!;
    const feed = incoming.get(lossId)![0];
    if (
      loss.params?.loss === 'categoricalCrossentropy' &&
      feed &&
      nodes.get(feed.from.node)?.type !== 'softmax'
    ) {
      diagnostics.push({
        code: 'softmax-missing',
        severity: 'warning',
        nodeId: lossId,
        port: 'in',
        message: `Cross-entropy expects probabilities, but "${feed.from.node}" is not a Softmax. Put a Softmax node before the loss.`,
      });
    }
  }

  let totalParams = 0;
  let totalFlops = 0;
  for (const info of nodes.values()) {
    totalParams += info.paramCount;
    totalFlops += info.flops;
  }
  if (totalParams > maxParams) {
    const biggest = [...nodes.values()].sort((a, b) => b.paramCount - a.paramCount)[0];
    diagnostics.push({
      code: 'too-many-parameters',
      severity: 'error',
      ...(biggest && { nodeId: biggest.id }),
      message: `The graph has ${totalParams.toLocaleString('en-US')} parameters; the limit is ${maxParams.toLocaleString('en-US')}. Reduce the units of "${biggest?.id}" (${biggest?.paramCount.toLocaleString('en-US')} parameters).`,
    });
  }

  return {
    diagnostics,
    nodes,
    edgeShapes,
    order,
    edges,
    inputId: inputs[0]?.id,
    lossId,
    totalParams,
    totalFlops,
    valid: !diagnostics.some((d) => d.severity === 'error'),
  };
}

/** One cycle among the nodes Kahn's algorithm could not order, as a list of ids. */
function findCycle(candidates: string[], outgoing: Map<string, GraphEdge[]>, ordered: Set<string>): string[] {
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

/** One summary row per node in topological order: what `--dry-run` and the inspector show. */
export interface SummaryRow {
  id: string;
  type: string;
  outputShape: string;
  params: number;
  flops: number;
}

export function summarize(analysis: GraphAnalysis): SummaryRow[] {
  return analysis.order.map((id) => {
    const n = analysis.nodes.get(id)!;
    return {
      id,
      type: n.type,
      outputShape: n.spec?.category === 'loss' ? 'scalar' : n.outputShape ? formatShape(n.outputShape) : '—',
      params: n.paramCount,
      flops: n.flops,
    };
  });
}
