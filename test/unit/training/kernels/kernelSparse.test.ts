/** The sparse-structure kernels (assembly/sparse.ts) against plain TypeScript references. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { csrOf, cscOf, KernelHeap, randomBytes, randomValues, type Csr } from './kernelHarness';

let heap: KernelHeap;
beforeAll(async () => {
  heap = await KernelHeap.create();
});
beforeEach(() => heap.reset());

/** byte / 255 in float32, as `makeBatch` scales pixels. */
const unit = (b: number): number => Math.fround(b / 255);

/** The CSR of images `order[i]` of `bytes[images × cols]`, scaled to [0, 1]. */
function imageCsr(bytes: Uint8Array, cols: number, order: number[]): Csr {
  const rows = order.flatMap((image) => Array.from(bytes.subarray(image * cols, (image + 1) * cols), unit));
  return csrOf(rows, order.length, cols);
}

function readCsr(rowPtr: number, idx: number, val: number, rows: number): Csr {
  const ptr = Array.from(heap.readI32(rowPtr, rows + 1));
  const nnz = ptr[rows]!;
  return { rowPtr: ptr, idx: Array.from(heap.readI32(idx, nnz)), val: Array.from(heap.readF32(val, nnz)) };
}

/** The kernel's count and its CSR (or CSC) in `out` are the reference's. */
function expectCsr(nnz: number, out: { rowPtr: number; idx: number; val: number }, want: Csr): void {
  expect(nnz).toBe(want.idx.length);
  expect(readCsr(out.rowPtr, out.idx, out.val, want.rowPtr.length - 1)).toEqual(want);
}

/** Buffers for the CSR of a rows × cols matrix (one spare entry: some kernels write one ahead). */
function csrBuffers(rows: number, cols: number) {
  return {
    rowPtr: heap.alloc((rows + 1) * 4),
    idx: heap.alloc((rows * cols + 1) * 4),
    val: heap.alloc((rows * cols + 1) * 4),
  };
}

describe('unitTable', () => {
  it('holds byte / 255 in float32 for every byte value', () => {
    const lut = heap.alloc(256 * 4);
    heap.k.unitTable(lut);
    expect(Array.from(heap.readF32(lut, 256))).toEqual(Array.from({ length: 256 }, (_, b) => unit(b)));
  });
});

describe('csrFromBytes', () => {
  // 37 columns: two 16-byte chunks and a 5-byte tail; 784: MNIST's 49 chunks.
  it.each([
    [37, 0.5],
    [784, 0.8],
    [37, 1],
  ])('gives the CSR of the chosen images (%i columns, %f zeros)', (cols, zeros) => {
    const images = 9;
    const bytes = randomBytes(cols, images * cols, zeros);
    const lut = heap.alloc(256 * 4);
    heap.k.unitTable(lut);
    const src = heap.u8(bytes);
    const order = [4, 0, 8, 4, 2];
    const rows = order.length;
    const masks = heap.alloc(rows * (cols >> 4) * 4);
    const out = csrBuffers(rows, cols);
    const nnz = heap.k.csrFromBytes(
      src,
      heap.i32(order),
      rows,
      cols,
      lut,
      masks,
      out.rowPtr,
      out.idx,
      out.val,
    );
    expectCsr(nnz, out, imageCsr(bytes, cols, order));
    // order = 0: images 0, 1, … in turn.
    heap.k.csrFromBytes(src, 0, 3, cols, lut, masks, out.rowPtr, out.idx, out.val);
    expect(readCsr(out.rowPtr, out.idx, out.val, 3)).toEqual(imageCsr(bytes, cols, [0, 1, 2]));
  });
});

describe('storeFromBytes and csrFromStore', () => {
  it.each([37, 784])('store every non-zero pixel once and gather a batch as its CSR (%i columns)', (cols) => {
    const images = 11;
    const bytes = randomBytes(100 + cols, images * cols, 0.7);
    bytes.fill(0, 3 * cols, 4 * cols); // an all-black image
    const first = 3; // appended after 3 entries already in the store
    const ptr = heap.alloc((images + 1) * 4);
    const entries = heap.alloc((first + images * cols) * 4);
    const masks = heap.alloc((cols >> 4) * 4);
    const end = heap.k.storeFromBytes(heap.u8(bytes), images, cols, masks, ptr, entries, first);
    const want: number[] = [];
    const wantPtr = [first];
    for (let i = 0; i < images; i++) {
      for (let q = 0; q < cols; q++) if (bytes[i * cols + q]) want.push(q * 256 + bytes[i * cols + q]!);
      wantPtr.push(first + want.length);
    }
    expect(end).toBe(first + want.length);
    expect(Array.from(heap.readI32(ptr, images + 1))).toEqual(wantPtr);
    expect(Array.from(heap.readU32(entries + first * 4, want.length))).toEqual(want);

    const lut = heap.alloc(256 * 4);
    heap.k.unitTable(lut);
    const order = [10, 3, 0, 7, 10, 5, 1];
    const out = csrBuffers(order.length, cols);
    const nnz = heap.k.csrFromStore(
      ptr,
      entries,
      heap.i32(order),
      order.length,
      lut,
      out.rowPtr,
      out.idx,
      out.val,
    );
    expectCsr(nnz, out, imageCsr(bytes, cols, order));
  });
});

describe('toCsr and toCsc', () => {
  it.each([
    [5, 37, 0.6],
    [1, 1, 0],
    [4, 9, 1],
  ])('give the CSR and the CSC of a %i × %i matrix (%f zeros)', (rows, cols, zeros) => {
    const a = randomValues(rows * cols, rows * cols, zeros);
    const at = heap.f32(a);
    const csr = csrBuffers(rows, cols);
    expectCsr(heap.k.toCsr(at, rows, cols, csr.rowPtr, csr.idx, csr.val), csr, csrOf(a, rows, cols));
    const csc = csrBuffers(cols, rows);
    expectCsr(heap.k.toCsc(at, rows, cols, csc.rowPtr, csc.idx, csc.val), csc, cscOf(a, rows, cols));
  });
});

describe('cscFromCsr', () => {
  it.each([
    [7, 45, 0.7],
    [3, 4, 1],
  ])('turns the CSR of a %i × %i matrix (%f zeros) into its CSC', (rows, cols, zeros) => {
    const a = randomValues(rows + cols, rows * cols, zeros);
    const csr = csrOf(a, rows, cols);
    const csc = csrBuffers(cols, rows);
    heap.k.cscFromCsr(
      heap.i32(csr.rowPtr),
      heap.i32(csr.idx),
      heap.f32(csr.val),
      rows,
      cols,
      csc.rowPtr,
      csc.idx,
      csc.val,
    );
    expect(readCsr(csc.rowPtr, csc.idx, csc.val, cols)).toEqual(cscOf(a, rows, cols));
  });
});
