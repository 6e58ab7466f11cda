/**
 * The training loop: framework-free (no DOM, no Vue), usable headless in Node and in a Web
 * Worker. A custom step (not `model.fit`, about 2× slower per step): `optimizer.minimize` over
 * the trainable variables only, so no gradient with respect to the images is computed.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { CompiledGraph } from '../core/compile';
import type { Duration } from '../core/document';
import type { Tf } from '../core/nodeSpec';
import { totalStepsFor } from '../core/steps';
import { makeBatch, type MnistData, type MnistSplit } from './mnist';
import { installFastMatMulGrad } from './matMulGrad';
import { divergenceMessage, RunLog } from './runLog';
import { BatchOrder } from './random';
import { denseFastPath, trainDenseChain } from './kernels/trainDense';

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

export interface TrainOptions {
  batchSize: number;
  duration: Duration;
  /** Seeds the shuffling (initialisation is seeded by the compiler). */
  seed: number;
  /** Only used to word the advice when the loss diverges. */
  learningRate: number;
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
  /** Measure train/validation/test accuracy at the end (default true). */
  evaluate?: boolean;
  /**
   * Use the explicit-transpose `BatchMatMul` gradient while training (default true; same
   * maths, several times faster on the wasm backend). See `matMulGrad.ts`.
   */
  fastMatMulGrad?: boolean;
  /**
   * Train dense chains (input → [dense → activation]* → loss, SGD or momentum) on our own
   * WebAssembly SIMD kernels instead of tfjs ops (default true; same maths, same result shape;
   * other graphs always take the tfjs path). See `kernels/trainDense.ts`.
   */
  fastPath?: boolean;
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

/** Accuracy of the model (evaluation mode) on a split, in batches of `batchSize`. */
export function evaluateAccuracy(
  tf: Tf,
  compiled: CompiledGraph,
  split: MnistSplit,
  batchSize = 1000,
): number {
  if (split.count === 0) return Number.NaN;
  let correct = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const count = Math.min(batchSize, split.count - start);
    const predicted = tf.tidy(() => {
      const { xs } = makeBatch(tf, split, undefined, start, count, compiled.inputShape);
      return tf.argMax(compiled.forward(xs, false), -1);
    });
    const classes = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < count; i++) if (classes[i] === split.labels[start + i]) correct++;
  }
  return correct / split.count;
}

/**
 * Train a compiled graph on MNIST. Resolves (never rejects for a diverging loss: that is a
 * `failed` result with a message, and the weights are restored to the last good copy).
 */
export async function train(
  tf: Tf,
  compiled: CompiledGraph,
  data: MnistData,
  options: TrainOptions,
): Promise<TrainResult> {
  const n = data.train.count;
  if (n === 0) throw new Error('train: the training split is empty.');
  const batchSize = Math.min(options.batchSize, n);
  const totalSteps = totalStepsFor(options.duration, n, batchSize);
  if ((options.fastPath ?? true) && denseFastPath(compiled).ok) {
    const accuracy = (split: MnistSplit) => evaluateAccuracy(tf, compiled, split);
    const fast = await trainDenseChain(tf, compiled, data, options, { batchSize, totalSteps, accuracy });
    if (fast) return fast; // undefined: its memory could not be had; the tfjs path follows
  }
  const progressEvery = Math.max(1, options.progressEvery ?? 100);
  const validationEvery = options.validationEvery ?? 1000;
  const snapshotEvery = Math.max(1, options.snapshotEvery ?? 10);
  const vars = compiled.trainableVariables;
  const { optimizer, forward, lossFn, inputShape } = compiled;

  const batches = new BatchOrder(n, batchSize, options.seed);

  let good: { step: number; weights: tfjs.Tensor[] } | undefined;
  let pending: { step: number; weights: tfjs.Tensor[] } | undefined;
  const release = (s?: { weights: tfjs.Tensor[] }) => s?.weights.forEach((w) => w.dispose());

  const log = new RunLog(options, totalSteps, batchSize);
  let status: TrainStatus = 'completed';
  let message: string | undefined;
  let steps = 0;
  let lastLoss = Number.NaN;
  const uninstall = (options.fastMatMulGrad ?? true) ? installFastMatMulGrad(tf) : undefined;

  try {
    while (steps < totalSteps) {
      await log.pauseGate();
      if (options.signal?.aborted) {
        status = 'aborted';
        break;
      }
      if (steps % snapshotEvery === 0) {
        release(pending);
        pending = { step: steps, weights: vars.map((v) => tf.keep(v.clone())) };
      }
      const report = (steps + 1) % progressEvery === 0 || steps + 1 === totalSteps;
      const { xs, ys } = makeBatch(tf, data.train, batches.order, batches.next(), batchSize, inputShape);
      let correct: tfjs.Tensor | undefined;
      let cost: tfjs.Scalar;
      try {
        cost = optimizer.minimize(
          () => {
            const predictions = forward(xs, true);
            if (report) {
              correct = tf.keep(
                tf.sum(tf.cast(tf.equal(tf.argMax(predictions, -1), tf.argMax(ys, -1)), 'int32')),
              );
            }
            return lossFn(ys, predictions);
          },
          true,
          vars,
        )!;
      } finally {
        xs.dispose();
        ys.dispose();
      }
      const loss = cost.dataSync()[0]!;
      cost.dispose();
      const correctCount = correct ? correct.dataSync()[0]! : 0;
      correct?.dispose();

      if (!Number.isFinite(loss)) {
        // The weights used by this step gave a non-finite loss: go back to the last copy whose
        // loss was finite (or the initial weights if there is none).
        const restore = good ?? pending!;
        vars.forEach((v, i) => v.assign(restore.weights[i]!));
        message = divergenceMessage(loss, steps + 1, options.learningRate, restore.step);
        status = 'failed';
        steps = restore.step;
        break;
      }
      steps++;
      lastLoss = loss;
      if (pending && pending.step === steps - 1) {
        // The copy taken before this step gave a finite loss: it is good.
        release(good);
        good = pending;
        pending = undefined;
      }

      if (report) log.progress(steps, loss, correctCount, batches.epoch);
      if (log.validationDue(steps, validationEvery, data.validation.count)) {
        log.validation(steps, evaluateAccuracy(tf, compiled, data.validation));
      }
      await log.yieldNow();
    }
  } finally {
    uninstall?.();
    release(good);
    release(pending);
  }
  const seconds = log.elapsedSeconds();

  const evaluate = options.evaluate ?? true;
  let validationAccuracy = Number.NaN;
  if (evaluate && data.validation.count) {
    validationAccuracy = evaluateAccuracy(tf, compiled, data.validation);
    log.validation(steps, validationAccuracy);
  }
  return {
    status,
    ...(message !== undefined && { message }),
    steps,
    totalSteps,
    seconds,
    stepsPerSecond: steps / Math.max(seconds, 1e-9),
    loss: lastLoss,
    trainAccuracy: evaluate ? evaluateAccuracy(tf, compiled, data.train) : Number.NaN,
    validationAccuracy,
    testAccuracy: evaluate ? evaluateAccuracy(tf, compiled, data.test) : Number.NaN,
    history: log.history,
    validationHistory: log.validationHistory,
  };
}
