import { describe, expect, it } from 'vitest';
import { IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS, parseIdx } from '../../../src/training/idx';

/** IDX bytes: big-endian magic, dims, then the values. */
function idx(magic: number, dims: number[], values: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.set(values, 4 + 4 * dims.length);
  return bytes;
}

describe('parseIdx', () => {
  it('reads labels', () => {
    const out = parseIdx(idx(IDX_MAGIC_LABELS, [3], [7, 0, 9]), IDX_MAGIC_LABELS);
    expect(out.dims).toEqual([3]);
    expect([...out.data]).toEqual([7, 0, 9]);
  });

  it('reads images, big-endian dimensions, as a view on the bytes', () => {
    const values = Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 10);
    const bytes = idx(IDX_MAGIC_IMAGES, [2, 2, 3], values);
    const out = parseIdx(bytes, IDX_MAGIC_IMAGES);
    expect(out.dims).toEqual([2, 2, 3]);
    expect([...out.data]).toEqual(values);
    expect(out.data.buffer).toBe(bytes.buffer);
  });

  it('reads dimensions above 255 (big-endian)', () => {
    const out = parseIdx(idx(IDX_MAGIC_LABELS, [300], new Array(300).fill(1)), IDX_MAGIC_LABELS);
    expect(out.dims).toEqual([300]);
  });

  it('works on a sub-view with an offset', () => {
    const inner = idx(IDX_MAGIC_LABELS, [2], [4, 5]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect([...parseIdx(outer.subarray(3), IDX_MAGIC_LABELS).data]).toEqual([4, 5]);
  });

  it.each([
    [
      'images given for labels',
      idx(IDX_MAGIC_IMAGES, [1, 1, 1], [0]),
      IDX_MAGIC_LABELS,
      /expected the magic number 0x00000801 \(labels\), got 0x00000803/,
    ],
    [
      'labels given for images',
      idx(IDX_MAGIC_LABELS, [1], [0]),
      IDX_MAGIC_IMAGES,
      /expected the magic number 0x00000803 \(images\), got 0x00000801/,
    ],
    [
      'a text file',
      new TextEncoder().encode('<html>not found</html>'),
      IDX_MAGIC_LABELS,
      /expected the magic number 0x00000801/,
    ],
    [
      'a header cut short',
      idx(IDX_MAGIC_IMAGES, [1, 28, 28], []).subarray(0, 10),
      IDX_MAGIC_IMAGES,
      /expected an IDX header of 16 bytes, got only 10 bytes/,
    ],
    [
      'truncated data',
      idx(IDX_MAGIC_LABELS, [5], [1, 2, 3]),
      IDX_MAGIC_LABELS,
      /dimensions 5 need 13 bytes, but the data has 11 bytes \(truncated\?\)/,
    ],
    [
      'trailing bytes',
      idx(IDX_MAGIC_IMAGES, [1, 2, 2], [1, 2, 3, 4, 5]),
      IDX_MAGIC_IMAGES,
      /dimensions 1×2×2 need 20 bytes, but the data has 21 bytes\./,
    ],
  ])('refuses %s', (_what, bytes, magic, message) => {
    expect(() => parseIdx(bytes, magic, 'file.idx')).toThrow(message);
    expect(() => parseIdx(bytes, magic, 'file.idx')).toThrow(/^file\.idx: /);
  });
});
