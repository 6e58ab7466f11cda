/**
 * Sparse structure of the kernels' operands: the MNIST batch turned into CSR straight from the
 * image bytes (or from the sparse image store, one gather per step), and CSR/CSC of dense
 * matrices, so that the products skip exact zeros (most MNIST pixels, ReLU outputs).
 */
import { scratch } from './simd';

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
