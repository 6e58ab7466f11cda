/**
 * Training steps for dense chains on Tensorweave's WebAssembly kernels (`DenseChainTrainer`)
 * instead of tfjs ops: same batches, same loss, same updates. The weights live in the kernels'
 * memory while training and are written back to the model's variables by `syncWeights`, so
 * evaluation, prediction and export keep working on the tfjs model unchanged.
 */
import type { CompiledGraph } from '../../core/compile';
import type { Tf } from '../../core/nodeSpec';
import type * as tfjs from '@tensorflow/tfjs';
import { setSplitPredictor, type SplitPredictions } from '../evaluation';
import type { MnistSplit } from '../mnist';
import type { StepOutcome, Stepper } from '../types';
import type { DenseChain } from './denseChain';
import type { OptimizerState } from './denseOptimizer';
import { DenseChainTrainer } from './denseTrainer';
import type { ThreadSupport } from './kernelThreads';

/**
 * Optimizer state (velocities, moments, β powers) left by earlier kernel runs, per tfjs
 * optimizer: tfjs keeps it in the optimizer, so a second `train()` on the same compiled graph
 * continues with it; so do we.
 */
const optimizerStates = new WeakMap<object, OptimizerState>();

export class KernelStepper implements Stepper {
  readonly kind = 'kernels';

  /** How many threads the kernels run on, and why one where two were asked for. */
  get threading(): ThreadSupport {
    return this.trainer.threading;
  }

  private constructor(
    private readonly tf: Tf,
    private readonly compiled: CompiledGraph,
    private readonly chain: DenseChain,
    private readonly trainer: DenseChainTrainer,
    private readonly train: MnistSplit,
  ) {}

  /**
   * A stepper for `chain` (the description of `compiled` from `describeDenseChain`), starting
   * from the model's current weights; undefined when the kernels' memory cannot be had (the
   * caller then trains through tfjs).
   */
  static async create(
    tf: Tf,
    compiled: CompiledGraph,
    chain: DenseChain,
    train: MnistSplit,
    request: { batchSize: number; threads: 1 | 2 },
  ): Promise<KernelStepper | undefined> {
    let trainer: DenseChainTrainer;
    try {
      // The training images go into the kernels' memory once, so batches are gathered there.
      trainer = await DenseChainTrainer.create(chain, request.batchSize, train.images, request.threads);
    } catch (e) {
      if (e instanceof RangeError) return undefined; // WebAssembly memory could not grow
      throw e;
    }
    trainer.loadWeights();
    const saved = optimizerStates.get(compiled.optimizer);
    if (saved) trainer.setOptimizerState(saved);
    const stepper = new KernelStepper(tf, compiled, chain, trainer, train);
    setSplitPredictor(compiled, (split) => stepper.predict(split));
    return stepper;
  }

  /**
   * The model's variables' data right after our last `syncWeights` (tfjs gives a variable new
   * data on every assign): while they are unchanged, our weights are the model's.
   */
  private synced: object[] = [];

  /**
   * Predictions on `split` on the kernels (the loop's validation and final evaluation, and the
   * worker's test evaluation, even after `dispose`), or undefined when the model's weights are no
   * longer ours.
   */
  private predict(split: MnistSplit): SplitPredictions | undefined {
    const current = this.compiled.trainableVariables.map(dataOf);
    if (current.length !== this.synced.length || current.some((d, i) => d !== this.synced[i]))
      return undefined;
    return this.trainer.predict(split);
  }

  step(order: Int32Array, start: number): StepOutcome {
    this.trainer.setMnistBatch(this.train, order, start);
    return this.trainer.step();
  }

  snapshot(slot: 0 | 1): void {
    this.trainer.snapshot(slot);
  }

  restore(slot: 0 | 1): void {
    this.trainer.restore(slot);
  }

  syncWeights(): void {
    this.trainer.storeWeights(this.tf);
    this.synced = this.compiled.trainableVariables.map(dataOf);
  }

  /**
   * Keeps the optimizer's state for the next run. The kernels stay registered for evaluation
   * (the loop's final one comes after `dispose`) until the model's weights change.
   */
  dispose(): void {
    if (this.chain.optimizer.type !== 'sgd')
      optimizerStates.set(this.compiled.optimizer, this.trainer.optimizerState());
  }
}

/** The identity of a variable's data (a new object after every `assign`). */
function dataOf(v: tfjs.Variable): object {
  return v.dataId;
}
