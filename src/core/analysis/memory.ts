/**
 * Analysis phase 8: the memory one training batch needs, estimated from the shapes before
 * anything is allocated, and the refusal of a graph over the budget. The estimate counts what
 * a training step keeps alive at once: every weight (trainable ones also with their gradient
 * and the optimizer's slots), and every node's output for the whole batch with its gradient.
 */
import type { Diagnostic } from '../diagnostics';
import type { OptimizerSettings, TrainingSettings } from '../document';
import { formatShape, shapeSize } from '../shape';
import type { MemoryEstimate, NodeAnalysis } from './types';

const BYTES_PER_VALUE = 4;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Node types whose output is a view of their input's values (a reshape copies nothing). */
const VIEWS = new Set(['flatten', 'reshape']);

/** Values the optimizer keeps per trainable weight (tfjs's accumulators). */
export function optimizerSlots(optimizer: OptimizerSettings): number {
  switch (optimizer.type) {
    case 'sgd':
      return 0;
    case 'momentum':
      return 1;
    case 'adam':
      return 2;
    case 'rmsprop':
      return optimizer.momentum > 0 ? 2 : 1;
  }
}

/** Every weight a node holds, trainable or not (BatchNorm's running averages are not). */
function weightCount(info: NodeAnalysis): number {
  const all = info.spec?.keras?.weights?.(info.params ?? {}, info.inputShapes);
  return all ? all.reduce((n, w) => n + shapeSize(w.shape), 0) : info.paramCount;
}

/** The memory of one training batch, over the nodes whose shapes are known. */
export function estimateTrainingMemory(
  nodes: ReadonlyMap<string, NodeAnalysis>,
  training: Pick<TrainingSettings, 'batchSize' | 'optimizer'>,
): MemoryEstimate {
  const perTrainable = 2 + optimizerSlots(training.optimizer);
  let weightBytes = 0;
  let activationBytes = 0;
  let largest: MemoryEstimate['largest'];
  for (const info of nodes.values()) {
    if (!info.outputShape || info.spec?.category === 'loss') continue;
    const frozen = Math.max(0, weightCount(info) - info.paramCount);
    const weights = BYTES_PER_VALUE * (info.paramCount * perTrainable + frozen);
    const activations = VIEWS.has(info.type)
      ? 0
      : BYTES_PER_VALUE * 2 * training.batchSize * shapeSize(info.outputShape);
    weightBytes += weights;
    activationBytes += activations;
    if (!largest || weights + activations > largest.bytes) {
      largest = { id: info.id, type: info.type, bytes: weights + activations };
    }
  }
  return {
    bytes: weightBytes + activationBytes,
    weightBytes,
    activationBytes,
    batchSize: training.batchSize,
    largest,
  };
}

/** `3.2 GB`, `1 GB`, `740 MB`: as a limit message reads it. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${Number((bytes / GiB).toFixed(1))} GB`;
  return `${Math.max(1, Math.round(bytes / MiB))} MB`;
}

/** What to shrink in the node that needs the most memory. */
function remedy(info: NodeAnalysis): string {
  const shape = info.outputShape ? ` (its output is ${formatShape(info.outputShape)})` : '';
  switch (info.type) {
    case 'conv2d':
      return `the filters of "${info.id}"${shape}`;
    case 'dense':
      return `the units of "${info.id}"${shape}`;
    default:
      return `the layers feeding "${info.id}"${shape}`;
  }
}

/** A `too-much-memory` error on the largest node when the estimate is over `maxBytes`. */
export function checkMemory(
  estimate: MemoryEstimate,
  nodes: ReadonlyMap<string, NodeAnalysis>,
  maxBytes: number,
  diagnostics: Diagnostic[],
): void {
  if (estimate.bytes <= maxBytes) return;
  const largest = estimate.largest && nodes.get(estimate.largest.id);
  diagnostics.push({
    code: 'too-much-memory',
    severity: 'error',
    ...(largest && { nodeId: largest.id }),
    message: `This graph needs about ${formatBytes(estimate.bytes)} for one batch of ${estimate.batchSize.toLocaleString('en-US')}; the limit is ${formatBytes(maxBytes)}. Lower the batch size${largest ? ` or ${remedy(largest)}` : ''}.`,
  });
}
