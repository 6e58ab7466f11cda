/**
 * The optimizer update of a dense chain's training step on the kernels, with tfjs's formulas
 * and float32 constants: plain SGD (fused into the gradient products by the trainer), momentum,
 * Adam (bias correction from the accumulated β powers) and RMSprop (not centred).
 */
import type { ChainOptimizer } from './denseChain';
import type { LayerBuffers } from './denseLayout';
import type { DenseKernels } from './kernels';

const f32 = Math.fround;

/** What an optimizer carries from one `train()` call to the next (see `KernelStepper`). */
export interface OptimizerState {
  /** The state arrays of every layer, in the kernels' layout (kernel and bias, first and second). */
  arrays: Float32Array[];
  /** Adam's β₁ᵗ and β₂ᵗ; empty for the others. */
  powers: number[];
}

export class ChainUpdate {
  /** Adam's β₁ᵗ and β₂ᵗ: tfjs keeps them as float32 variables, β at first, × β after each step. */
  private powers: number[];

  constructor(
    private readonly kernels: DenseKernels,
    readonly optimizer: ChainOptimizer,
  ) {
    this.powers = optimizer.type === 'adam' ? [f32(optimizer.beta1), f32(optimizer.beta2)] : [];
  }

  /** Plain SGD is applied inside the weight-gradient products: nothing is left to do here. */
  get fused(): boolean {
    return this.optimizer.type === 'sgd';
  }

  /** The update of one layer from its gradients `dw`, `db`. */
  apply(l: LayerBuffers): void {
    const K = this.kernels;
    const opt = this.optimizer;
    const size = l.k * l.n;
    if (opt.type === 'momentum') {
      const m = f32(opt.momentum);
      const c = f32(-opt.learningRate);
      const nesterov = opt.nesterov ? 1 : 0;
      K.momentumUpdate(l.w, l.accW, l.dw, size, m, c, nesterov);
      if (l.b) K.momentumUpdate(l.b, l.accB, l.db, l.n, m, c, nesterov);
    } else if (opt.type === 'adam') {
      const [p1, p2] = this.powers as [number, number];
      const args = [
        f32(opt.beta1),
        f32(1 - opt.beta1),
        f32(opt.beta2),
        f32(1 - opt.beta2),
        f32(1 - p1),
        f32(1 - p2),
        f32(opt.epsilon),
        f32(-opt.learningRate),
      ] as const;
      K.adamUpdate(l.w, l.accW, l.acc2W, l.dw, size, ...args);
      if (l.b) K.adamUpdate(l.b, l.accB, l.acc2B, l.db, l.n, ...args);
    } else if (opt.type === 'rmsprop') {
      const args = [
        f32(opt.decay),
        f32(1 - opt.decay),
        f32(opt.momentum),
        f32(opt.epsilon),
        f32(opt.learningRate),
      ] as const;
      K.rmspropUpdate(l.w, l.accW, l.acc2W, l.dw, size, ...args);
      if (l.b) K.rmspropUpdate(l.b, l.accB, l.acc2B, l.db, l.n, ...args);
    }
  }

  /** After every layer's update: advance Adam's β powers, as tfjs does once per step. */
  endStep(): void {
    if (this.optimizer.type !== 'adam') return;
    const { beta1, beta2 } = this.optimizer;
    this.powers = [f32(this.powers[0]! * f32(beta1)), f32(this.powers[1]! * f32(beta2))];
  }

  /** The β powers, to carry over with the state arrays. */
  get betaPowers(): number[] {
    return [...this.powers];
  }

  set betaPowers(values: number[]) {
    if (values.length !== this.powers.length) throw new Error('betaPowers: not this optimizer’s state.');
    this.powers = [...values];
  }
}

/** The state buffers of `layers` (address and float count), in a fixed order. */
export function stateBuffers(layers: LayerBuffers[]): { at: number; floats: number }[] {
  return layers.flatMap((l) =>
    [
      { at: l.accW, floats: l.k * l.n },
      { at: l.accB, floats: l.n },
      { at: l.acc2W, floats: l.k * l.n },
      { at: l.acc2B, floats: l.n },
    ].filter((s) => s.at !== 0),
  );
}
