/**
 * The element-wise kernels (assembly/activations.ts, loss.ts) against plain TypeScript
 * formulas. Lengths of 37 leave a scalar tail after the 4-lane SIMD loops.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectClose, KernelHeap, randomValues } from './kernelHarness';

let heap: KernelHeap;
beforeAll(async () => {
  heap = await KernelHeap.create();
});
beforeEach(() => heap.reset());

/** Inputs over a wide range, with zeros and values past exp's clamp (±87). */
function inputs(seed: number, length: number): Float32Array {
  const x = Float32Array.from(randomValues(seed, length, 0.1), (v) => v * 12);
  x[1] = 100;
  x[2] = -100;
  return x;
}

/** Run an in-place kernel on `x` and read the result back. */
function inPlace(x: Float32Array, kernel: (at: number) => void): Float32Array {
  const at = heap.f32(x);
  kernel(at);
  return heap.readF32(at, x.length);
}

/** Run a backward kernel g ← f(g, y) and read g back. */
function backward(g: Float32Array, y: Float32Array, kernel: (g: number, y: number) => void): Float32Array {
  const gAt = heap.f32(g);
  kernel(gAt, heap.f32(y));
  return heap.readF32(gAt, g.length);
}

const len = 37;

describe('activations', () => {
  it('sigmoid: 1 / (1 + e^(−x))', () => {
    const x = inputs(1, len);
    const got = inPlace(x, (a) => heap.k.sigmoid(a, len));
    expectClose(
      'sigmoid',
      got,
      Array.from(x, (v) => 1 / (1 + Math.exp(-v))),
    );
  });

  it('relu: max(0, x)', () => {
    const x = inputs(2, len);
    expectClose(
      'relu',
      inPlace(x, (a) => heap.k.relu(a, len)),
      Array.from(x, (v) => Math.max(0, v)),
      0,
    );
  });

  it('tanh', () => {
    const x = inputs(3, len);
    expectClose(
      'tanh',
      inPlace(x, (a) => heap.k.tanh(a, len)),
      Array.from(x, Math.tanh),
    );
  });

  it('sigmoidBackward: g·y·(1 − y)', () => {
    const g = randomValues(4, len);
    const y = Float32Array.from(randomValues(5, len), (v) => (v + 1) / 2);
    expectClose(
      'sigmoidBackward',
      backward(g, y, (gp, yp) => heap.k.sigmoidBackward(gp, yp, len)),
      Array.from(g, (v, i) => v * y[i]! * (1 - y[i]!)),
    );
  });

  it('reluBackward: g where y > 0, else 0', () => {
    const g = randomValues(6, len);
    const y = Float32Array.from(randomValues(7, len, 0.3), (v) => Math.max(0, v));
    expectClose(
      'reluBackward',
      backward(g, y, (gp, yp) => heap.k.reluBackward(gp, yp, len)),
      Array.from(g, (v, i) => (y[i]! > 0 ? v : 0)),
      0,
    );
  });

  it('tanhBackward: (1 − y²)·g', () => {
    const g = randomValues(8, len);
    const y = randomValues(9, len);
    expectClose(
      'tanhBackward',
      backward(g, y, (gp, yp) => heap.k.tanhBackward(gp, yp, len)),
      Array.from(g, (v, i) => (1 - y[i]! * y[i]!) * v),
    );
  });
});

/** Row-wise softmax in float64. */
function softmaxRows(x: ArrayLike<number>, rows: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: n }, (_, j) => x[i * n + j]!);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (out[i * n + j] = v / s));
  }
  return out;
}

/** One-hot rows for `labels`. */
function oneHot(labels: number[], n: number): Float32Array {
  const y = new Float32Array(labels.length * n);
  labels.forEach((l, i) => (y[i * n + l] = 1));
  return y;
}

describe('softmax and its gradient', () => {
  it.each([10, 7, 1])('softmax over each row of a 5 × %i matrix', (n) => {
    const rows = 5;
    const x = inputs(10 + n, rows * n);
    expectClose(
      'softmax',
      inPlace(x, (a) => heap.k.softmax(a, rows, n)),
      softmaxRows(x, rows, n),
    );
  });

  it('softmaxBackward: g·y − (Σ_row g·y)·y', () => {
    const rows = 4;
    const n = 10;
    const g = randomValues(20, rows * n);
    const y = Float32Array.from(softmaxRows(randomValues(21, rows * n), rows, n));
    const want = new Float64Array(rows * n);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += g[i * n + j]! * y[i * n + j]!;
      for (let j = 0; j < n; j++) want[i * n + j] = g[i * n + j]! * y[i * n + j]! - s * y[i * n + j]!;
    }
    expectClose(
      'softmaxBackward',
      backward(g, y, (gp, yp) => heap.k.softmaxBackward(gp, yp, rows, n)),
      want,
    );
  });
});

describe('losses', () => {
  const rows = 6;
  const n = 10;
  const labels = [3, 0, 9, 3, 5, 1];
  const y = oneHot(labels, n);
  const p = Float32Array.from(softmaxRows(inputs(30, rows * n), rows, n));
  p[3 * n + 3] = 0; // a predicted 0 for the true class: the clip at eps matters
  p[4 * n + 2] = 1e-9; // below eps elsewhere: no gradient through the clip

  it.each([1, 1 / 6])('crossEntropy: −Σ y·log(clip(p, eps, 1)) times %f, and its gradient', (scale) => {
    const eps = 1e-7;
    const dp = heap.alloc(rows * n * 4);
    const loss = heap.k.crossEntropy(heap.f32(p), heap.f32(y), rows * n, eps, Math.fround(scale), dp);
    let want = 0;
    for (let i = 0; i < rows * n; i++) want -= y[i]! * Math.log(Math.min(Math.max(p[i]!, eps), 1));
    expect(loss).toBeCloseTo(want * scale, 4);
    expectClose(
      'crossEntropy (gradient)',
      heap.readF32(dp, rows * n),
      Array.from(p, (v, i) => (v >= eps && v <= 1 ? (-scale * y[i]!) / Math.min(Math.max(v, eps), 1) : 0)),
    );
  });

  it.each([1, 1 / 6])('squaredError: Σ (y − p)² / classes times %f, and its gradient', (scale) => {
    const dp = heap.alloc(rows * n * 4);
    const loss = heap.k.squaredError(heap.f32(p), heap.f32(y), rows * n, n, Math.fround(scale), dp);
    let want = 0;
    for (let i = 0; i < rows * n; i++) want += (y[i]! - p[i]!) ** 2;
    expect(loss).toBeCloseTo((want / n) * scale, 5);
    expectClose(
      'squaredError (gradient)',
      heap.readF32(dp, rows * n),
      Array.from(p, (v, i) => (scale / n) * 2 * (v - y[i]!)),
    );
  });

  it('countCorrect: rows whose first largest value is at the label', () => {
    const q = new Float32Array(rows * n);
    const best = [3, 2, 9, 0, 5, 1]; // rows 1 and 3 are wrong
    best.forEach((b, i) => (q[i * n + b] = 1));
    q[5 * n + 7] = 1; // a tie in row 5: the first largest (1) counts
    const correct = heap.k.countCorrect(heap.f32(q), heap.i32(labels), rows, n);
    expect(correct).toBe(4);
  });
});
