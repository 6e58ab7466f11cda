/**
 * Run settings: how a graph document's `training` section becomes `train()`'s options, and the
 * loop's defaults. The CLI, the worker and the benchmarks all build their options here.
 */
import type { TrainingSettings } from '../core/document';
import type { RunSettings, TrainOptions } from './types';

/** The options a run takes from a graph's training settings. */
export function runSettingsOf(training: TrainingSettings): RunSettings {
  return {
    batchSize: training.batchSize,
    duration: training.duration,
    seed: training.seed,
    learningRate: training.learningRate,
  };
}

/** The loop's cadences with their defaults filled in. */
export interface Cadence {
  progressEvery: number;
  validationEvery: number;
  snapshotEvery: number;
}

export function cadenceOf(options: TrainOptions): Cadence {
  return {
    progressEvery: Math.max(1, options.progressEvery ?? 100),
    validationEvery: options.validationEvery ?? 1000,
    snapshotEvery: Math.max(1, options.snapshotEvery ?? 10),
  };
}
