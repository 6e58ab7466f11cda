/**
 * Loading the dense-chain kernels (WebAssembly SIMD, built from `assembly/denseKernels.ts`).
 * The bytes are embedded as base64, so Node, a Vite page and a Web Worker instantiate the same
 * module with no fetch and no file path.
 */
import { DENSE_KERNELS_WASM_BASE64 } from './denseKernels.wasm';

type Ptr = number;

/** The module's exports: kernels over float32 buffers at byte addresses (see the source). */
export interface DenseKernels {
  memory: WebAssembly.Memory;
  unitTable(lut: Ptr): void;
  storeFromBytes(
    src: Ptr,
    rows: number,
    cols: number,
    masks: Ptr,
    ptr: Ptr,
    entries: Ptr,
    nnz: number,
  ): number;
  csrFromStore(
    ptr: Ptr,
    entries: Ptr,
    order: Ptr,
    rows: number,
    lut: Ptr,
    rowPtr: Ptr,
    idx: Ptr,
    val: Ptr,
  ): number;
  csrFromBytes(
    src: Ptr,
    order: Ptr,
    rows: number,
    cols: number,
    lut: Ptr,
    masks: Ptr,
    rowPtr: Ptr,
    idx: Ptr,
    val: Ptr,
  ): number;
  csrGradNarrow(
    rowPtr: Ptr,
    idx: Ptr,
    val: Ptr,
    rows: number,
    k: number,
    dz: Ptr,
    n: number,
    dw: Ptr,
    w: Ptr,
    c: number,
    apply: number,
  ): void;
  toCsr(a: Ptr, rows: number, cols: number, rowPtr: Ptr, idx: Ptr, val: Ptr): number;
  toCsc(a: Ptr, rows: number, cols: number, colPtr: Ptr, idx: Ptr, val: Ptr): number;
  spmm(
    rowPtr: Ptr,
    idx: Ptr,
    val: Ptr,
    rows: number,
    w: Ptr,
    k: number,
    n: number,
    bias: Ptr,
    out: Ptr,
    panelled: number,
  ): void;
  transposePanels(w: Ptr, k: number, n: number, dst: Ptr): void;
  spmmNarrow(rowPtr: Ptr, idx: Ptr, val: Ptr, rows: number, w: Ptr, n: number, bias: Ptr, out: Ptr): void;
  denseDotT(a: Ptr, rows: number, k: number, wt: Ptr, n: number, bias: Ptr, out: Ptr): void;
  applyTransposed(w: Ptr, gt: Ptr, k: number, n: number, c: number, dw: Ptr): void;
  cscFromCsr(
    rowPtr: Ptr,
    idx: Ptr,
    val: Ptr,
    rows: number,
    cols: number,
    colPtr: Ptr,
    cIdx: Ptr,
    cVal: Ptr,
  ): void;
  spmmTGrad(colPtr: Ptr, idx: Ptr, val: Ptr, k: number, dz: Ptr, n: number, w: Ptr, c: number, dw: Ptr): void;
  colSum(dz: Ptr, rows: number, n: number, b: Ptr, c: number, db: Ptr): void;
  transpose(src: Ptr, rows: number, cols: number, dst: Ptr): void;
  sgdUpdate(w: Ptr, g: Ptr, len: number, c: number): void;
  momentumUpdate(w: Ptr, acc: Ptr, g: Ptr, len: number, m: number, c: number, nesterov: number): void;
  sigmoid(a: Ptr, len: number): void;
  relu(a: Ptr, len: number): void;
  tanh(a: Ptr, len: number): void;
  softmax(a: Ptr, rows: number, n: number): void;
  sigmoidBackward(g: Ptr, y: Ptr, len: number): void;
  reluBackward(g: Ptr, y: Ptr, len: number): void;
  tanhBackward(g: Ptr, y: Ptr, len: number): void;
  softmaxBackward(g: Ptr, y: Ptr, rows: number, n: number): void;
  crossEntropy(p: Ptr, y: Ptr, len: number, eps: number, scale: number, dp: Ptr): number;
  squaredError(p: Ptr, y: Ptr, len: number, classes: number, scale: number, dp: Ptr): number;
  countCorrect(p: Ptr, labels: Ptr, rows: number, n: number): number;
}

/** The raw .wasm bytes. */
export function denseKernelBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(DENSE_KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** True where WebAssembly with SIMD is available (all current browsers, Node ≥ 16.4). */
export function denseKernelsSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(denseKernelBytes());
  } catch {
    return false;
  }
}

/** A fresh instance (own memory) of the kernels; the module is compiled once per process. */
export async function instantiateDenseKernels(): Promise<DenseKernels> {
  compiled ??= WebAssembly.compile(denseKernelBytes());
  const instance = await WebAssembly.instantiate(await compiled, {});
  return instance.exports as unknown as DenseKernels;
}
