/**
 * A training step for dense chains on our own WebAssembly SIMD kernels: forward, the loss and
 * its gradient, backward and the optimizer update, with every buffer in the module's memory.
 * The maths are tfjs's (same formulas, same order of the update terms); the products skip
 * exact zeros of their sparse operand (most MNIST pixels), which leaves every sum unchanged.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { LOG_EPSILON } from '../../core/compile';
import type { Tf } from '../../core/nodeSpec';
import { IMAGE_SIZE, NUM_CLASSES } from '../../core/mnist';
import type { MnistSplit } from '../mnist';
import type { StepOutcome } from '../types';
import type { DenseChain } from './denseChain';
import {
  fromPanels,
  layOutChain,
  NARROW,
  PAGE,
  toPanels,
  type BatchBuffers,
  type LayerBuffers,
} from './denseLayout';
import { instantiateDenseKernels, type DenseKernels } from './kernels';

/**
 * One trainer per training run: its own kernel instance and memory. Call `loadWeights` to start
 * from the tfjs variables and `storeWeights` to put the trained weights back.
 */
export class DenseChainTrainer {
  private readonly layers: LayerBuffers[];
  // Views of the kernels' memory (made again when it grows).
  private f32: Float32Array;
  private i32: Int32Array;
  private u8: Uint8Array;
  /** Parameters (all kernels and biases) are one block, so a snapshot is one copy. */
  private readonly params: { at: number; floats: number };
  private readonly snapshots: [Float32Array, Float32Array];
  private readonly scale: number;
  /**
   * The images whose sparse copy (non-zero pixels only, see `storeFromBytes`) was made in the
   * kernels' memory at creation: their batches are gathered there, with no copy per step.
   */
  private images: Uint8Array | undefined;

  private constructor(
    private readonly kernels: DenseKernels,
    readonly chain: DenseChain,
    readonly batchSize: number,
    private readonly buf: BatchBuffers,
    layers: LayerBuffers[],
    params: { at: number; floats: number },
  ) {
    this.layers = layers;
    this.params = params;
    const memory = kernels.memory.buffer;
    this.f32 = new Float32Array(memory);
    this.i32 = new Int32Array(memory);
    this.u8 = new Uint8Array(memory);
    this.snapshots = [new Float32Array(params.floats), new Float32Array(params.floats)];
    this.scale = chain.loss.reduction === 'sum' ? 1 : Math.fround(1 / batchSize);
  }

  /** Lay out the buffers for `chain` at batch size `batchSize` in a fresh kernel instance. */
  static async create(chain: DenseChain, batchSize: number, images?: Uint8Array): Promise<DenseChainTrainer> {
    const kernels = await instantiateDenseKernels();
    const { layers, buf, params, end } = layOutChain(chain, batchSize, images);
    const have = kernels.memory.buffer.byteLength;
    if (end > have) kernels.memory.grow(Math.ceil((end - have) / PAGE));
    const trainer = new DenseChainTrainer(kernels, chain, batchSize, buf, layers, params);
    kernels.unitTable(buf.lut);
    if (images) trainer.buildStore(images);
    return trainer;
  }

  /** The sparse copy of `images` (whole images of `inputSize` bytes), batch by batch. */
  private buildStore(images: Uint8Array): void {
    const K = this.kernels;
    const { bytes, masks, storePtr, storeEntries } = this.buf;
    const size = this.chain.inputSize;
    const count = images.length / size;
    let nnz = 0;
    for (let start = 0; start < count; start += this.batchSize) {
      const rows = Math.min(this.batchSize, count - start);
      const need = storeEntries + (nnz + rows * size) * 4;
      const have = K.memory.buffer.byteLength;
      if (need > have) {
        K.memory.grow(Math.ceil((need - have + 4 * 2 ** 20) / PAGE));
        this.views();
      }
      this.u8.set(images.subarray(start * size, (start + rows) * size), bytes);
      nnz = K.storeFromBytes(bytes, rows, size, masks, storePtr + start * 4, storeEntries, nnz);
    }
    this.images = images;
  }

  private views(): void {
    const memory = this.kernels.memory.buffer;
    this.f32 = new Float32Array(memory);
    this.i32 = new Int32Array(memory);
    this.u8 = new Uint8Array(memory);
  }

  /** Copy the tfjs variables' current values in (and zero the momentum accumulators). */
  loadWeights(): void {
    this.chain.layers.forEach((l, i) => {
      const buffers = this.layers[i]!;
      toPanels(l.kernel.dataSync() as Float32Array, buffers.k, buffers.n, this.f32, buffers.w / 4);
      if (l.bias) this.f32.set(l.bias.dataSync() as Float32Array, buffers.b / 4);
      if (buffers.accW) this.f32.fill(0, buffers.accW / 4, buffers.accW / 4 + buffers.k * buffers.n);
      if (buffers.accB) this.f32.fill(0, buffers.accB / 4, buffers.accB / 4 + buffers.n);
    });
  }

  /** Assign the trained weights to the tfjs variables (evaluation, prediction, export use them). */
  storeWeights(tf: Tf): void {
    this.chain.layers.forEach((l, i) => {
      const buffers = this.layers[i]!;
      const assign = (v: tfjs.Variable, values: Float32Array) => {
        const t = tf.tensor(values, v.shape, 'float32');
        v.assign(t);
        t.dispose();
      };
      assign(l.kernel, fromPanels(this.f32, buffers.w / 4, buffers.k, buffers.n));
      if (l.bias) assign(l.bias, this.f32.slice(buffers.b / 4, buffers.b / 4 + buffers.n));
    });
  }

  /** Keep a copy of the weights in `slot` (0 or 1), to `restore` them if the loss diverges. */
  snapshot(slot: 0 | 1): void {
    const at = this.params.at / 4;
    this.snapshots[slot].set(this.f32.subarray(at, at + this.params.floats));
  }

  restore(slot: 0 | 1): void {
    this.f32.set(this.snapshots[slot], this.params.at / 4);
  }

  /** Load examples `indices[start + i]` (or `start + i`) of an MNIST split as the batch. */
  setMnistBatch(split: MnistSplit, indices: Int32Array | undefined, start: number): void {
    const B = this.batchSize;
    const nOut = this.layers[this.layers.length - 1]!.n;
    if (this.chain.inputSize !== IMAGE_SIZE || nOut !== NUM_CLASSES) {
      throw new Error('setMnistBatch: the chain must take 784 values and output 10 classes.');
    }
    const { bytes, labels, y, order } = this.buf;
    const stored = split.images === this.images;
    for (let i = 0; i < B; i++) {
      const k = indices ? indices[start + i]! : start + i;
      if (stored) this.i32[order / 4 + i] = k;
      else this.u8.set(split.images.subarray(k * IMAGE_SIZE, (k + 1) * IMAGE_SIZE), bytes + i * IMAGE_SIZE);
      this.i32[labels / 4 + i] = split.labels[k]!;
    }
    const { lut, masks, xRowPtr, xRowIdx, xRowVal } = this.buf;
    if (stored) {
      const { storePtr, storeEntries } = this.buf;
      this.kernels.csrFromStore(storePtr, storeEntries, order, B, lut, xRowPtr, xRowIdx, xRowVal);
    } else {
      this.kernels.csrFromBytes(bytes, 0, B, IMAGE_SIZE, lut, masks, xRowPtr, xRowIdx, xRowVal);
    }
    this.inputCsc();
    this.f32.fill(0, y / 4, y / 4 + B * NUM_CLASSES);
    for (let i = 0; i < B; i++) this.f32[y / 4 + i * NUM_CLASSES + this.i32[labels / 4 + i]!] = 1;
  }

  /** Load any batch: inputs `[batch × inputSize]` and targets `[batch × units]` (labels: argmax). */
  setBatch(inputs: Float32Array, targets: Float32Array): void {
    const B = this.batchSize;
    const nOut = this.layers[this.layers.length - 1]!.n;
    if (inputs.length !== B * this.chain.inputSize || targets.length !== B * nOut) {
      throw new Error(`setBatch: expected ${B} examples of ${this.chain.inputSize} values → ${nOut}.`);
    }
    this.f32.set(inputs, this.buf.x / 4);
    this.f32.set(targets, this.buf.y / 4);
    for (let i = 0; i < B; i++) {
      let best = 0;
      for (let j = 1; j < nOut; j++) if (targets[i * nOut + j]! > targets[i * nOut + best]!) best = j;
      this.i32[this.buf.labels / 4 + i] = best;
    }
    const { x, xRowPtr, xRowIdx, xRowVal } = this.buf;
    this.kernels.toCsr(x, B, this.chain.inputSize, xRowPtr, xRowIdx, xRowVal);
    this.inputCsc();
  }

  /** The CSC of the input, for a wide first layer's weight gradient (a narrow one uses the CSR). */
  private inputCsc(): void {
    if (this.layers[0]!.n < NARROW) return;
    const b = this.buf;
    const k = this.chain.inputSize;
    this.kernels.cscFromCsr(
      b.xRowPtr,
      b.xRowIdx,
      b.xRowVal,
      this.batchSize,
      k,
      b.xColPtr,
      b.xColIdx,
      b.xColVal,
    );
  }

  /** One optimisation step on the current batch; returns the batch's loss before the update. */
  step(): StepOutcome {
    return this.run(true);
  }

  /**
   * The loss and the gradients on the current batch without updating anything: gradients of
   * layer `i` as `[kernel, bias?]` copies.
   */
  gradients(): { loss: number; grads: Float32Array[][] } {
    const { loss } = this.run(false);
    const grads = this.layers.map((l) => {
      const out = [fromPanels(this.f32, l.dw / 4, l.k, l.n)];
      if (l.b) out.push(this.f32.slice(l.db / 4, l.db / 4 + l.n));
      return out;
    });
    return { loss, grads };
  }

  /** The momentum velocities (kernel then bias of each layer, in the kernels' layout); [] for SGD. */
  velocities(): Float32Array[] {
    return this.layers.flatMap((l) => {
      const out: Float32Array[] = [];
      if (l.accW) out.push(this.f32.slice(l.accW / 4, l.accW / 4 + l.k * l.n));
      if (l.accB) out.push(this.f32.slice(l.accB / 4, l.accB / 4 + l.n));
      return out;
    });
  }

  /** Put back velocities from `velocities()` of a trainer of the same chain. */
  setVelocities(values: Float32Array[]): void {
    const at = this.layers.flatMap((l) => [l.accW, l.accB].filter((p) => p !== 0));
    if (values.length !== at.length) throw new Error('setVelocities: not this chain’s velocities.');
    values.forEach((v, i) => this.f32.set(v, at[i]! / 4));
  }

  /** Current weights of layer `i` as `[kernel, bias?]` copies. */
  weights(): Float32Array[][] {
    return this.layers.map((l) => {
      const out = [fromPanels(this.f32, l.w / 4, l.k, l.n)];
      if (l.b) out.push(this.f32.slice(l.b / 4, l.b / 4 + l.n));
      return out;
    });
  }

  private run(apply: boolean): StepOutcome {
    const K = this.kernels;
    const B = this.batchSize;
    const b = this.buf;
    const { x, y, labels, rowPtr, rowIdx, rowVal, colPtr, colIdx, colVal } = b;
    const layers = this.layers;
    const last = layers[layers.length - 1]!;

    // Forward: h = act(a·W + b); the input (CSR of the batch, made by the batch setters) and
    // wide layers' inputs as CSR (zeros skipped), narrow layers as dot products with Wᵀ.
    let a = x;
    layers.forEach((l, i) => {
      if (l.wt) {
        K.transpose(l.w, l.k, l.n, l.wt);
        K.denseDotT(a, B, l.k, l.wt, l.n, l.b, l.h);
      } else if (i === 0 && l.n <= 16) {
        K.spmmNarrow(b.xRowPtr, b.xRowIdx, b.xRowVal, B, l.w, l.n, l.b, l.h);
      } else if (i === 0) {
        K.spmm(b.xRowPtr, b.xRowIdx, b.xRowVal, B, l.w, l.k, l.n, l.b, l.h, 1);
      } else {
        K.toCsr(a, B, l.k, rowPtr, rowIdx, rowVal);
        K.spmm(rowPtr, rowIdx, rowVal, B, l.w, l.k, l.n, l.b, l.h, 1);
      }
      this.activate(l);
      a = l.h;
    });
    const correct = K.countCorrect(last.h, labels, B, last.n);

    // The loss and its gradient with respect to the predictions, then through the activation.
    const loss =
      this.chain.loss.loss === 'categoricalCrossentropy'
        ? K.crossEntropy(last.h, y, B * last.n, LOG_EPSILON, this.scale, last.g)
        : K.squaredError(last.h, y, B * last.n, last.n, this.scale, last.g);
    this.activateBackward(last);

    // Backward, last layer first: the input gradient (with the weights before the update), then
    // the weight gradient, applied or kept.
    const opt = this.chain.optimizer;
    const c = Math.fround(-opt.learningRate);
    const fused = apply && opt.type === 'sgd';
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!;
      const input = i === 0 ? x : layers[i - 1]!.h;
      if (i > 0) {
        const below = layers[i - 1]!;
        const wt = l.wt || b.wt;
        if (!l.wt) K.transposePanels(l.w, l.k, l.n, wt);
        K.toCsr(l.g, B, l.n, rowPtr, rowIdx, rowVal);
        K.spmm(rowPtr, rowIdx, rowVal, B, wt, l.n, l.k, 0, below.g, 0);
        this.activateBackward(below);
      }
      if (l.wt) {
        // gᵀ = dzᵀ·A: rows of dzᵀ as CSR, A dense.
        K.transpose(l.g, B, l.n, b.gt);
        K.toCsr(b.gt, l.n, B, rowPtr, rowIdx, rowVal);
        K.spmm(rowPtr, rowIdx, rowVal, l.n, input, B, l.k, 0, b.dwt, 0);
        K.applyTransposed(l.w, b.dwt, l.k, l.n, c, fused ? 0 : l.dw);
      } else {
        if (i === 0 && l.n < NARROW) {
          K.csrGradNarrow(b.xRowPtr, b.xRowIdx, b.xRowVal, B, l.k, l.g, l.n, l.dw, l.w, c, fused ? 1 : 0);
        } else if (i === 0) {
          K.spmmTGrad(b.xColPtr, b.xColIdx, b.xColVal, l.k, l.g, l.n, l.w, c, fused ? 0 : l.dw);
        } else {
          K.toCsc(input, B, l.k, colPtr, colIdx, colVal);
          K.spmmTGrad(colPtr, colIdx, colVal, l.k, l.g, l.n, l.w, c, fused ? 0 : l.dw);
        }
      }
      if (l.b) K.colSum(l.g, B, l.n, l.b, c, fused ? 0 : l.db);
      if (apply && opt.type === 'momentum') {
        const m = Math.fround(opt.momentum);
        const nesterov = opt.nesterov ? 1 : 0;
        K.momentumUpdate(l.w, l.accW, l.dw, l.k * l.n, m, c, nesterov);
        if (l.b) K.momentumUpdate(l.b, l.accB, l.db, l.n, m, c, nesterov);
      }
    }
    return { loss, correct };
  }

  private activate(l: LayerBuffers): void {
    const K = this.kernels;
    const len = this.batchSize * l.n;
    if (l.activation === 'sigmoid') K.sigmoid(l.h, len);
    else if (l.activation === 'relu') K.relu(l.h, len);
    else if (l.activation === 'tanh') K.tanh(l.h, len);
    else if (l.activation === 'softmax') K.softmax(l.h, this.batchSize, l.n);
  }

  private activateBackward(l: LayerBuffers): void {
    const K = this.kernels;
    const len = this.batchSize * l.n;
    if (l.activation === 'sigmoid') K.sigmoidBackward(l.g, l.h, len);
    else if (l.activation === 'relu') K.reluBackward(l.g, l.h, len);
    else if (l.activation === 'tanh') K.tanhBackward(l.g, l.h, len);
    else if (l.activation === 'softmax') K.softmaxBackward(l.g, l.h, this.batchSize, l.n);
  }
}
