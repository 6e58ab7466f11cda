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
import { mulberry32, shuffleInPlace } from '../random';
import type { TrainOptions, TrainResult, TrainStatus, ValidationPoint } from '../train';
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

/** `0.5` for 5, `0.01` for 0.1: one tenth, written without float noise (as train.ts says it). */
function tenth(lr: number): string {
  return String(Number((lr / 10).toPrecision(6)));
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

  const random = mulberry32(options.seed ^ 0x5eed5eed);
  const order = new Int32Array(n).map((_, i) => i);
  let cursor = n; // forces a shuffle before the first batch
  let epoch = 0;

  // Two snapshot slots: `good` (loss known finite) and `pending` (taken before the last step).
  let good: { step: number; slot: 0 | 1 } | undefined;
  let pending: { step: number; slot: 0 | 1 } | undefined;

  const history: TrainResult['history'] = [];
  const validationHistory: ValidationPoint[] = [];
  let status: TrainStatus = 'completed';
  let message: string | undefined;
  let steps = 0;
  let lastLoss = Number.NaN;
  const t0 = performance.now();
  let lastYield = t0;

  // Time spent paused at `pauseGate` does not count as training time (as in train()).
  let pausedMs = 0;
  const elapsedMs = () => performance.now() - t0 - pausedMs;

  try {
    while (steps < totalSteps) {
      if (options.pauseGate) {
        const before = performance.now();
        await options.pauseGate();
        const waited = performance.now() - before;
        if (waited > 1) {
          pausedMs += waited;
          lastYield = performance.now();
        }
      }
      if (options.signal?.aborted) {
        status = 'aborted';
        break;
      }
      if (cursor + batchSize > n) {
        shuffleInPlace(order, random);
        cursor = 0;
        epoch++;
      }
      if (steps % snapshotEvery === 0) {
        const slot: 0 | 1 = good?.slot === 0 ? 1 : 0;
        trainer.snapshot(slot);
        pending = { step: steps, slot };
      }
      const report = (steps + 1) % progressEvery === 0 || steps + 1 === totalSteps;
      trainer.setMnistBatch(data.train, order, cursor);
      cursor += batchSize;
      const { loss, correct } = trainer.step();

      if (!Number.isFinite(loss)) {
        const restore = good ?? pending!;
        trainer.restore(restore.slot);
        const what = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'infinite' : '−infinite';
        message =
          `loss became ${what} at step ${steps + 1}; the learning rate ${options.learningRate} is likely ` +
          `too high — try ${tenth(options.learningRate)}. The weights were restored to those after step ${restore.step}.`;
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

      if (report) {
        const elapsedSeconds = elapsedMs() / 1000;
        const stepsPerSecond = steps / Math.max(elapsedSeconds, 1e-9);
        const point = { step: steps, loss, batchAccuracy: correct / batchSize };
        history.push(point);
        options.onProgress?.({
          ...point,
          totalSteps,
          epoch,
          stepsPerSecond,
          etaSeconds: (totalSteps - steps) / stepsPerSecond,
          elapsedSeconds,
        });
      }
      if (
        validationEvery > 0 &&
        steps % validationEvery === 0 &&
        steps < totalSteps &&
        data.validation.count
      ) {
        trainer.storeWeights(tf);
        const point = { step: steps, accuracy: context.accuracy(data.validation) };
        validationHistory.push(point);
        options.onValidation?.(point);
      }
      if (performance.now() - lastYield > 200) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
  } finally {
    trainer.storeWeights(tf);
    if (check.chain.optimizer.type !== 'sgd') velocities.set(compiled.optimizer, trainer.velocities());
  }
  const seconds = elapsedMs() / 1000;

  const evaluate = options.evaluate ?? true;
  let validationAccuracy = Number.NaN;
  if (evaluate && data.validation.count) {
    validationAccuracy = context.accuracy(data.validation);
    const point = { step: steps, accuracy: validationAccuracy };
    validationHistory.push(point);
    options.onValidation?.(point);
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
    history,
    validationHistory,
  };
}
