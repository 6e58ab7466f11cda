/** Analysis phase 1: every node's id, type and parameters. */
import type { Diagnostic } from '../diagnostics';
import type { GraphNode } from '../document';
import { getNodeSpec } from '../registry';
import type { NodeAnalysis } from './types';

/**
 * One `NodeAnalysis` per distinct node id, with its spec and its parameters parsed (defaults
 * filled in). Reports `duplicate-id` (the later node is dropped), `unknown-node-type` and one
 * `invalid-param` per schema issue. Shapes and counts are left empty for later phases.
 */
export function analyzeNodes(
  graphNodes: readonly GraphNode[],
  diagnostics: Diagnostic[],
): Map<string, NodeAnalysis> {
  const nodes = new Map<string, NodeAnalysis>();
  for (const node of graphNodes) {
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
  return nodes;
}
