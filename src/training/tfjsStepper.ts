/**
 * Training steps through tfjs ops, for any graph the compiler builds. A custom step (not
 * `model.fit`, about 2× slower per step): `optimizer.minimize` over the trainable variables
 * only, so no gradient with respect to the images is computed.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { CompiledGraph } from '../core/compile';
import type { Tf } from '../core/nodeSpec';
import { installFastMatMulGrad } from './matMulGrad';
import { makeBatch, type MnistSplit } from './mnist';
import type { StepOutcome, Stepper } from './types';

export class TfjsStepper implements Stepper {
  readonly kind = 'tfjs';
  private readonly slots: [tfjs.Tensor[], tfjs.Tensor[]] = [[], []];
  private readonly uninstall: (() => void) | undefined;

  /**
   * @param fastMatMulGrad use the explicit-transpose `BatchMatMul` gradient while this stepper
   *   lives (see `matMulGrad.ts`); it is uninstalled by `dispose`.
   */
  constructor(
    private readonly tf: Tf,
    private readonly compiled: CompiledGraph,
    private readonly train: MnistSplit,
    private readonly batchSize: number,
    fastMatMulGrad: boolean,
  ) {
    this.uninstall = fastMatMulGrad ? installFastMatMulGrad(tf) : undefined;
  }

  step(order: Int32Array, start: number, report: boolean): StepOutcome {
    const { tf, compiled } = this;
    const { xs, ys } = makeBatch(tf, this.train, order, start, this.batchSize, compiled.inputShape);
    let correct: tfjs.Tensor | undefined;
    let cost: tfjs.Scalar;
    try {
      cost = compiled.optimizer.minimize(
        () => {
          const predictions = compiled.forward(xs, true);
          if (report) {
            correct = tf.keep(
              tf.sum(tf.cast(tf.equal(tf.argMax(predictions, -1), tf.argMax(ys, -1)), 'int32')),
            );
          }
          return compiled.lossFn(ys, predictions);
        },
        true,
        compiled.trainableVariables,
      )!;
    } finally {
      xs.dispose();
      ys.dispose();
    }
    const loss = cost.dataSync()[0]!;
    cost.dispose();
    const count = correct ? correct.dataSync()[0]! : 0;
    correct?.dispose();
    return { loss, correct: count };
  }

  snapshot(slot: 0 | 1): void {
    this.release(slot);
    this.slots[slot] = this.compiled.trainableVariables.map((v) => this.tf.keep(v.clone()));
  }

  restore(slot: 0 | 1): void {
    this.compiled.trainableVariables.forEach((v, i) => v.assign(this.slots[slot][i]!));
  }

  /** The weights are the model's variables already. */
  syncWeights(): void {}

  dispose(): void {
    this.uninstall?.();
    this.release(0);
    this.release(1);
  }

  private release(slot: 0 | 1): void {
    for (const w of this.slots[slot]) w.dispose();
    this.slots[slot] = [];
  }
}
