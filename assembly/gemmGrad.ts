/**
 * Weight and bias gradients Aᵀ·dz and Σ dz, written in W's layout or applied at once as the
 * plain gradient-descent update w ← c·g + w (c = −learning rate), so that the gradient never
 * goes to memory. Unrolled like the forward products in `gemm.ts`, on purpose.
 */
import { sgdApply } from './optimizer';
import { madd } from './simd';

/**
 * The weight gradient Aᵀ·dz[rows × n] for A given as CSC (k columns), in W's panel layout. With
 * `dw` = 0 it is applied at once as plain gradient descent, w ← c·g + w (c = −learning rate,
 * tfjs's SGD formula), so the gradient never goes to memory; otherwise dw = g. The panel loop
 * is outermost so that the panel's 32 columns of dz stay in the first-level cache.
 */
export function spmmTGrad(
  colPtr: usize,
  idx: usize,
  val: usize,
  k: i32,
  dz: usize,
  n: i32,
  w: usize,
  c: f32,
  dw: usize,
): void {
  gradBlocks(colPtr, idx, val, k, dz, n, w, c, dw, 0, (n + 31) >> 5);
}

/**
 * `spmmTGrad` for the 32-column blocks `from` ≤ jb < `to` of W only (block ⌊n/32⌋ is the last
 * n mod 32 columns): two threads each update their own blocks, with the same sums as one thread.
 */
export function spmmTGradPanels(
  colPtr: usize,
  idx: usize,
  val: usize,
  k: i32,
  dz: usize,
  n: i32,
  w: usize,
  c: f32,
  dw: usize,
  from: i32,
  to: i32,
): void {
  gradBlocks(colPtr, idx, val, k, dz, n, w, c, dw, from, to);
}

function gradBlocks(
  colPtr: usize,
  idx: usize,
  val: usize,
  k: i32,
  dz: usize,
  n: i32,
  w: usize,
  c: f32,
  dw: usize,
  from: i32,
  to: i32,
): void {
  const dzStride = (<usize>n) << 2;
  const cv = f32x4.splat(c);
  const target = dw ? dw : w;
  const panels = n >> 5;
  const last = min(to, panels);
  for (let jb = from; jb < last; jb++) {
    const dj = dz + ((<usize>jb) << 7);
    const panel = target + <usize>jb * <usize>k * 128;
    for (let kk = 0; kk < k; kk++) {
      const p0 = load<i32>(colPtr + ((<usize>kk) << 2));
      const p1 = load<i32>(colPtr + ((<usize>(kk + 1)) << 2));
      if (p0 == p1 && !dw) continue; // w + c·0 is w: columns without a non-zero are skipped
      let a0 = f32x4.splat(0);
      let a1 = a0,
        a2 = a0,
        a3 = a0,
        a4 = a0,
        a5 = a0,
        a6 = a0,
        a7 = a0;
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + ((<usize>p) << 2)));
        const r = dj + <usize>load<i32>(idx + ((<usize>p) << 2)) * dzStride;
        a0 = madd(s, v128.load(r), a0);
        a1 = madd(s, v128.load(r, 16), a1);
        a2 = madd(s, v128.load(r, 32), a2);
        a3 = madd(s, v128.load(r, 48), a3);
        a4 = madd(s, v128.load(r, 64), a4);
        a5 = madd(s, v128.load(r, 80), a5);
        a6 = madd(s, v128.load(r, 96), a6);
        a7 = madd(s, v128.load(r, 112), a7);
      }
      const o = panel + ((<usize>kk) << 7);
      if (!dw) {
        a0 = madd(cv, a0, v128.load(o));
        a1 = madd(cv, a1, v128.load(o, 16));
        a2 = madd(cv, a2, v128.load(o, 32));
        a3 = madd(cv, a3, v128.load(o, 48));
        a4 = madd(cv, a4, v128.load(o, 64));
        a5 = madd(cv, a5, v128.load(o, 80));
        a6 = madd(cv, a6, v128.load(o, 96));
        a7 = madd(cv, a7, v128.load(o, 112));
      }
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o, a2, 32);
      v128.store(o, a3, 48);
      v128.store(o, a4, 64);
      v128.store(o, a5, 80);
      v128.store(o, a6, 96);
      v128.store(o, a7, 112);
    }
  }
  const r = n & 31;
  if (r == 0 || to <= panels) return;
  const j0 = panels << 5;
  const tail = target + <usize>panels * <usize>k * 128;
  const ts = (<usize>r) << 2;
  for (let kk = 0; kk < k; kk++) {
    const p0 = load<i32>(colPtr + ((<usize>kk) << 2));
    const p1 = load<i32>(colPtr + ((<usize>(kk + 1)) << 2));
    if (p0 == p1 && !dw) continue;
    const orow = tail + <usize>kk * ts;
    let jj = 0;
    if (r >= 16) {
      let a0 = f32x4.splat(0);
      let a1 = a0,
        a2 = a0,
        a3 = a0;
      const dj = dz + ((<usize>j0) << 2);
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + ((<usize>p) << 2)));
        const rr = dj + <usize>load<i32>(idx + ((<usize>p) << 2)) * dzStride;
        a0 = madd(s, v128.load(rr), a0);
        a1 = madd(s, v128.load(rr, 16), a1);
        a2 = madd(s, v128.load(rr, 32), a2);
        a3 = madd(s, v128.load(rr, 48), a3);
      }
      if (!dw) {
        a0 = madd(cv, a0, v128.load(orow));
        a1 = madd(cv, a1, v128.load(orow, 16));
        a2 = madd(cv, a2, v128.load(orow, 32));
        a3 = madd(cv, a3, v128.load(orow, 48));
      }
      v128.store(orow, a0);
      v128.store(orow, a1, 16);
      v128.store(orow, a2, 32);
      v128.store(orow, a3, 48);
      jj = 16;
    }
    for (; jj + 4 <= r; jj += 4) {
      let a = f32x4.splat(0);
      const dj = dz + ((<usize>(j0 + jj)) << 2);
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + ((<usize>p) << 2)));
        a = madd(s, v128.load(dj + <usize>load<i32>(idx + ((<usize>p) << 2)) * dzStride), a);
      }
      const o = orow + ((<usize>jj) << 2);
      if (!dw) a = madd(cv, a, v128.load(o));
      v128.store(o, a);
    }
    for (; jj < r; jj++) {
      let a: f32 = 0;
      const dj = dz + ((<usize>(j0 + jj)) << 2);
      for (let p = p0; p < p1; p++) {
        a +=
          load<f32>(val + ((<usize>p) << 2)) *
          load<f32>(dj + <usize>load<i32>(idx + ((<usize>p) << 2)) * dzStride);
      }
      const o = orow + ((<usize>jj) << 2);
      if (!dw) a = c * a + load<f32>(o);
      store<f32>(o, a);
    }
  }
}

/**
 * The weight gradient Aᵀ·dz of a narrow layer (n < 32) from A as CSR: dw[k × n] row-major is
 * zeroed, then row i of A scatters a[i, k]·dz[i, :] into dw[k, :] (rows in order, so each sum
 * runs in the same order as through a CSC). With `apply` ≠ 0 it ends with w ← c·dw + w.
 */
export function csrGradNarrow(
  rowPtr: usize,
  idx: usize,
  val: usize,
  rows: i32,
  k: i32,
  dz: usize,
  n: i32,
  dw: usize,
  w: usize,
  c: f32,
  apply: i32,
): void {
  const len = k * n;
  memory.fill(dw, 0, (<usize>len) << 2);
  const stride = (<usize>n) << 2;
  for (let i = 0; i < rows; i++) {
    const g = dz + <usize>i * stride;
    const p1 = load<i32>(rowPtr + ((<usize>(i + 1)) << 2));
    for (let p = load<i32>(rowPtr + ((<usize>i) << 2)); p < p1; p++) {
      const a = load<f32>(val + ((<usize>p) << 2));
      const s = f32x4.splat(a);
      const d = dw + <usize>load<i32>(idx + ((<usize>p) << 2)) * stride;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const o = (<usize>j) << 2;
        v128.store(d + o, madd(s, v128.load(g + o), v128.load(d + o)));
      }
      for (; j < n; j++) {
        const o = (<usize>j) << 2;
        store<f32>(d + o, a * load<f32>(g + o) + load<f32>(d + o));
      }
    }
  }
  if (apply) sgdApply(w, dw, len, c);
}

/**
 * From a transposed weight gradient gt[n × k]: dw[k × n] = gtᵀ, or with `dw` = 0 the update
 * w ← c·gtᵀ + w (layers with few units compute their gradient transposed, as dzᵀ·A).
 */
export function applyTransposed(w: usize, gt: usize, k: i32, n: i32, c: f32, dw: usize): void {
  for (let kk = 0; kk < k; kk++) {
    for (let j = 0; j < n; j++) {
      const g = load<f32>(gt + ((<usize>j * <usize>k + <usize>kk) << 2));
      const o = (<usize>kk * <usize>n + <usize>j) << 2;
      if (dw) store<f32>(dw + o, g);
      else store<f32>(w + o, c * g + load<f32>(w + o));
    }
  }
}

/** Column sums of dz[rows × n] (the bias gradient): into db, or applied as b ← c·g + b when db = 0. */
export function colSum(dz: usize, rows: i32, n: i32, b: usize, c: f32, db: usize): void {
  const stride = (<usize>n) << 2;
  const cv = f32x4.splat(c);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let a = f32x4.splat(0);
    for (let i = 0; i < rows; i++) a = f32x4.add(a, v128.load(dz + <usize>i * stride + ((<usize>j) << 2)));
    if (db) v128.store(db + ((<usize>j) << 2), a);
    else v128.store(b + ((<usize>j) << 2), f32x4.add(f32x4.mul(cv, a), v128.load(b + ((<usize>j) << 2))));
  }
  for (; j < n; j++) {
    let a: f32 = 0;
    for (let i = 0; i < rows; i++) a += load<f32>(dz + <usize>i * stride + ((<usize>j) << 2));
    if (db) store<f32>(db + ((<usize>j) << 2), a);
    else store<f32>(b + ((<usize>j) << 2), c * a + load<f32>(b + ((<usize>j) << 2)));
  }
}
