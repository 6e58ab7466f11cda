/** Analysis phase 6: warnings about what the loss sees. */
import type { Diagnostic } from '../diagnostics';
import type { GraphEdge } from '../document';
import type { NodeAnalysis } from './types';

/**
 * An `unreachable-node` warning for every node (other than a loss) whose output never reaches
 * the loss `lossId`: it would not be trained.
 */
export function warnUnreachable(
  lossId: string,
  nodes: ReadonlyMap<string, NodeAnalysis>,
  incoming: ReadonlyMap<string, GraphEdge[]>,
  diagnostics: Diagnostic[],
): void {
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
}

/** A `softmax-missing` warning when a cross-entropy loss is fed by anything but a Softmax. */
export function warnSoftmaxMissing(
  lossId: string,
  nodes: ReadonlyMap<string, NodeAnalysis>,
  incoming: ReadonlyMap<string, GraphEdge[]>,
  diagnostics: Diagnostic[],
): void {
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
