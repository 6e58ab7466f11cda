/**
 * How long a training run is, in steps: the one rule for turning epochs into steps, used by
 * the trainer, the settings panel's hint and the generated scripts alike.
 */
import type { Duration } from './document';

/**
 * Whole batches in one pass over `count` examples. The remainder that cannot fill a batch is
 * skipped (as the tutorial's loader did), so this rounds down: batch 128 over 55,000 images is
 * 429 steps per epoch.
 */
export function stepsPerEpoch(count: number, batchSize: number): number {
  return Math.max(1, Math.floor(count / Math.max(1, Math.min(batchSize, count))));
}

/** Number of steps a duration means for a training split of `count` examples. */
export function totalStepsFor(duration: Duration, count: number, batchSize: number): number {
  if (duration.unit === 'steps') return duration.steps;
  return duration.epochs * stepsPerEpoch(count, batchSize);
}
