/**
 * Every call the worker makes into the training code of src/training, in one place: when the
 * training loop's API changes, this is the one file of the worker to adapt.
 */
import * as tf from '@tensorflow/tfjs';
import type { CompiledGraph } from '../core/compile';
import type { TrainingSettings } from '../core/document';
import type { ModelArtifactsLike } from '../core/exchange/modelArchive';
import { evaluateSplit } from '../training/evaluation';
import type { MnistData } from '../training/mnist';
import { runSettingsOf } from '../training/options';
import { kernelSupport } from '../training/stepperChoice';
export { kernelsLabel } from '../training/kernels/kernelPath';
export { threadSupport } from '../training/kernels/kernelThreads';
import { train } from '../training/train';
import type { TrainProgress, TrainResult, ValidationPoint } from '../training/types';
import { applyWeights, saveArtifacts, type LayerWeights } from '../training/weights';
import type { EvaluationSummary } from './protocol';

/** Train `steps` steps on tfjs ops, without evaluation: how a tfjs backend is timed. */
export function trainForTiming(
  compiled: CompiledGraph,
  data: MnistData,
  training: TrainingSettings,
  steps: number,
): Promise<TrainResult> {
  return train(tf, compiled, data, {
    ...runSettingsOf(training),
    duration: { unit: 'steps', steps },
    validationEvery: 0,
    evaluate: false,
    kernels: false,
  });
}

/** How the worker steers and watches a run. */
export interface RunHooks {
  /** Train on Tensorweave's kernels rather than tfjs ops. */
  kernels: boolean;
  signal: AbortSignal;
  /** Awaited before every step; resolves later while the run is paused. */
  pauseGate: () => Promise<void>;
  onProgress: (progress: TrainProgress) => void;
  onValidation: (point: ValidationPoint) => void;
  /** True when views want the weights in the model's variables after this step. */
  syncDue?: () => boolean;
  /** True when this step must be reported whatever the cadence (a paused run's single step). */
  reportDue?: () => boolean;
}

/** Train a run with the document's settings; progress every 10 steps, validation every 1000. */
export function trainRun(
  compiled: CompiledGraph,
  data: MnistData,
  training: TrainingSettings,
  hooks: RunHooks,
): Promise<TrainResult> {
  return train(tf, compiled, data, {
    ...runSettingsOf(training),
    progressEvery: 10,
    validationEvery: 1000,
    signal: hooks.signal,
    evaluate: true,
    kernels: hooks.kernels,
    pauseGate: hooks.pauseGate,
    onProgress: hooks.onProgress,
    onValidation: hooks.onValidation,
    ...(hooks.syncDue && { syncDue: hooks.syncDue }),
    ...(hooks.reportDue && { reportDue: hooks.reportDue }),
  });
}

/** Why Tensorweave's kernels cannot train this graph, or undefined when they can. */
export function kernelsRefusal(compiled: CompiledGraph): string | undefined {
  const check = kernelSupport(compiled);
  return check.ok ? undefined : check.reason;
}

/** The progress a finished run ends on, for the charts' last point. */
export function lastProgress(r: TrainResult): TrainProgress {
  const last = r.history[r.history.length - 1];
  return {
    step: r.steps,
    totalSteps: r.totalSteps,
    epoch: 0,
    loss: last?.loss ?? r.loss,
    batchAccuracy: last?.batchAccuracy ?? 0,
    stepsPerSecond: r.stepsPerSecond,
    etaSeconds: 0,
    elapsedSeconds: r.seconds,
  };
}

/** The model's accuracy, per-digit accuracy and confusion matrix on the 10,000 test images. */
export function evaluateTest(compiled: CompiledGraph, data: MnistData): EvaluationSummary {
  const e = evaluateSplit(tf, compiled, data.test);
  return {
    accuracy: e.accuracy,
    matrix: e.matrix,
    perClass: e.perClass,
    predicted: e.predicted.slice(),
    labels: data.test.labels.slice(),
  };
}

/** Put imported weights into a compiled graph. */
export function loadWeights(compiled: CompiledGraph, weights: LayerWeights): void {
  applyWeights(tf, compiled, weights);
}

/** The model as layers-format artifacts (model.json + one weights buffer). */
export function exportArtifacts(compiled: CompiledGraph): Promise<ModelArtifactsLike> {
  return saveArtifacts(tf, compiled);
}
