/** Analysis phase 7: the graph's totals and the parameter ceiling. */
import type { Diagnostic } from '../diagnostics';
import type { NodeAnalysis } from './types';

/**
 * Sums parameters and FLOPs over all nodes. Over `maxParams` parameters, reports
 * `too-many-parameters` on the node with the most, so the user knows which one to shrink.
 */
export function countTotals(
  nodes: ReadonlyMap<string, NodeAnalysis>,
  maxParams: number,
  diagnostics: Diagnostic[],
): { totalParams: number; totalFlops: number } {
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
  return { totalParams, totalFlops };
}
