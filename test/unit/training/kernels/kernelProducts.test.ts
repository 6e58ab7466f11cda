/**
 * The products and gradients (assembly/gemm.ts, gemmGrad.ts, optimizer.ts) against plain
 * TypeScript loops. Widths are chosen to hit every path: whole 32-column panels, a tail of 16 or
 * more, 4-column blocks and single columns.
 */
import { beforeAll, beforeEach, describe, it } from 'vitest';
import {
  csrOf,
  cscOf,
  expectClose,
  KernelHeap,
  matMul,
  panelled,
  randomValues,
  transposed,
  unpanelled,
} from './kernelHarness';

let heap: KernelHeap;
beforeAll(async () => {
  heap = await KernelHeap.create();
});
beforeEach(() => heap.reset());

/** A's CSR in kernel memory. */
function csrIn(a: Float32Array, rows: number, cols: number) {
  const csr = csrOf(a, rows, cols);
  return { rowPtr: heap.i32(csr.rowPtr), idx: heap.i32(csr.idx), val: heap.f32(csr.val) };
}

/** w ← c·g + w, in float64. */
function applied(w: ArrayLike<number>, g: ArrayLike<number>, c: number): Float64Array {
  return Float64Array.from(w, (x, i) => c * g[i]! + x);
}

// n: 2 panels + a 6-column tail, 1 panel + 21 (16 + 4 + 1), exactly one panel, tail only.
const widths = [70, 53, 32, 21, 7];

describe('spmm', () => {
  it.each(widths.flatMap((n) => [[n, 1, true] as const, [n, 0, false] as const]))(
    'multiplies a sparse A by W[k × %i] (panelled %i, bias %s)',
    (n, layout, withBias) => {
      const rows = 5;
      const k = 19;
      const a = randomValues(n, rows * k, 0.6);
      a.fill(0, k, 2 * k); // a row without non-zeros
      const w = randomValues(n + 1, k * n);
      const bias = randomValues(n + 2, n);
      const A = csrIn(a, rows, k);
      const out = heap.alloc(rows * n * 4);
      const wAt = heap.f32(layout ? panelled(w, k, n) : w);
      heap.k.spmm(A.rowPtr, A.idx, A.val, rows, wAt, k, n, withBias ? heap.f32(bias) : 0, out, layout);
      expectClose('spmm', heap.readF32(out, rows * n), matMul(a, w, rows, k, n, withBias ? bias : undefined));
    },
  );
});

describe('spmmNarrow', () => {
  it.each([
    [10, true],
    [16, false],
    [3, true],
  ])('multiplies a sparse A by a row-major W[k × %i] (bias %s)', (n, withBias) => {
    const rows = 6;
    const k = 23;
    const a = randomValues(k, rows * k, 0.7);
    const w = randomValues(k + 1, k * n);
    const bias = randomValues(k + 2, n);
    const A = csrIn(a, rows, k);
    const out = heap.alloc(rows * n * 4);
    heap.k.spmmNarrow(A.rowPtr, A.idx, A.val, rows, heap.f32(w), n, withBias ? heap.f32(bias) : 0, out);
    expectClose(
      'spmmNarrow',
      heap.readF32(out, rows * n),
      matMul(a, w, rows, k, n, withBias ? bias : undefined),
    );
  });
});

describe('denseDotT', () => {
  it.each([
    [10, 37, true],
    [3, 8, false],
    [9, 1, true],
  ])('multiplies a dense A by W given transposed (n = %i, k = %i, bias %s)', (n, k, withBias) => {
    const rows = 4;
    const a = randomValues(k, rows * k, 0.3);
    const w = randomValues(k + 1, k * n);
    const bias = randomValues(k + 2, n);
    const out = heap.alloc(rows * n * 4);
    const wt = heap.f32(transposed(w, k, n));
    heap.k.denseDotT(heap.f32(a), rows, k, wt, n, withBias ? heap.f32(bias) : 0, out);
    expectClose(
      'denseDotT',
      heap.readF32(out, rows * n),
      matMul(a, w, rows, k, n, withBias ? bias : undefined),
    );
  });
});

describe('transposePanels and transpose', () => {
  it.each(widths)('transpose W[9 × %i] from the panel layout and a row-major matrix', (n) => {
    const k = 9;
    const w = randomValues(n, k * n);
    const dst = heap.alloc(k * n * 4);
    heap.k.transposePanels(heap.f32(panelled(w, k, n)), k, n, dst);
    expectClose('transposePanels', heap.readF32(dst, k * n), transposed(w, k, n), 0);
    heap.k.transpose(heap.f32(w), k, n, dst);
    expectClose('transpose', heap.readF32(dst, k * n), transposed(w, k, n), 0);
  });
});

describe('spmmTGrad', () => {
  it.each(widths.flatMap((n) => [[n, 'written'] as const, [n, 'applied'] as const]))(
    'gives Aᵀ·dz in the panel layout for n = %i (%s)',
    (n, mode) => {
      const rows = 6;
      const k = 17;
      const a = randomValues(n, rows * k, 0.6);
      for (let i = 0; i < rows; i++) a[i * k + 2] = 0; // a column of A without non-zeros
      const dz = randomValues(n + 1, rows * n);
      const w = randomValues(n + 2, k * n);
      const c = -0.25;
      const csc = cscOf(a, rows, k);
      const g = matMul(transposed(a, rows, k), dz, k, rows, n);
      const wAt = heap.f32(panelled(w, k, n));
      // Stale values in dw: the kernel must overwrite every one.
      const dw = mode === 'written' ? heap.f32(randomValues(5, k * n)) : 0;
      heap.k.spmmTGrad(
        heap.i32(csc.rowPtr),
        heap.i32(csc.idx),
        heap.f32(csc.val),
        k,
        heap.f32(dz),
        n,
        wAt,
        c,
        dw,
      );
      if (dw) {
        expectClose('spmmTGrad (gradient)', unpanelled(heap.readF32(dw, k * n), k, n), g, 1e-5);
        expectClose('spmmTGrad (weights untouched)', heap.readF32(wAt, k * n), panelled(w, k, n), 0);
      } else {
        expectClose(
          'spmmTGrad (SGD update)',
          unpanelled(heap.readF32(wAt, k * n), k, n),
          applied(w, g, c),
          1e-5,
        );
      }
    },
  );
});

describe('csrGradNarrow', () => {
  it.each([
    [10, 0],
    [7, 1],
    [3, 1],
  ])('gives Aᵀ·dz[rows × %i] row-major (apply %i)', (n, apply) => {
    const rows = 5;
    const k = 29;
    const a = randomValues(n, rows * k, 0.6);
    const dz = randomValues(n + 1, rows * n);
    const w = randomValues(n + 2, k * n);
    const c = -0.5;
    const A = csrIn(a, rows, k);
    const g = matMul(transposed(a, rows, k), dz, k, rows, n);
    const dw = heap.f32(randomValues(9, k * n)); // stale values: the kernel must zero them
    const wAt = heap.f32(w);
    heap.k.csrGradNarrow(A.rowPtr, A.idx, A.val, rows, k, heap.f32(dz), n, dw, wAt, c, apply);
    expectClose('csrGradNarrow (gradient)', heap.readF32(dw, k * n), g);
    expectClose('csrGradNarrow (weights)', heap.readF32(wAt, k * n), apply ? applied(w, g, c) : w);
  });
});

describe('applyTransposed', () => {
  it.each(['written', 'applied'] as const)('turns gt[n × k] into W’s gradient (%s)', (mode) => {
    const k = 13;
    const n = 6;
    const gt = randomValues(1, n * k);
    const w = randomValues(2, k * n);
    const wAt = heap.f32(w);
    const dw = mode === 'written' ? heap.alloc(k * n * 4) : 0;
    heap.k.applyTransposed(wAt, heap.f32(gt), k, n, -0.1, dw);
    const g = transposed(gt, n, k);
    if (dw) expectClose('applyTransposed (gradient)', heap.readF32(dw, k * n), g);
    expectClose('applyTransposed (weights)', heap.readF32(wAt, k * n), dw ? w : applied(w, g, -0.1));
  });
});

describe('colSum', () => {
  it.each([
    [10, 'written'],
    [7, 'applied'],
    [3, 'applied'],
  ] as const)('sums the columns of dz[rows × %i] (%s)', (n, mode) => {
    const rows = 9;
    const dz = randomValues(n, rows * n, 0.2);
    const b = randomValues(n + 1, n);
    const bAt = heap.f32(b);
    const db = mode === 'written' ? heap.alloc(n * 4) : 0;
    heap.k.colSum(heap.f32(dz), rows, n, bAt, -0.3, db);
    const sums = Float64Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += dz[i * n + j]!;
      return s;
    });
    if (db) expectClose('colSum (gradient)', heap.readF32(db, n), sums);
    expectClose('colSum (bias)', heap.readF32(bAt, n), db ? b : applied(b, sums, -0.3));
  });
});

describe('momentumUpdate', () => {
  it.each([0, 1])('updates the accumulator and the weights as tfjs does (nesterov %i)', (nesterov) => {
    const len = 37;
    const w = randomValues(1, len);
    const acc = randomValues(2, len);
    const g = randomValues(3, len, 0.3);
    const m = 0.9;
    const c = -0.01;
    const wAt = heap.f32(w);
    const accAt = heap.f32(acc);
    heap.k.momentumUpdate(wAt, accAt, heap.f32(g), len, m, c, nesterov);
    const a = Float64Array.from(acc, (x, i) => x * m + g[i]!);
    const step = Float64Array.from(a, (x, i) => (nesterov ? g[i]! + x * m : x));
    expectClose('momentumUpdate (accumulator)', heap.readF32(accAt, len), a);
    expectClose('momentumUpdate (weights)', heap.readF32(wAt, len), applied(w, step, c));
  });
});
