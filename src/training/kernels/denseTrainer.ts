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
import { activate, activateBackward } from './denseActivations';
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
import { ChainUpdate, stateBuffers, type OptimizerState } from './denseOptimizer';
import type { DenseKernels } from './kernels';
import type { ThreadSupport } from './kernelThreads';
import { trainerKernels } from './trainerKernels';

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
  private update: ChainUpdate;
  /** Training forward passes so far: with the layer's seed, it picks each dropout mask. */
  private dropoutSteps = 0;

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
    this.update = new ChainUpdate(kernels, chain.optimizer);
  }

  /** How many threads its large products run on, and why one where two were asked for. */
  threading: ThreadSupport = { threads: 1 };

  /** Lay out the buffers for `chain` at batch size `batchSize` in a fresh kernel instance on `threads` threads. */
  static async create(
    chain: DenseChain,
    batchSize: number,
    images?: Uint8Array,
    threads: 1 | 2 = 1,
  ): Promise<DenseChainTrainer> {
    const layout = layOutChain(chain, batchSize, images);
    const { kernels, threading } = await trainerKernels(layout, images, threads);
    const { layers, buf, params, end } = layout;
    const have = kernels.memory.buffer.byteLength;
    if (end > have) kernels.memory.grow(Math.ceil((end - have) / PAGE));
    const trainer = new DenseChainTrainer(kernels, chain, batchSize, buf, layers, params);
    trainer.threading = threading;
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

  /** Copy the tfjs variables' current values in (and start the optimizer afresh). */
  loadWeights(): void {
    this.chain.layers.forEach((l, i) => {
      const buffers = this.layers[i]!;
      toPanels(l.kernel.dataSync() as Float32Array, buffers.k, buffers.n, this.f32, buffers.w / 4);
      if (l.bias) this.f32.set(l.bias.dataSync() as Float32Array, buffers.b / 4);
    });
    for (const { at, floats } of stateBuffers(this.layers)) this.f32.fill(0, at / 4, at / 4 + floats);
    this.update = new ChainUpdate(this.kernels, this.chain.optimizer);
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
    this.loadInputs(split, indices, start, B);
    this.inputCsc();
    const { y, labels } = this.buf;
    this.f32.fill(0, y / 4, y / 4 + B * NUM_CLASSES);
    for (let i = 0; i < B; i++) this.f32[y / 4 + i * NUM_CLASSES + this.i32[labels / 4 + i]!] = 1;
  }

  /**
   * The class the current weights predict for every example of `split` and its score: forward
   * passes only (no dropout, as tfjs evaluates), `batchSize` examples at a time; the first
   * largest output wins, as in tfjs's `argMax`.
   */
  predict(split: MnistSplit): { predicted: Uint8Array; confidence: Float32Array } {
    const predicted = new Uint8Array(split.count);
    const confidence = new Float32Array(split.count);
    const n = this.layers[this.layers.length - 1]!.n;
    for (let start = 0; start < split.count; start += this.batchSize) {
      const rows = Math.min(this.batchSize, split.count - start);
      this.loadInputs(split, undefined, start, rows);
      const out = this.f32.subarray(this.forward(rows, false) / 4);
      for (let i = 0; i < rows; i++) {
        let best = 0;
        for (let j = 1; j < n; j++) if (out[i * n + j]! > out[i * n + best]!) best = j;
        predicted[start + i] = best;
        confidence[start + i] = out[i * n + best]!;
      }
    }
    return { predicted, confidence };
  }

  /** The CSR of examples `indices[start + i]` (or `start + i`), i < rows, and their labels. */
  private loadInputs(split: MnistSplit, indices: Int32Array | undefined, start: number, rows: number): void {
    const B = rows;
    const nOut = this.layers[this.layers.length - 1]!.n;
    if (this.chain.inputSize !== IMAGE_SIZE || nOut !== NUM_CLASSES) {
      throw new Error('setMnistBatch: the chain must take 784 values and output 10 classes.');
    }
    const { bytes, labels, order } = this.buf;
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
    const { xRowPtr, xRowIdx, xRowVal, xColPtr, xColIdx, xColVal } = this.buf;
    const [B, k] = [this.batchSize, this.chain.inputSize];
    this.kernels.cscFromCsr(xRowPtr, xRowIdx, xRowVal, B, k, xColPtr, xColIdx, xColVal);
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

  /** The optimizer's state (velocities, moments, β powers; nothing for SGD), to carry over. */
  optimizerState(): OptimizerState {
    return {
      arrays: stateBuffers(this.layers).map(({ at, floats }) => this.f32.slice(at / 4, at / 4 + floats)),
      powers: this.update.betaPowers,
    };
  }

  /** Put back the state from `optimizerState()` of a trainer of the same chain. */
  setOptimizerState(state: OptimizerState): void {
    const buffers = stateBuffers(this.layers);
    if (state.arrays.length !== buffers.length) throw new Error('setOptimizerState: not this chain’s state.');
    state.arrays.forEach((v, i) => this.f32.set(v, buffers[i]!.at / 4));
    this.update.betaPowers = state.powers;
  }

  /** The dropout masks of the last training step (0 or 1/(1 − rate)), one per layer with dropout. */
  dropoutMasks(): Float32Array[] {
    const B = this.batchSize;
    return this.layers.filter((l) => l.mask).map((l) => this.f32.slice(l.mask / 4, l.mask / 4 + B * l.n));
  }

  /** Current weights of layer `i` as `[kernel, bias?]` copies. */
  weights(): Float32Array[][] {
    return this.layers.map((l) => {
      const out = [fromPanels(this.f32, l.w / 4, l.k, l.n)];
      if (l.b) out.push(this.f32.slice(l.b / 4, l.b / 4 + l.n));
      return out;
    });
  }

  /**
   * Forward over the first `rows` examples of the loaded batch: h = act(a·W + b), then dropout
   * when training. The input (CSR of the batch, made by the batch setters) and wide layers' inputs
   * run as CSR (zeros skipped), narrow layers as dot products with Wᵀ. Returns the output's address.
   */
  private forward(rows: number, training: boolean): number {
    const K = this.kernels;
    const b = this.buf;
    if (training) this.dropoutSteps++;
    let a = b.x;
    this.layers.forEach((l, i) => {
      if (l.wt) {
        K.transpose(l.w, l.k, l.n, l.wt);
        K.denseDotT(a, rows, l.k, l.wt, l.n, l.b, l.h);
      } else if (i === 0 && l.n <= 16) {
        K.spmmNarrow(b.xRowPtr, b.xRowIdx, b.xRowVal, rows, l.w, l.n, l.b, l.h);
      } else if (i === 0) {
        K.spmm(b.xRowPtr, b.xRowIdx, b.xRowVal, rows, l.w, l.k, l.n, l.b, l.h, 1);
      } else {
        K.toCsr(a, rows, l.k, b.rowPtr, b.rowIdx, b.rowVal);
        K.spmm(b.rowPtr, b.rowIdx, b.rowVal, rows, l.w, l.k, l.n, l.b, l.h, 1);
      }
      activate(this.kernels, l, rows);
      a = l.h;
      const dropout = this.chain.layers[i]!.dropout;
      if (training && dropout) {
        // tfjs's multiplier: floor(u + keep) / keep, in float32.
        const scale = Math.fround(1 / Math.fround(1 - dropout.rate));
        const threshold = Math.round(dropout.rate * 2 ** 24);
        const key = (dropout.seed ^ Math.imul(this.dropoutSteps, 0x9e3779b9)) >>> 0;
        K.dropoutForward(l.h, l.dropped, l.mask, rows * l.n, key, threshold, scale);
        a = l.dropped;
      }
    });
    return a;
  }

  /** What layer `i` hands on in training: its output after dropout, if it has one. */
  private output(i: number): number {
    const l = this.layers[i]!;
    return l.dropped || l.h;
  }

  /** The gradient `l.g` (with respect to the layer's output as handed on) back through dropout and the activation. */
  private layerBackward(l: LayerBuffers): void {
    if (l.mask) this.kernels.maskMultiply(l.g, l.mask, this.batchSize * l.n);
    activateBackward(this.kernels, l, this.batchSize);
  }

  private run(apply: boolean): StepOutcome {
    const K = this.kernels;
    const B = this.batchSize;
    const b = this.buf;
    const { x, y, labels, rowPtr, rowIdx, rowVal, colPtr, colIdx, colVal } = b;
    const layers = this.layers;
    const last = layers[layers.length - 1]!;
    const out = this.forward(B, true);
    const correct = K.countCorrect(out, labels, B, last.n);

    // The loss and its gradient with respect to the predictions, then through the activation.
    const loss =
      this.chain.loss.loss === 'categoricalCrossentropy'
        ? K.crossEntropy(out, y, B * last.n, LOG_EPSILON, this.scale, last.g)
        : K.squaredError(out, y, B * last.n, last.n, this.scale, last.g);
    this.layerBackward(last);

    // Backward, last layer first: the input gradient (with the weights before the update), then
    // the weight gradient, applied (SGD, fused into the products) or kept for the optimizer.
    const c = Math.fround(-this.chain.optimizer.learningRate);
    const fused = apply && this.update.fused;
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!;
      const input = i === 0 ? x : this.output(i - 1);
      if (i > 0) {
        const below = layers[i - 1]!;
        const wt = l.wt || b.wt;
        if (!l.wt) K.transposePanels(l.w, l.k, l.n, wt);
        K.toCsr(l.g, B, l.n, rowPtr, rowIdx, rowVal);
        K.spmm(rowPtr, rowIdx, rowVal, B, wt, l.n, l.k, 0, below.g, 0);
        this.layerBackward(below);
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
      if (apply) this.update.apply(l);
    }
    if (apply) this.update.endStep();
    return { loss, correct };
  }
}
