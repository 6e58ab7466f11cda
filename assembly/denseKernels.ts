/**
 * WebAssembly SIMD kernels of the dense-chain trainer (`src/training/kernels/`), in
 * AssemblyScript. Compiled by `npm run build:wasm` into `src/training/kernels/denseKernels.wasm.ts`
 * (base64, so Node, Vite and a Web Worker load the same bytes without a fetch).
 *
 * Pure kernels over float32 row-major matrices in linear memory: the host lays the buffers
 * out and passes byte addresses. Sparse operands are CSR/CSC built here from dense matrices,
 * so products skip exact zeros (most MNIST pixels, ReLU outputs) and give the same sums.
 *
 * Weights of wide layers are kept in a panel layout: W[k × n] as ⌊n/32⌋ column panels of 32,
 * each [k × 32] row-major, then the remaining n mod 32 columns as one [k × (n mod 32)] panel.
 * A product then reads one contiguous 32-column slice of W per block (cache- and TLB-friendly).
 * For n < 32 the layout is plain row-major.
 */

/** 64 bytes of static scratch. */
const scratch: usize = memory.data(64, 16);

/** a·b + c: fused where relaxed SIMD is enabled at build time, else a multiply and an add. */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// ---------------------------------------------------------------------------------------------
// Batch conversion and sparse structure

/** byte / 255 for every byte value (exactly the divisions `makeBatch` does), for `csrFromBytes`. */
export function unitTable(lut: usize): void {
  for (let b = 0; b < 256; b++) store<f32>(lut + ((<usize>b) << 2), <f32>b / <f32>255);
}

/**
 * CSR of a batch of byte images scaled to [0, 1] (value = lut[byte], see `unitTable`): row i
 * is image order[i] of `src` (or image i when `order` = 0). Read
 * straight from the bytes, 16 at a time: a SIMD compare gives the mask of non-zero pixels and
 * only its set bits are visited. Returns nnz.
 */
export function csrFromBytes(
  src: usize,
  order: usize,
  rows: i32,
  cols: i32,
  lut: usize,
  masks: usize,
  rowPtr: usize,
  idx: usize,
  val: usize,
): i32 {
  // Pass 1, without branches, so the scattered image rows are fetched in parallel: the
  // non-zero mask of every 16-pixel chunk (masks: rows × ⌊cols/16⌋ i32).
  const chunks = cols >> 4;
  for (let i = 0; i < rows; i++) {
    const example = order ? load<i32>(order + ((<usize>i) << 2)) : i;
    const row = src + <usize>example * <usize>cols;
    const m = masks + ((<usize>i * <usize>chunks) << 2);
    for (let c = 0; c < chunks; c++) {
      store<i32>(
        m + ((<usize>c) << 2),
        i8x16.bitmask(i8x16.ne(v128.load(row + ((<usize>c) << 4)), i8x16.splat(0))),
      );
    }
  }
  // Pass 2: visit the set bits only (the rows are in cache now).
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    store<i32>(rowPtr + ((<usize>i) << 2), nnz);
    const example = order ? load<i32>(order + ((<usize>i) << 2)) : i;
    const row = src + <usize>example * <usize>cols;
    const m = masks + ((<usize>i * <usize>chunks) << 2);
    for (let c = 0; c < chunks; c++) {
      let mask = load<i32>(m + ((<usize>c) << 2));
      const k = c << 4;
      while (mask) {
        const q = k + ctz<i32>(mask);
        mask &= mask - 1;
        store<i32>(idx + ((<usize>nnz) << 2), q);
        store<f32>(val + ((<usize>nnz) << 2), load<f32>(lut + ((<usize>load<u8>(row + <usize>q)) << 2)));
        nnz++;
      }
    }
    for (let k = chunks << 4; k < cols; k++) {
      const b = load<u8>(row + <usize>k);
      store<i32>(idx + ((<usize>nnz) << 2), k);
      store<f32>(val + ((<usize>nnz) << 2), load<f32>(lut + ((<usize>b) << 2)));
      nnz += i32(b != 0);
    }
  }
  store<i32>(rowPtr + ((<usize>rows) << 2), nnz);
  return nnz;
}

/**
 * Append `rows` byte images to a sparse image store: each non-zero pixel as one u32 entry
 * (column << 8 | byte), image r's entries from ptr[r] to ptr[r + 1]. Entries are written from
 * index `nnz` on and ptr[0..rows] is filled; returns the new entry count. `masks` is scratch
 * of ⌊cols/16⌋ i32.
 */
export function storeFromBytes(
  src: usize,
  rows: i32,
  cols: i32,
  masks: usize,
  ptr: usize,
  entries: usize,
  nnz: i32,
): i32 {
  const chunks = cols >> 4;
  for (let i = 0; i < rows; i++) {
    store<i32>(ptr + ((<usize>i) << 2), nnz);
    const row = src + <usize>i * <usize>cols;
    for (let c = 0; c < chunks; c++) {
      store<i32>(
        masks + ((<usize>c) << 2),
        i8x16.bitmask(i8x16.ne(v128.load(row + ((<usize>c) << 4)), i8x16.splat(0))),
      );
    }
    for (let c = 0; c < chunks; c++) {
      let mask = load<i32>(masks + ((<usize>c) << 2));
      while (mask) {
        const q = (c << 4) + ctz<i32>(mask);
        mask &= mask - 1;
        store<u32>(entries + ((<usize>nnz) << 2), ((<u32>q) << 8) | (<u32>load<u8>(row + <usize>q)));
        nnz++;
      }
    }
    for (let q = chunks << 4; q < cols; q++) {
      const b = load<u8>(row + <usize>q);
      if (b) {
        store<u32>(entries + ((<usize>nnz) << 2), ((<u32>q) << 8) | (<u32>b));
        nnz++;
      }
    }
  }
  store<i32>(ptr + ((<usize>rows) << 2), nnz);
  return nnz;
}

/**
 * CSR of a batch gathered from a sparse image store (see `storeFromBytes`): row i is image
 * order[i], values lut[byte] (see `unitTable`). Returns nnz.
 */
export function csrFromStore(
  ptr: usize,
  entries: usize,
  order: usize,
  rows: i32,
  lut: usize,
  rowPtr: usize,
  idx: usize,
  val: usize,
): i32 {
  // Touch one word per cache line of every image first: these loads do not depend on each
  // other, so the scattered images come in from memory in parallel; the copy below then hits.
  let touched: u32 = 0;
  for (let i = 0; i < rows; i++) {
    const image = <usize>load<i32>(order + ((<usize>i) << 2));
    const p1 = load<i32>(ptr + ((image + 1) << 2));
    for (let p = load<i32>(ptr + (image << 2)); p < p1; p += 16)
      touched |= load<u32>(entries + ((<usize>p) << 2));
  }
  store<u32>(scratch, touched);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    store<i32>(rowPtr + ((<usize>i) << 2), nnz);
    const image = <usize>load<i32>(order + ((<usize>i) << 2));
    const p1 = load<i32>(ptr + ((image + 1) << 2));
    for (let p = load<i32>(ptr + (image << 2)); p < p1; p++) {
      const e = load<u32>(entries + ((<usize>p) << 2));
      store<i32>(idx + ((<usize>nnz) << 2), <i32>(e >> 8));
      store<f32>(val + ((<usize>nnz) << 2), load<f32>(lut + ((<usize>(e & 255)) << 2)));
      nnz++;
    }
  }
  store<i32>(rowPtr + ((<usize>rows) << 2), nnz);
  return nnz;
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
  if (apply) sgdUpdate(w, dw, len, c);
}

/** CSR of the non-zeros of a[rows × cols]: rowPtr (rows + 1), col indices, values. Returns nnz. */
export function toCsr(a: usize, rows: i32, cols: i32, rowPtr: usize, idx: usize, val: usize): i32 {
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    store<i32>(rowPtr + ((<usize>i) << 2), nnz);
    const row = a + ((<usize>i * <usize>cols) << 2);
    for (let k = 0; k < cols; k++) {
      const v = load<f32>(row + ((<usize>k) << 2));
      if (v != 0) {
        store<i32>(idx + ((<usize>nnz) << 2), k);
        store<f32>(val + ((<usize>nnz) << 2), v);
        nnz++;
      }
    }
  }
  store<i32>(rowPtr + ((<usize>rows) << 2), nnz);
  return nnz;
}

/** CSC of the non-zeros of a[rows × cols] (row indices ascending within a column). Returns nnz. */
export function toCsc(a: usize, rows: i32, cols: i32, colPtr: usize, idx: usize, val: usize): i32 {
  for (let k = 0; k <= cols; k++) store<i32>(colPtr + ((<usize>k) << 2), 0);
  for (let i = 0; i < rows; i++) {
    const row = a + ((<usize>i * <usize>cols) << 2);
    for (let k = 0; k < cols; k++) {
      if (load<f32>(row + ((<usize>k) << 2)) != 0) {
        const p = colPtr + ((<usize>(k + 1)) << 2);
        store<i32>(p, load<i32>(p) + 1);
      }
    }
  }
  for (let k = 0; k < cols; k++) {
    const p = colPtr + ((<usize>(k + 1)) << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  // Fill, using colPtr[k] as a cursor, then shift the pointers back.
  for (let i = 0; i < rows; i++) {
    const row = a + ((<usize>i * <usize>cols) << 2);
    for (let k = 0; k < cols; k++) {
      const v = load<f32>(row + ((<usize>k) << 2));
      if (v != 0) {
        const c = colPtr + ((<usize>k) << 2);
        const at = load<i32>(c);
        store<i32>(idx + ((<usize>at) << 2), i);
        store<f32>(val + ((<usize>at) << 2), v);
        store<i32>(c, at + 1);
      }
    }
  }
  for (let k = cols; k > 0; k--) {
    store<i32>(colPtr + ((<usize>k) << 2), load<i32>(colPtr + ((<usize>(k - 1)) << 2)));
  }
  store<i32>(colPtr, 0);
  return load<i32>(colPtr + ((<usize>cols) << 2));
}

// ---------------------------------------------------------------------------------------------
// Products

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
  const outStride = (<usize>n) << 2;
  const panels = n >> 5;
  const r = n & 31;
  const rowStride: usize = panelled ? 128 : outStride;
  const panelStep: usize = panelled ? <usize>k * 128 : 128;
  for (let jb = 0; jb < panels; jb++) {
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
  if (r == 0) return;
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
  const dzStride = (<usize>n) << 2;
  const cv = f32x4.splat(c);
  const target = dw ? dw : w;
  const panels = n >> 5;
  for (let jb = 0; jb < panels; jb++) {
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
  if (r == 0) return;
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

/** CSC (colPtr, row indices, values) of a matrix given as CSR, in one pass over its non-zeros. */
export function cscFromCsr(
  rowPtr: usize,
  idx: usize,
  val: usize,
  rows: i32,
  cols: i32,
  colPtr: usize,
  cIdx: usize,
  cVal: usize,
): void {
  for (let k = 0; k <= cols; k++) store<i32>(colPtr + ((<usize>k) << 2), 0);
  const nnz = load<i32>(rowPtr + ((<usize>rows) << 2));
  for (let p = 0; p < nnz; p++) {
    const c = colPtr + ((<usize>(load<i32>(idx + ((<usize>p) << 2)) + 1)) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  for (let k = 0; k < cols; k++) {
    const c = colPtr + ((<usize>(k + 1)) << 2);
    store<i32>(c, load<i32>(c) + load<i32>(c - 4));
  }
  for (let i = 0; i < rows; i++) {
    const p1 = load<i32>(rowPtr + ((<usize>(i + 1)) << 2));
    for (let p = load<i32>(rowPtr + ((<usize>i) << 2)); p < p1; p++) {
      const c = colPtr + ((<usize>load<i32>(idx + ((<usize>p) << 2))) << 2);
      const at = load<i32>(c);
      store<i32>(cIdx + ((<usize>at) << 2), i);
      store<f32>(cVal + ((<usize>at) << 2), load<f32>(val + ((<usize>p) << 2)));
      store<i32>(c, at + 1);
    }
  }
  for (let k = cols; k > 0; k--) {
    store<i32>(colPtr + ((<usize>k) << 2), load<i32>(colPtr + ((<usize>(k - 1)) << 2)));
  }
  store<i32>(colPtr, 0);
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

// ---------------------------------------------------------------------------------------------
// Optimizer updates (gradient g given), tfjs's formulas

/** w ← c·g + w over len values (plain gradient descent, c = −learning rate). */
export function sgdUpdate(w: usize, g: usize, len: i32, c: f32): void {
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(w + o, f32x4.add(f32x4.mul(cv, v128.load(g + o)), v128.load(w + o)));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    store<f32>(w + o, c * load<f32>(g + o) + load<f32>(w + o));
  }
}

/**
 * tfjs momentum: acc ← acc·m + g; w ← c·acc + w, or with Nesterov w ← c·(g + acc·m) + w.
 */
export function momentumUpdate(
  w: usize,
  acc: usize,
  g: usize,
  len: i32,
  m: f32,
  c: f32,
  nesterov: i32,
): void {
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const a = load<f32>(acc + o) * m + gi;
    store<f32>(acc + o, a);
    store<f32>(w + o, (nesterov ? c * (gi + a * m) : c * a) + load<f32>(w + o));
  }
}

// ---------------------------------------------------------------------------------------------
// Activations (in place) and their gradients

// exp(x) for 4 lanes: Cephes' expf polynomial after reduction by ln 2 (about 1 ulp).
function exp4(x: v128): v128 {
  // pmin/pmax are single instructions (min/max must also order NaN and ±0).
  x = f32x4.pmin(f32x4.pmax(f32x4.splat(-87.3), x), f32x4.splat(88.3));
  // n = round(x / ln 2) by the 1.5·2²³ trick: t's low mantissa bits hold n.
  const magic = f32x4.splat(12582912.0);
  const t = madd(x, f32x4.splat(1.44269504088896341), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
  // 2ⁿ: (n + 127) in the exponent field; only t's low 9 bits survive the shift.
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** Scalar exp through the same polynomial (tails of the SIMD loops). */
function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** y = 1 / (1 + e^(−x)). */
export function sigmoid(a: usize, len: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = a + ((<usize>i) << 2);
    v128.store(o, f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(v128.load(o))))));
  }
  for (; i < len; i++) {
    const o = a + ((<usize>i) << 2);
    store<f32>(o, <f32>1 / (<f32>1 + exp1(-load<f32>(o))));
  }
}

/** y = max(0, x). */
export function relu(a: usize, len: i32): void {
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= len; i += 4) {
    const o = a + ((<usize>i) << 2);
    v128.store(o, f32x4.pmax(zero, v128.load(o)));
  }
  for (; i < len; i++) {
    const o = a + ((<usize>i) << 2);
    const v = load<f32>(o);
    store<f32>(o, v > 0 ? v : 0);
  }
}

/** y = tanh(x) = sign(x)·(1 − 2 / (e^(2|x|) + 1)). */
export function tanh(a: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const o = a + ((<usize>i) << 2);
    const x = load<f32>(o);
    const t = <f32>1 - <f32>2 / (exp1(<f32>2 * Mathf.abs(x)) + <f32>1);
    store<f32>(o, x < 0 ? -t : t);
  }
}

/** Softmax over each row of a[rows × n]: e^(x − max) / Σ e^(x − max). */
export function softmax(a: usize, rows: i32, n: i32): void {
  for (let i = 0; i < rows; i++) {
    const row = a + ((<usize>i * <usize>n) << 2);
    let m = load<f32>(row);
    for (let j = 1; j < n; j++) m = Mathf.max(m, load<f32>(row + ((<usize>j) << 2)));
    let s: f32 = 0;
    for (let j = 0; j < n; j++) {
      const e = Mathf.exp(load<f32>(row + ((<usize>j) << 2)) - m);
      store<f32>(row + ((<usize>j) << 2), e);
      s += e;
    }
    for (let j = 0; j < n; j++) store<f32>(row + ((<usize>j) << 2), load<f32>(row + ((<usize>j) << 2)) / s);
  }
}

/** g ← g·(y·(1 − y)): through a sigmoid whose output is y. */
export function sigmoidBackward(g: usize, y: usize, len: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    const yv = v128.load(y + o);
    v128.store(g + o, f32x4.mul(v128.load(g + o), f32x4.mul(yv, f32x4.sub(one, yv))));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    const yv = load<f32>(y + o);
    store<f32>(g + o, load<f32>(g + o) * (yv * (<f32>1 - yv)));
  }
}

/** g ← g·step(y): through a ReLU (its output is > 0 exactly where its input is). */
export function reluBackward(g: usize, y: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    store<f32>(g + o, load<f32>(y + o) > 0 ? load<f32>(g + o) : 0);
  }
}

/** g ← (1 − y²)·g: through a tanh whose output is y. */
export function tanhBackward(g: usize, y: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const yv = load<f32>(y + o);
    store<f32>(g + o, (<f32>1 - yv * yv) * load<f32>(g + o));
  }
}

/** g ← g·y − (Σ_row g·y)·y: through a row softmax whose output is y (tfjs's formula). */
export function softmaxBackward(g: usize, y: usize, rows: i32, n: i32): void {
  for (let i = 0; i < rows; i++) {
    const off = (<usize>i * <usize>n) << 2;
    let s: f32 = 0;
    for (let j = 0; j < n; j++) {
      const o = off + ((<usize>j) << 2);
      const gy = load<f32>(g + o) * load<f32>(y + o);
      store<f32>(g + o, gy);
      s += gy;
    }
    for (let j = 0; j < n; j++) {
      const o = off + ((<usize>j) << 2);
      store<f32>(g + o, load<f32>(g + o) - s * load<f32>(y + o));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Losses: value and gradient with respect to the predictions

/**
 * Cross-entropy −Σ y·log(clip(p, eps, 1)) times `scale` (1 for a summed loss, 1/batch for a
 * mean); writes dp = scale·(−y / p) where eps ≤ p ≤ 1 and 0 elsewhere (the clip's gradient).
 */
export function crossEntropy(p: usize, y: usize, len: i32, eps: f32, scale: f32, dp: usize): f64 {
  let total: f64 = 0;
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const pv = load<f32>(p + o);
    const yv = load<f32>(y + o);
    const clipped = Mathf.min(Mathf.max(pv, eps), 1);
    if (yv != 0) total += <f64>(yv * Mathf.log(clipped));
    store<f32>(dp + o, pv >= eps && pv <= 1 ? (-scale * yv) / clipped : 0);
  }
  return -total * <f64>scale;
}

/** Squared error Σ (y − p)² / classes times `scale`; dp = (scale / classes)·2(p − y). */
export function squaredError(p: usize, y: usize, len: i32, classes: i32, scale: f32, dp: usize): f64 {
  let total: f64 = 0;
  const d = scale / <f32>classes;
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const diff = load<f32>(y + o) - load<f32>(p + o);
    total += <f64>(diff * diff);
    store<f32>(dp + o, d * (<f32>2 * -diff));
  }
  return (total / <f64>classes) * <f64>scale;
}

/** Rows of p[rows × n] whose first largest value is at labels[i] (i32). */
export function countCorrect(p: usize, labels: usize, rows: i32, n: i32): i32 {
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const row = p + ((<usize>i * <usize>n) << 2);
    let best = 0;
    let m = load<f32>(row);
    for (let j = 1; j < n; j++) {
      const v = load<f32>(row + ((<usize>j) << 2));
      if (v > m) {
        m = v;
        best = j;
      }
    }
    if (best == load<i32>(labels + ((<usize>i) << 2))) correct++;
  }
  return correct;
}
