/**
 * The training layer's shared vocabulary: what a run is asked to do, what it reports and
 * returns, and the `Stepper` contract that the one training loop (`loop.ts`) drives. A leaf
 * module: it imports types only, so every training module (and the worker and CLI above) can
 * depend on it without cycles.
 */
import type { Duration } from '../core/document';

export interface TrainProgress {
  /** Steps done so far (1-based: 100 after the 100th step). */
  step: number;
  totalSteps: number;
  /** Passes over the training split begun so far (1-based). */
  epoch: number;
  /** Loss of the last step's batch, as the Loss node defines it. */
  loss: number;
  /** Accuracy on the last step's batch (in training mode: with dropout). */
  batchAccuracy: number;
  stepsPerSecond: number;
  etaSeconds: number;
  elapsedSeconds: number;
}

export interface ValidationPoint {
  step: number;
  accuracy: number;
}

/** The settings of a run that come from the graph document's `training` section. */
export interface RunSettings {
  batchSize: number;
  duration: Duration;
  /** Seeds the shuffling (initialisation is seeded by the compiler). */
  seed: number;
  /** Only used to word the advice when the loss diverges. */
  learningRate: number;
}

export interface TrainOptions extends RunSettings {
  /** Report progress every N steps (default 100) and after the last step. */
  progressEvery?: number;
  onProgress?: (p: TrainProgress) => void;
  /** Measure validation accuracy every N steps (default 1000; 0: only at the end). */
  validationEvery?: number;
  onValidation?: (v: ValidationPoint) => void;
  /** Copy the weights every N steps (default 10) to restore them if the loss diverges. */
  snapshotEvery?: number;
  /** Stops training between steps; the weights reached so far are kept and evaluated. */
  signal?: AbortSignal;
  /**
   * Awaited before every step: resolve at once to go on, or later to pause until then (e.g. a
   * Pause button in the worker). Time spent paused does not count as training time.
   */
  pauseGate?: () => Promise<void>;
  /**
   * Asked after every step: true makes the model's tfjs variables hold the stepper's weights now
   * (the kernels keep theirs apart), so views reading the model between steps see them live.
   */
  syncDue?: () => boolean;
  /**
   * Asked before every step: true reports this step's progress whatever `progressEvery` says
   * (a single step of a paused run shows at once).
   */
  reportDue?: () => boolean;
  /** Measure train/validation/test accuracy at the end (default true). */
  evaluate?: boolean;
  /**
   * Use the explicit-transpose `BatchMatMul` gradient on the tfjs path (default true; same
   * maths, several times faster on the wasm backend). See `matMulGrad.ts`.
   */
  fastMatMulGrad?: boolean;
  /**
   * Train on Tensorweave's kernels where the graph allows (default true; same maths, same
   * result). False forces the tfjs path, for A/B comparisons. See `stepperChoice.ts`.
   */
  kernels?: boolean;
  /**
   * Threads for Tensorweave's kernels: 2 (default) splits the large products with a helper
   * thread where SharedArrayBuffer and workers are available (same results), 1 never does.
   */
  threads?: 1 | 2;
}

export type TrainStatus = 'completed' | 'aborted' | 'failed';

export interface TrainResult {
  status: TrainStatus;
  /** Plain-words reason when failed. */
  message?: string;
  /** Steps applied (after a failure: the steps of the restored weights). */
  steps: number;
  totalSteps: number;
  /** Training time, without the final evaluation. */
  seconds: number;
  stepsPerSecond: number;
  /** Last finite batch loss. */
  loss: number;
  /** Accuracy on the whole training split, at the end (NaN when not evaluated). */
  trainAccuracy: number;
  /** Accuracy on the validation split (NaN when it is empty or not evaluated). */
  validationAccuracy: number;
  /** Accuracy on the test images (NaN when not evaluated). */
  testAccuracy: number;
  history: { step: number; loss: number; batchAccuracy: number }[];
  validationHistory: ValidationPoint[];
}

/** What one optimisation step reports. */
export interface StepOutcome {
  /** The batch's loss before the update, as the Loss node defines it (summed or mean). */
  loss: number;
  /** Examples of the batch classified right (only required when the step was asked to report). */
  correct: number;
}

/** Which implementation trains: tfjs ops, or Tensorweave's own WebAssembly kernels. */
export type StepperKind = 'tfjs' | 'kernels';

/**
 * One way of taking training steps on a compiled graph. The loop owns everything else (batch
 * order, pause, abort, divergence, progress, validation, evaluation); a stepper only steps,
 * keeps two weight snapshots and puts its weights into the model's tfjs variables on demand.
 */
export interface Stepper {
  readonly kind: StepperKind;
  /**
   * Train on the training examples `order[start .. start + batchSize)`. `report`: the caller
   * wants `correct` (a stepper may skip counting otherwise).
   */
  step(order: Int32Array, start: number, report: boolean): StepOutcome;
  /** Keep a copy of the current weights in `slot`. */
  snapshot(slot: 0 | 1): void;
  /** Put the weights of `slot` back. */
  restore(slot: 0 | 1): void;
  /** Make the model's tfjs variables hold the current weights (before evaluating or exporting). */
  syncWeights(): void;
  /** Free what the stepper holds (after a last `syncWeights`). */
  dispose(): void;
}
