/** What analysis produces: one record per node and one for the whole graph. */
import type { Diagnostic } from '../diagnostics';
import type { GraphEdge } from '../document';
import type { NodeSpec } from '../nodeSpec';
import type { Shape } from '../shape';

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

/** Memory of one training batch (`memory.ts`). */
export interface MemoryEstimate {
  bytes: number;
  /** Weights, their gradients and the optimizer's slots. */
  weightBytes: number;
  /** Outputs of every node for the batch, and their gradients. */
  activationBytes: number;
  batchSize: number;
  /** The node with the largest share, to name in a refusal. */
  largest: { id: string; type: string; bytes: number } | undefined;
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
  /** Memory one training batch needs (of the nodes whose shapes are known). */
  memory: MemoryEstimate;
  /** No diagnostic of severity error. */
  valid: boolean;
}

/** The edges into and out of every node, keyed by node id (every node has an entry). */
export interface Adjacency {
  incoming: Map<string, GraphEdge[]>;
  outgoing: Map<string, GraphEdge[]>;
}
