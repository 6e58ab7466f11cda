/**
 * Graph analysis: validation, shape inference, parameter and FLOP counts. Pure and total: any
 * parsed document (however broken) yields diagnostics, never an exception. Everything
 * downstream (editor badges, edge labels, compiler, CLI summary) reads its result. The phases
 * live in `analysis/`, one module each; `analyzeGraph` runs them in order.
 */
import type { GraphDocument } from './document';
import type { Diagnostic } from './diagnostics';
import { formatShape } from './shape';
import { analyzeNodes } from './analysis/nodes';
import { checkEdges } from './analysis/edges';
import { adjacency, orderTopologically } from './analysis/order';
import { findEndpoints } from './analysis/endpoints';
import { inferShapes } from './analysis/shapes';
import { warnSoftmaxMissing, warnUnreachable } from './analysis/lossChecks';
import { countTotals } from './analysis/totals';
import { checkMemory, estimateTrainingMemory } from './analysis/memory';
import type { GraphAnalysis } from './analysis/types';
import { LIMITS } from './limits';

export type { GraphAnalysis, NodeAnalysis } from './analysis/types';

export interface AnalyzeOptions {
  maxParams?: number;
  /** Memory one training batch may need (default `LIMITS.trainingBytes`). */
  maxTrainingBytes?: number;
}

/**
 * Analyse a parsed document: diagnostics, shapes, counts. Each phase appends its diagnostics,
 * so they come in phase order: nodes, edges, cycles, input and loss, shapes, loss warnings,
 * totals, memory.
 */
export function analyzeGraph(doc: GraphDocument, options: AnalyzeOptions = {}): GraphAnalysis {
  const diagnostics: Diagnostic[] = [];
  const nodes = analyzeNodes(doc.nodes, diagnostics);
  const edges = checkEdges(doc.edges, nodes, diagnostics);
  const ids = [...nodes.keys()];
  const { incoming, outgoing } = adjacency(ids, edges);
  const order = orderTopologically(ids, { incoming, outgoing }, diagnostics);
  const { inputId, lossId } = findEndpoints(nodes, diagnostics);
  const edgeShapes = inferShapes(order, nodes, incoming, diagnostics);
  if (lossId !== undefined) {
    warnUnreachable(lossId, nodes, incoming, diagnostics);
    warnSoftmaxMissing(lossId, nodes, incoming, diagnostics);
  }
  const { totalParams, totalFlops } = countTotals(nodes, options.maxParams ?? LIMITS.parameters, diagnostics);
  const memory = estimateTrainingMemory(nodes, doc.training);
  checkMemory(memory, nodes, options.maxTrainingBytes ?? LIMITS.trainingBytes, diagnostics);
  return {
    diagnostics,
    nodes,
    edgeShapes,
    order,
    edges,
    inputId,
    lossId,
    totalParams,
    totalFlops,
    memory,
    valid: !diagnostics.some((d) => d.severity === 'error'),
  };
}

/** One summary row per node in topological order: what `--dry-run` and the inspector show. */
export interface SummaryRow {
  id: string;
  type: string;
  outputShape: string;
  params: number;
  flops: number;
}

/** The rows of `SummaryRow`, in the analysis order; a loss shows its output as `scalar`. */
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
