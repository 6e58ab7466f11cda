/**
 * Forward products out = A·W (+ bias) and the weight layouts they read. A is CSR (see
 * `sparse.ts`) or dense; W[k × n] is row-major, transposed, or in the panel layout (see
 * `denseKernels.ts`). The 32-column blocks keep 8 SIMD accumulators in registers: the loops are
 * unrolled by hand on purpose, for speed.
 */
import { madd, scratch } from './simd';

/**
 * out[rows × n] = A·W (+ bias when `bias` ≠ 0): A as CSR over its k columns (= W's rows), W[k × n]
 * in the panel layout (`panelled` ≠ 0) or row-major, out row-major. Per 32-column block, 8 SIMD
 * accumulators stay in registers; the block loop is outermost so that the block's slice of W
 * stays in cache for every row.
 */
export function spmm(
  rowPtr: usize,
  idx: usize,
  val: usize,
  rows: i32,
  w: usize,
  k: i32,
  n: i32,
  bias: usize,
  out: usize,
  panelled: i32,
): void {
  spmmBlocks(rowPtr, idx, val, rows, w, k, n, bias, out, panelled, 0, (n + 31) >> 5);
}

/**
 * `spmm` over W in the panel layout, for the 32-column blocks `from` ≤ jb < `to` only (block
 * ⌊n/32⌋ is the last n mod 32 columns): two threads each compute their own blocks of `out`, with
 * the same sums as one thread.
 */
export function spmmPanels(
  rowPtr: usize,
  idx: usize,
  val: usize,
  rows: i32,
  w: usize,
  k: i32,
  n: i32,
  bias: usize,
  out: usize,
  from: i32,
  to: i32,
): void {
  spmmBlocks(rowPtr, idx, val, rows, w, k, n, bias, out, 1, from, to);
}

function spmmBlocks(
  rowPtr: usize,
  idx: usize,
  val: usize,
  rows: i32,
  w: usize,
  k: i32,
  n: i32,
  bias: usize,
  out: usize,
  panelled: i32,
  from: i32,
  to: i32,
): void {
  const outStride = (<usize>n) << 2;
  const panels = n >> 5;
  const r = n & 31;
  const rowStride: usize = panelled ? 128 : outStride;
  const panelStep: usize = panelled ? <usize>k * 128 : 128;
  const last = min(to, panels);
  for (let jb = from; jb < last; jb++) {
    const panel = w + <usize>jb * panelStep;
    for (let i = 0; i < rows; i++) {
      const p0 = load<i32>(rowPtr + ((<usize>i) << 2));
      const p1 = load<i32>(rowPtr + ((<usize>(i + 1)) << 2));
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
        const wr = panel + <usize>load<i32>(idx + ((<usize>p) << 2)) * rowStride;
        a0 = madd(s, v128.load(wr), a0);
        a1 = madd(s, v128.load(wr, 16), a1);
        a2 = madd(s, v128.load(wr, 32), a2);
        a3 = madd(s, v128.load(wr, 48), a3);
        a4 = madd(s, v128.load(wr, 64), a4);
        a5 = madd(s, v128.load(wr, 80), a5);
        a6 = madd(s, v128.load(wr, 96), a6);
        a7 = madd(s, v128.load(wr, 112), a7);
      }
      const o = out + <usize>i * outStride + ((<usize>jb) << 7);
      if (bias) {
        const b = bias + ((<usize>jb) << 7);
        a0 = f32x4.add(a0, v128.load(b));
        a1 = f32x4.add(a1, v128.load(b, 16));
        a2 = f32x4.add(a2, v128.load(b, 32));
        a3 = f32x4.add(a3, v128.load(b, 48));
        a4 = f32x4.add(a4, v128.load(b, 64));
        a5 = f32x4.add(a5, v128.load(b, 80));
        a6 = f32x4.add(a6, v128.load(b, 96));
        a7 = f32x4.add(a7, v128.load(b, 112));
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
  if (r == 0 || to <= panels) return;
  const j0 = panels << 5;
  const tail = panelled ? w + <usize>panels * <usize>k * 128 : w + ((<usize>j0) << 2);
  const ts: usize = panelled ? (<usize>r) << 2 : outStride;
  for (let i = 0; i < rows; i++) {
    const p0 = load<i32>(rowPtr + ((<usize>i) << 2));
    const p1 = load<i32>(rowPtr + ((<usize>(i + 1)) << 2));
    const orow = out + <usize>i * outStride + ((<usize>j0) << 2);
    const brow = bias + ((<usize>j0) << 2);
    let jj = 0;
    if (r >= 16) {
      let a0 = f32x4.splat(0);
      let a1 = a0,
        a2 = a0,
        a3 = a0;
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + ((<usize>p) << 2)));
        const wr = tail + <usize>load<i32>(idx + ((<usize>p) << 2)) * ts;
        a0 = madd(s, v128.load(wr), a0);
        a1 = madd(s, v128.load(wr, 16), a1);
        a2 = madd(s, v128.load(wr, 32), a2);
        a3 = madd(s, v128.load(wr, 48), a3);
      }
      if (bias) {
        a0 = f32x4.add(a0, v128.load(brow));
        a1 = f32x4.add(a1, v128.load(brow, 16));
        a2 = f32x4.add(a2, v128.load(brow, 32));
        a3 = f32x4.add(a3, v128.load(brow, 48));
      }
      v128.store(orow, a0);
      v128.store(orow, a1, 16);
      v128.store(orow, a2, 32);
      v128.store(orow, a3, 48);
      jj = 16;
    }
    for (; jj + 4 <= r; jj += 4) {
      let a = f32x4.splat(0);
      const tj = tail + ((<usize>jj) << 2);
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + ((<usize>p) << 2)));
        a = madd(s, v128.load(tj + <usize>load<i32>(idx + ((<usize>p) << 2)) * ts), a);
      }
      if (bias) a = f32x4.add(a, v128.load(brow + ((<usize>jj) << 2)));
      v128.store(orow + ((<usize>jj) << 2), a);
    }
    for (; jj < r; jj++) {
      let a: f32 = 0;
      const tj = tail + ((<usize>jj) << 2);
      for (let p = p0; p < p1; p++) {
        a +=
          load<f32>(val + ((<usize>p) << 2)) * load<f32>(tj + <usize>load<i32>(idx + ((<usize>p) << 2)) * ts);
      }
      if (bias) a += load<f32>(brow + ((<usize>jj) << 2));
      store<f32>(orow + ((<usize>jj) << 2), a);
    }
  }
}

/**
 * out[rows × n] = A·W (+ bias) for n ≤ 16, A as CSR, W[k × n] row-major: one pass over each
 * row's non-zeros with 4 accumulators. Each W row is read as 16 floats, reading past its n
 * values into what follows (the extra lanes are never stored), so W needs 64 readable bytes
 * after its end.
 */
export function spmmNarrow(
  rowPtr: usize,
  idx: usize,
  val: usize,
  rows: i32,
  w: usize,
  n: i32,
  bias: usize,
  out: usize,
): void {
  const stride = (<usize>n) << 2;
  for (let i = 0; i < rows; i++) {
    const p0 = load<i32>(rowPtr + ((<usize>i) << 2));
    const p1 = load<i32>(rowPtr + ((<usize>(i + 1)) << 2));
    let a0 = f32x4.splat(0);
    let a1 = a0,
      a2 = a0,
      a3 = a0;
    for (let p = p0; p < p1; p++) {
      const s = f32x4.splat(load<f32>(val + ((<usize>p) << 2)));
      const wr = w + <usize>load<i32>(idx + ((<usize>p) << 2)) * stride;
      a0 = madd(s, v128.load(wr), a0);
      a1 = madd(s, v128.load(wr, 16), a1);
      a2 = madd(s, v128.load(wr, 32), a2);
      a3 = madd(s, v128.load(wr, 48), a3);
    }
    // Through a 64-byte scratch after the row's output: only its first n lanes are copied.
    const o = out + <usize>i * stride;
    const t = scratch;
    v128.store(t, a0);
    v128.store(t, a1, 16);
    v128.store(t, a2, 32);
    v128.store(t, a3, 48);
    for (let j = 0; j < n; j++) {
      let x = load<f32>(t + ((<usize>j) << 2));
      if (bias) x += load<f32>(bias + ((<usize>j) << 2));
      store<f32>(o + ((<usize>j) << 2), x);
    }
  }
}

/**
 * out[rows × n] = A·W (+ bias) for a dense A[rows × k] and W given transposed, wt[n × k]: dot
 * products along k, for layers with few units (the output layer), where `spmm` would run on
 * its scalar tail.
 */
export function denseDotT(a: usize, rows: i32, k: i32, wt: usize, n: i32, bias: usize, out: usize): void {
  const rowBytes = (<usize>k) << 2;
  for (let i = 0; i < rows; i++) {
    const ar = a + <usize>i * rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const w0 = wt + <usize>j * rowBytes;
      const w1 = w0 + rowBytes,
        w2 = w1 + rowBytes,
        w3 = w2 + rowBytes;
      let s0 = f32x4.splat(0);
      let s1 = s0,
        s2 = s0,
        s3 = s0;
      let kk = 0;
      for (; kk + 4 <= k; kk += 4) {
        const o = (<usize>kk) << 2;
        const av = v128.load(ar + o);
        s0 = f32x4.add(s0, f32x4.mul(av, v128.load(w0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(av, v128.load(w1 + o)));
        s2 = f32x4.add(s2, f32x4.mul(av, v128.load(w2 + o)));
        s3 = f32x4.add(s3, f32x4.mul(av, v128.load(w3 + o)));
      }
      let t0 =
        f32x4.extract_lane(s0, 0) +
        f32x4.extract_lane(s0, 1) +
        f32x4.extract_lane(s0, 2) +
        f32x4.extract_lane(s0, 3);
      let t1 =
        f32x4.extract_lane(s1, 0) +
        f32x4.extract_lane(s1, 1) +
        f32x4.extract_lane(s1, 2) +
        f32x4.extract_lane(s1, 3);
      let t2 =
        f32x4.extract_lane(s2, 0) +
        f32x4.extract_lane(s2, 1) +
        f32x4.extract_lane(s2, 2) +
        f32x4.extract_lane(s2, 3);
      let t3 =
        f32x4.extract_lane(s3, 0) +
        f32x4.extract_lane(s3, 1) +
        f32x4.extract_lane(s3, 2) +
        f32x4.extract_lane(s3, 3);
      for (; kk < k; kk++) {
        const o = (<usize>kk) << 2;
        const av = load<f32>(ar + o);
        t0 += av * load<f32>(w0 + o);
        t1 += av * load<f32>(w1 + o);
        t2 += av * load<f32>(w2 + o);
        t3 += av * load<f32>(w3 + o);
      }
      if (bias) {
        t0 += load<f32>(bias + ((<usize>j) << 2));
        t1 += load<f32>(bias + ((<usize>(j + 1)) << 2));
        t2 += load<f32>(bias + ((<usize>(j + 2)) << 2));
        t3 += load<f32>(bias + ((<usize>(j + 3)) << 2));
      }
      const o = out + ((<usize>i * <usize>n + <usize>j) << 2);
      store<f32>(o, t0);
      store<f32>(o, t1, 4);
      store<f32>(o, t2, 8);
      store<f32>(o, t3, 12);
    }
    for (; j < n; j++) {
      const w0 = wt + <usize>j * rowBytes;
      let s0 = f32x4.splat(0);
      let kk = 0;
      for (; kk + 4 <= k; kk += 4) {
        const o = (<usize>kk) << 2;
        s0 = f32x4.add(s0, f32x4.mul(v128.load(ar + o), v128.load(w0 + o)));
      }
      let t0 =
        f32x4.extract_lane(s0, 0) +
        f32x4.extract_lane(s0, 1) +
        f32x4.extract_lane(s0, 2) +
        f32x4.extract_lane(s0, 3);
      for (; kk < k; kk++) t0 += load<f32>(ar + ((<usize>kk) << 2)) * load<f32>(w0 + ((<usize>kk) << 2));
      if (bias) t0 += load<f32>(bias + ((<usize>j) << 2));
      store<f32>(out + ((<usize>i * <usize>n + <usize>j) << 2), t0);
    }
  }
}

/** dst[n × k] = Wᵀ for W[k × n] in the panel layout. */
export function transposePanels(w: usize, k: i32, n: i32, dst: usize): void {
  const panels = n >> 5;
  const r = n & 31;
  for (let kk = 0; kk < k; kk++) {
    for (let j = 0; j < n; j++) {
      const jb = j >> 5;
      const at =
        jb < panels
          ? w + <usize>jb * <usize>k * 128 + ((<usize>kk) << 7) + ((<usize>(j & 31)) << 2)
          : w + <usize>panels * <usize>k * 128 + ((<usize>kk * <usize>r + <usize>(j & 31)) << 2);
      store<f32>(dst + ((<usize>j * <usize>k + <usize>kk) << 2), load<f32>(at));
    }
  }
}

/** dst[cols × rows] = src[rows × cols]ᵀ. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) {
      store<f32>(
        dst + ((<usize>k * <usize>rows + <usize>i) << 2),
        load<f32>(src + ((<usize>i * <usize>cols + <usize>k) << 2)),
      );
    }
  }
}
