/**
 * The training loop of `train()` for dense chains, on the WebAssembly kernels of
 * `DenseChainTrainer` instead of tfjs ops: same batches in the same order, same loss, same
 * updates, same progress, validation, abort and divergence handling. The weights live in the
 * kernels' memory while training and are written back to the model's variables before every
 * evaluation and at the end, so evaluation, prediction and export keep working unchanged.
 */
import type { CompiledGraph } from '../../core/compile';
import type { Tf } from '../../core/nodeSpec';
import type { MnistData, MnistSplit } from '../mnist';
import { BatchOrder } from '../random';
import { divergenceMessage, RunLog } from '../runLog';
import type { TrainOptions, TrainResult, TrainStatus } from '../train';
import { describeDenseChain, type ChainCheck } from './denseChain';
import { DenseChainTrainer } from './denseTrainer';
import { denseKernelsSupported } from './kernels';

/**
 * Momentum velocities left by earlier fast runs, per tfjs optimizer: tfjs keeps them in the
 * optimizer, so a second `train()` on the same compiled graph continues with them; so do we.
 */
const velocities = new WeakMap<object, Float32Array[]>();

/** What `train()` already settled and the dense loop needs from it. */
export interface DenseRunContext {
  batchSize: number;
  totalSteps: number;
  /** Accuracy of the model's current weights on a split (`evaluateAccuracy` of train.ts). */
  accuracy: (split: MnistSplit) => number;
}

/** Whether the dense-chain trainer can run `compiled` here (and why not). */
export function denseFastPath(compiled: CompiledGraph): ChainCheck {
  const check = describeDenseChain(compiled);
  if (!check.ok) return check;
  if (check.chain.optimizer.type !== 'sgd' && compiled.optimizer.iterations > 0) {
    // Its velocities live in tfjs (an earlier run took the tfjs path): continue there.
    return { ok: false, reason: 'the optimizer already holds tfjs state' };
  }
  if (check.chain.inputSize !== 784 || check.chain.layers.at(-1)!.units !== 10) {
    return { ok: false, reason: 'the chain does not map 784 pixels to 10 classes' };
  }
  if (!denseKernelsSupported()) return { ok: false, reason: 'WebAssembly SIMD is not available' };
  return check;
}

/**
 * Train an eligible dense chain (see `denseFastPath`) exactly as `train()` would. Resolves with
 * the same result shape (never rejects for a diverging loss), or with undefined, before any
 * step, when the kernels' memory cannot be had (the caller then trains through tfjs).
 */
export async function trainDenseChain(
  tf: Tf,
  compiled: CompiledGraph,
  data: MnistData,
  options: TrainOptions,
  context: DenseRunContext,
): Promise<TrainResult | undefined> {
  const check = describeDenseChain(compiled);
  if (!check.ok) throw new Error(`trainDenseChain: not a dense chain (${check.reason}).`);
  const n = data.train.count;
  const { batchSize, totalSteps } = context;
  const progressEvery = Math.max(1, options.progressEvery ?? 100);
  const validationEvery = options.validationEvery ?? 1000;
  const snapshotEvery = Math.max(1, options.snapshotEvery ?? 10);

  let trainer: DenseChainTrainer;
  try {
    // The training images go into the kernels' memory once, so batches are gathered there.
    trainer = await DenseChainTrainer.create(check.chain, batchSize, data.train.images);
  } catch (e) {
    if (e instanceof RangeError) return undefined; // WebAssembly memory could not grow
    throw e;
  }
  trainer.loadWeights();
  const saved = velocities.get(compiled.optimizer);
  if (saved) trainer.setVelocities(saved);

  const batches = new BatchOrder(n, batchSize, options.seed);

  // Two snapshot slots: `good` (loss known finite) and `pending` (taken before the last step).
  let good: { step: number; slot: 0 | 1 } | undefined;
  let pending: { step: number; slot: 0 | 1 } | undefined;

  const log = new RunLog(options, totalSteps, batchSize);
  let status: TrainStatus = 'completed';
  let message: string | undefined;
  let steps = 0;
  let lastLoss = Number.NaN;

  try {
    while (steps < totalSteps) {
      await log.pauseGate();
      if (options.signal?.aborted) {
        status = 'aborted';
        break;
      }
      if (steps % snapshotEvery === 0) {
        const slot: 0 | 1 = good?.slot === 0 ? 1 : 0;
        trainer.snapshot(slot);
        pending = { step: steps, slot };
      }
      const report = (steps + 1) % progressEvery === 0 || steps + 1 === totalSteps;
      trainer.setMnistBatch(data.train, batches.order, batches.next());
      const { loss, correct } = trainer.step();

      if (!Number.isFinite(loss)) {
        const restore = good ?? pending!;
        trainer.restore(restore.slot);
        message = divergenceMessage(loss, steps + 1, options.learningRate, restore.step);
        status = 'failed';
        steps = restore.step;
        break;
      }
      steps++;
      lastLoss = loss;
      if (pending && pending.step === steps - 1) {
        good = pending;
        pending = undefined;
      }

      if (report) log.progress(steps, loss, correct, batches.epoch);
      if (log.validationDue(steps, validationEvery, data.validation.count)) {
        trainer.storeWeights(tf);
        log.validation(steps, context.accuracy(data.validation));
      }
      await log.yieldNow();
    }
  } finally {
    trainer.storeWeights(tf);
    if (check.chain.optimizer.type !== 'sgd') velocities.set(compiled.optimizer, trainer.velocities());
  }
  const seconds = log.elapsedSeconds();

  const evaluate = options.evaluate ?? true;
  let validationAccuracy = Number.NaN;
  if (evaluate && data.validation.count) {
    validationAccuracy = context.accuracy(data.validation);
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
    trainAccuracy: evaluate ? context.accuracy(data.train) : Number.NaN,
    validationAccuracy,
    testAccuracy: evaluate ? context.accuracy(data.test) : Number.NaN,
    history: log.history,
    validationHistory: log.validationHistory,
  };
}
