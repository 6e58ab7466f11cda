/** Analysis phase 4: the graph's one input and one loss. */
import type { Diagnostic } from '../diagnostics';
import type { NodeAnalysis } from './types';

/**
 * The first Input and the first Loss node (undefined when there is none). Reports `no-input`,
 * `multiple-inputs` (on each extra), `no-loss` and `multiple-losses` (on each extra).
 */
export function findEndpoints(
  nodes: ReadonlyMap<string, NodeAnalysis>,
  diagnostics: Diagnostic[],
): { inputId: string | undefined; lossId: string | undefined } {
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
  return { inputId: inputs[0]?.id, lossId: losses[0]?.id };
}
