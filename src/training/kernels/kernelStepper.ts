/**
 * Training steps for dense chains on Tensorweave's WebAssembly kernels (`DenseChainTrainer`)
 * instead of tfjs ops: same batches, same loss, same updates. The weights live in the kernels'
 * memory while training and are written back to the model's variables by `syncWeights`, so
 * evaluation, prediction and export keep working on the tfjs model unchanged.
 */
import type { CompiledGraph } from '../../core/compile';
import type { Tf } from '../../core/nodeSpec';
import type { MnistSplit } from '../mnist';
import type { StepOutcome, Stepper } from '../types';
import type { DenseChain } from './denseChain';
import { DenseChainTrainer } from './denseTrainer';

/**
 * Momentum velocities left by earlier kernel runs, per tfjs optimizer: tfjs keeps them in the
 * optimizer, so a second `train()` on the same compiled graph continues with them; so do we.
 */
const velocities = new WeakMap<object, Float32Array[]>();

export class KernelStepper implements Stepper {
  readonly kind = 'kernels';

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
    batchSize: number,
  ): Promise<KernelStepper | undefined> {
    let trainer: DenseChainTrainer;
    try {
      // The training images go into the kernels' memory once, so batches are gathered there.
      trainer = await DenseChainTrainer.create(chain, batchSize, train.images);
    } catch (e) {
      if (e instanceof RangeError) return undefined; // WebAssembly memory could not grow
      throw e;
    }
    trainer.loadWeights();
    const saved = velocities.get(compiled.optimizer);
    if (saved) trainer.setVelocities(saved);
    return new KernelStepper(tf, compiled, chain, trainer, train);
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
  }

  dispose(): void {
    if (this.chain.optimizer.type !== 'sgd')
      velocities.set(this.compiled.optimizer, this.trainer.velocities());
  }
}
