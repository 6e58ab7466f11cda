/**
 * The training loop: one loop for every way of stepping (tfjs ops, Tensorweave's kernels),
 * framework-free (no DOM, no Vue), usable headless in Node and in a Web Worker. The loop owns
 * the batch order, pause and abort, the divergence rule, progress, validation and the final
 * evaluation; a `Stepper` (chosen in `stepperChoice.ts`) only takes the steps.
 */
import type { CompiledGraph } from '../core/compile';
import type { Tf } from '../core/nodeSpec';
import { totalStepsFor } from '../core/steps';
import { evaluateAccuracy } from './evaluation';
import type { MnistData } from './mnist';
import { cadenceOf } from './options';
import { BatchOrder } from './random';
import { divergenceMessage, RunLog } from './runLog';
import { createStepper } from './stepperChoice';
import type { Stepper, TrainOptions, TrainResult, TrainStatus } from './types';

/** How the steps of a run ended, before the final evaluation. */
interface StepsOutcome {
  status: TrainStatus;
  message?: string;
  steps: number;
  lastLoss: number;
}

/**
 * Take up to `totalSteps` steps with `stepper`. Two snapshot slots guard against divergence:
 * `pending`, taken every `snapshotEvery` steps, becomes `good` once the step after it gives a
 * finite loss; a non-finite loss restores `good` (or `pending` if there is none yet).
 */
async function takeSteps(
  stepper: Stepper,
  data: MnistData,
  options: TrainOptions,
  batches: BatchOrder,
  log: RunLog,
  totalSteps: number,
  validate: () => number,
): Promise<StepsOutcome> {
  const { progressEvery, validationEvery, snapshotEvery } = cadenceOf(options);
  let good: { step: number; slot: 0 | 1 } | undefined;
  let pending: { step: number; slot: 0 | 1 } | undefined;
  let steps = 0;
  let lastLoss = Number.NaN;
  while (steps < totalSteps) {
    await log.pauseGate();
    if (options.signal?.aborted) return { status: 'aborted', steps, lastLoss };
    if (steps % snapshotEvery === 0) {
      const slot: 0 | 1 = good?.slot === 0 ? 1 : 0;
      stepper.snapshot(slot);
      pending = { step: steps, slot };
    }
    const report =
      (steps + 1) % progressEvery === 0 || steps + 1 === totalSteps || options.reportDue?.() === true;
    const { loss, correct } = stepper.step(batches.order, batches.next(), report);

    if (!Number.isFinite(loss)) {
      // The weights used by this step gave a non-finite loss: go back to the last copy whose
      // loss was finite (or the initial weights if there is none).
      const restore = good ?? pending!;
      stepper.restore(restore.slot);
      const message = divergenceMessage(loss, steps + 1, options.learningRate, restore.step);
      return { status: 'failed', message, steps: restore.step, lastLoss };
    }
    steps++;
    lastLoss = loss;
    if (pending && pending.step === steps - 1) {
      good = pending; // the copy taken before this step gave a finite loss
      pending = undefined;
    }

    if (report) log.progress(steps, loss, correct, batches.epoch);
    if (options.syncDue?.()) stepper.syncWeights();
    if (log.validationDue(steps, validationEvery, data.validation.count)) {
      stepper.syncWeights();
      log.validation(steps, validate());
    }
    await log.yieldNow();
  }
  return { status: 'completed', steps, lastLoss };
}

/**
 * Train a compiled graph on MNIST. Resolves (never rejects for a diverging loss: that is a
 * `failed` result with a message, and the weights are restored to the last good copy). At the
 * end the model's tfjs variables hold the trained weights, whichever stepper ran.
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
  const stepper = await createStepper(tf, compiled, data.train, {
    batchSize,
    kernels: options.kernels ?? true,
    fastMatMulGrad: options.fastMatMulGrad ?? true,
    threads: options.threads ?? 2,
  });
  const accuracy = (split: MnistData['test']) => evaluateAccuracy(tf, compiled, split);
  const batches = new BatchOrder(n, batchSize, options.seed);
  const log = new RunLog(options, totalSteps, batchSize);
  let outcome: StepsOutcome;
  try {
    outcome = await takeSteps(stepper, data, options, batches, log, totalSteps, () =>
      accuracy(data.validation),
    );
  } finally {
    stepper.syncWeights();
    stepper.dispose();
  }
  const seconds = log.elapsedSeconds();

  const evaluate = options.evaluate ?? true;
  let validationAccuracy = Number.NaN;
  if (evaluate && data.validation.count) {
    validationAccuracy = accuracy(data.validation);
    log.validation(outcome.steps, validationAccuracy);
  }
  return {
    status: outcome.status,
    ...(outcome.message !== undefined && { message: outcome.message }),
    steps: outcome.steps,
    totalSteps,
    seconds,
    stepsPerSecond: outcome.steps / Math.max(seconds, 1e-9),
    loss: outcome.lastLoss,
    trainAccuracy: evaluate ? accuracy(data.train) : Number.NaN,
    validationAccuracy,
    testAccuracy: evaluate ? accuracy(data.test) : Number.NaN,
    history: log.history,
    validationHistory: log.validationHistory,
  };
}
