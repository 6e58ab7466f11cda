/**
 * What the per-kernel tests share: a fresh kernel instance with a bump allocator over its
 * memory, seeded random inputs (with exact zeros, which the sparse paths skip), plain
 * TypeScript references of the layouts, and a comparison that names the first wrong value.
 */
import { expect } from 'vitest';
import { mulberry32 } from '../../../../src/training/random';
import { instantiateDenseKernels, type DenseKernels } from '../../../../src/training/kernels/kernels';

const PAGE = 65536;

/** The kernels with buffers allocated in their memory (16-byte aligned, from the second page). */
export class KernelHeap {
  private end = PAGE; // the first page holds the module's static data

  private constructor(readonly k: DenseKernels) {}

  static async create(): Promise<KernelHeap> {
    return new KernelHeap(await instantiateDenseKernels());
  }

  /** Forget every buffer (their bytes stay until overwritten). */
  reset(): void {
    this.end = PAGE;
  }

  /** `bytes` bytes, plus 64 readable bytes after them (some kernels read whole vectors past the end). */
  alloc(bytes: number): number {
    const at = this.end;
    this.end = (at + bytes + 64 + 15) & ~15;
    const have = this.k.memory.buffer.byteLength;
    if (this.end > have) this.k.memory.grow(Math.ceil((this.end - have) / PAGE));
    new Uint8Array(this.k.memory.buffer, at, this.end - at).fill(0);
    return at;
  }

  f32(values: ArrayLike<number>): number {
    const at = this.alloc(values.length * 4);
    new Float32Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }

  i32(values: ArrayLike<number>): number {
    const at = this.alloc(values.length * 4);
    new Int32Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }

  u8(values: ArrayLike<number>): number {
    const at = this.alloc(values.length);
    new Uint8Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }

  readF32(at: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, at, length).slice();
  }

  readI32(at: number, length: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, at, length).slice();
  }

  readU32(at: number, length: number): Uint32Array {
    return new Uint32Array(this.k.memory.buffer, at, length).slice();
  }
}

/** `length` float32 values in [−1, 1), a fraction `zeros` of them exactly 0. */
export function randomValues(seed: number, length: number, zeros = 0): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length }, () => (r() < zeros ? 0 : r() * 2 - 1));
}

/** `length` bytes, a fraction `zeros` of them 0 (like MNIST's background pixels). */
export function randomBytes(seed: number, length: number, zeros: number): Uint8Array {
  const r = mulberry32(seed);
  return Uint8Array.from({ length }, () => (r() < zeros ? 0 : 1 + Math.floor(r() * 255)));
}

/** A dense row-major matrix as CSR (column indices ascending), the layout the kernels read. */
export interface Csr {
  rowPtr: number[];
  idx: number[];
  val: number[];
}

export function csrOf(a: ArrayLike<number>, rows: number, cols: number): Csr {
  const csr: Csr = { rowPtr: [0], idx: [], val: [] };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = a[i * cols + j]!;
      if (v !== 0) {
        csr.idx.push(j);
        csr.val.push(v);
      }
    }
    csr.rowPtr.push(csr.idx.length);
  }
  return csr;
}

/** CSC of a dense row-major matrix (row indices ascending): the CSR of its transpose. */
export function cscOf(a: ArrayLike<number>, rows: number, cols: number): Csr {
  return csrOf(transposed(a, rows, cols), cols, rows);
}

/** tᵀ[cols × rows] of t[rows × cols]. */
export function transposed(t: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = t[i * cols + j]!;
  return out;
}

/** a[rows × k]·b[k × n] (+ bias), in float64. */
export function matMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  k: number,
  n: number,
  bias?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

/**
 * Where each value of a row-major W[k × n] goes in the kernels' panel layout: ⌊n/32⌋ panels
 * [k × 32], then one [k × (n mod 32)].
 */
function panelIndex(k: number, n: number): Int32Array {
  const to = new Int32Array(k * n);
  let at = 0;
  for (let j0 = 0; j0 < n; j0 += 32) {
    const width = Math.min(32, n - j0);
    for (let p = 0; p < k; p++) for (let j = 0; j < width; j++) to[p * n + j0 + j] = at++;
  }
  return to;
}

/** W[k × n] in the panel layout. */
export function panelled(w: ArrayLike<number>, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  panelIndex(k, n).forEach((to, from) => (out[to] = w[from]!));
  return out;
}

/** The row-major matrix back from the panel layout. */
export function unpanelled(panels: ArrayLike<number>, k: number, n: number): Float64Array {
  return Float64Array.from(panelIndex(k, n), (from) => panels[from]!);
}

/**
 * Every |got − want| ≤ tolerance·(1 + |want|); on failure the message names the kernel (`what`)
 * and the first index that is off.
 */
export function expectClose(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance = 1e-5,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Math.abs(g - w) <= tolerance * (1 + Math.abs(w)))) {
      expect.fail(`${what}: [${i}] is ${g}, the reference gives ${w}`);
    }
  }
}
