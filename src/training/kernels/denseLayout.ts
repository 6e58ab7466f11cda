/**
 * The memory layout of a dense chain's training step in the kernels' memory: which buffer lives
 * where, and the 32-column panel layout of the weight matrices.
 */
import type { ChainActivation, DenseChain } from './denseChain';
import { CONTROL_BYTES, HELPER_SCRATCH_BYTES } from './kernelThreads';

export interface LayerBuffers {
  k: number;
  n: number;
  activation: ChainActivation;
  /** Kernel, bias (0 without bias) and their gradients. */
  w: number;
  b: number;
  dw: number;
  db: number;
  /**
   * The optimizer's state for the kernel and the bias (0 where it has none): momentum's
   * velocity; Adam's first and second moments; RMSprop's mean square and moment.
   */
  accW: number;
  accB: number;
  acc2W: number;
  acc2B: number;
  /** Output after the activation [batch × n], and the gradient flowing into it. */
  h: number;
  g: number;
  /**
   * With dropout (0 without): the mask of the step [batch × n] (0 or 1/(1 − rate)) and the
   * output after it, which the next layer and the loss see.
   */
  mask: number;
  dropped: number;
  /**
   * Layers after the first with few units (< 32, e.g. the output layer) run transposed: `wt`
   * holds Wᵀ [n × k] (0 otherwise), the forward pass is dot products and the weight gradient
   * is dzᵀ·A. The first layer always runs on the sparse input (CSR forward, CSC gradient).
   */
  wt: number;
}

/** Below this many units a layer runs transposed (see `LayerBuffers.wt`). */
export const NARROW = 32;

export const PAGE = 65536;

/**
 * Copy a row-major [k × n] matrix into the kernels' panel layout (32-column panels, then the
 * rest; see assembly/denseKernels.ts) at float offset `at` of `memory`.
 */
export function toPanels(src: Float32Array, k: number, n: number, memory: Float32Array, at: number): void {
  for (let j0 = 0; j0 < n; j0 += 32) {
    const width = Math.min(32, n - j0);
    const base = at + j0 * k;
    for (let kk = 0; kk < k; kk++)
      memory.set(src.subarray(kk * n + j0, kk * n + j0 + width), base + kk * width);
  }
}

/** The row-major [k × n] matrix stored in the panel layout at float offset `at` of `memory`. */
export function fromPanels(memory: Float32Array, at: number, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  for (let j0 = 0; j0 < n; j0 += 32) {
    const width = Math.min(32, n - j0);
    const base = at + j0 * k;
    for (let kk = 0; kk < k; kk++) {
      out.set(memory.subarray(base + kk * width, base + (kk + 1) * width), kk * n + j0);
    }
  }
  return out;
}

/** Bump allocation of 64-byte aligned blocks from a base address. */
class Layout {
  constructor(public end: number) {}
  take(bytes: number): number {
    const at = this.end;
    this.end = Math.ceil((at + bytes) / 64) * 64;
    return at;
  }
}

export interface BatchBuffers {
  bytes: number;
  /** The batch's example indices into the sparse image store: pointers, then entries. */
  order: number;
  storePtr: number;
  storeEntries: number;
  /** byte / 255 for each byte value. */
  lut: number;
  /** Scratch of `csrFromBytes`: a non-zero mask per 16 pixels. */
  masks: number;
  labels: number;
  x: number;
  y: number;
  rowPtr: number;
  rowIdx: number;
  rowVal: number;
  colPtr: number;
  colIdx: number;
  colVal: number;
  /** CSR and CSC of the input batch (the first layer's product and weight gradient). */
  xRowPtr: number;
  xRowIdx: number;
  xRowVal: number;
  xColPtr: number;
  xColIdx: number;
  xColVal: number;
  /** Scratch: Wᵀ of a wide layer; dzᵀ and the transposed weight gradient of a narrow one. */
  wt: number;
  gt: number;
  dwt: number;
  /** A helper thread's control block and scratch (see `kernelThreads.ts`). */
  control: number;
  helperScratch: number;
}

/** Where every buffer of a chain's training step lives in the kernels' memory. */
export interface ChainLayout {
  layers: LayerBuffers[];
  buf: BatchBuffers;
  /** Parameters (all kernels and biases) are one block, so a snapshot is one copy. */
  params: { at: number; floats: number };
  /** First byte past the layout (the sparse image store grows from `buf.storeEntries`). */
  end: number;
}

/**
 * Lay out the buffers for `chain` at batch size `batchSize` (and the sparse store's row
 * pointers of `images`, when given), after the module's own first page.
 */
export function layOutChain(chain: DenseChain, batchSize: number, images?: Uint8Array): ChainLayout {
  const B = batchSize;
  const L = new Layout(PAGE); // the first page stays the module's own
  const type = chain.optimizer.type;
  const states = type === 'sgd' ? 0 : type === 'momentum' ? 1 : 2;
  const params = { at: 0, floats: 0 };
  const sizes = chain.layers.map((l) => ({ k: l.inputs, n: l.units, bias: Boolean(l.bias) }));
  // Parameters first, contiguously (no padding between them: snapshots copy one range).
  params.at = L.take(0);
  const w = sizes.map((s) => {
    const at = params.at + params.floats * 4;
    params.floats += s.k * s.n;
    return at;
  });
  const b = sizes.map((s) => {
    if (!s.bias) return 0;
    const at = params.at + params.floats * 4;
    params.floats += s.n;
    return at;
  });
  L.take(params.floats * 4);
  const nOut = sizes[sizes.length - 1]!.n;
  const widest = Math.max(chain.inputSize, ...sizes.map((s) => s.n));
  const layers: LayerBuffers[] = chain.layers.map((l, i) => ({
    k: sizes[i]!.k,
    n: sizes[i]!.n,
    activation: l.activation,
    w: w[i]!,
    b: b[i]!,
    dw: L.take(sizes[i]!.k * sizes[i]!.n * 4),
    db: L.take(sizes[i]!.n * 4),
    accW: states >= 1 ? L.take(sizes[i]!.k * sizes[i]!.n * 4) : 0,
    accB: states >= 1 && sizes[i]!.bias ? L.take(sizes[i]!.n * 4) : 0,
    acc2W: states >= 2 ? L.take(sizes[i]!.k * sizes[i]!.n * 4) : 0,
    acc2B: states >= 2 && sizes[i]!.bias ? L.take(sizes[i]!.n * 4) : 0,
    h: L.take(B * sizes[i]!.n * 4),
    g: L.take(B * sizes[i]!.n * 4),
    mask: l.dropout ? L.take(B * sizes[i]!.n * 4) : 0,
    dropped: l.dropout ? L.take(B * sizes[i]!.n * 4) : 0,
    wt: i > 0 && sizes[i]!.n < NARROW ? L.take(sizes[i]!.k * sizes[i]!.n * 4) : 0,
  }));
  const narrow = sizes.filter((s, i) => i > 0 && s.n < NARROW);
  const buf = {
    bytes: L.take(B * chain.inputSize),
    order: L.take(B * 4),
    storePtr: images ? L.take((images.length / chain.inputSize + 1) * 4) : 0,
    lut: L.take(256 * 4),
    masks: L.take(B * Math.ceil(chain.inputSize / 16) * 4),
    labels: L.take(B * 4),
    x: L.take(B * chain.inputSize * 4),
    y: L.take(B * nOut * 4),
    rowPtr: L.take((B + 1) * 4),
    rowIdx: L.take(B * widest * 4),
    rowVal: L.take(B * widest * 4),
    colPtr: L.take((widest + 1) * 4),
    colIdx: L.take(B * widest * 4),
    colVal: L.take(B * widest * 4),
    xRowPtr: L.take((B + 1) * 4),
    xRowIdx: L.take(B * chain.inputSize * 4),
    xRowVal: L.take(B * chain.inputSize * 4),
    xColPtr: L.take((chain.inputSize + 1) * 4),
    xColIdx: L.take(B * chain.inputSize * 4),
    xColVal: L.take(B * chain.inputSize * 4),
    wt: L.take(Math.max(0, ...sizes.slice(1).map((s) => s.k * s.n)) * 4),
    gt: L.take(Math.max(0, ...narrow.map((s) => s.n * B)) * 4),
    dwt: L.take(Math.max(0, ...narrow.map((s) => s.n * s.k)) * 4),
    control: L.take(CONTROL_BYTES),
    helperScratch: L.take(HELPER_SCRATCH_BYTES),
    storeEntries: 0, // last: the store grows while it is built
  };
  buf.storeEntries = L.take(0);
  return { layers, buf, params, end: L.end };
}
