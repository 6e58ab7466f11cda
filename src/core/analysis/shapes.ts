/** Analysis phase 5: shapes, parameter counts and FLOPs, node by node in order. */
import type { Diagnostic } from '../diagnostics';
import type { GraphEdge } from '../document';
import type { Shape } from '../shape';
import type { NodeAnalysis } from './types';

/**
 * Fills in each ordered node's `inputShapes`, `outputShape`, `paramCount` and `flops` from its
 * spec, and returns the shape each edge carries. A node whose ports lack edges gets
 * `missing-input` or `too-few-inputs`; one whose spec refuses its inputs gets `shape-mismatch`.
 * A node downstream of an unknown shape stays unknown without a diagnostic of its own, so one
 * mistake is reported once.
 */
export function inferShapes(
  order: readonly string[],
  nodes: ReadonlyMap<string, NodeAnalysis>,
  incoming: ReadonlyMap<string, GraphEdge[]>,
  diagnostics: Diagnostic[],
): Map<string, Shape> {
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
  return edgeShapes;
}
