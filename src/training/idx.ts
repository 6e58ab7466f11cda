/**
 * The IDX file format of the MNIST files: a 4-byte magic number (two zero bytes, a type code,
 * the number of dimensions), one big-endian uint32 per dimension, then the values. We read the
 * two unsigned-byte kinds MNIST uses; everything is checked before a record is read.
 */

/** Labels: unsigned bytes, one dimension. */
export const IDX_MAGIC_LABELS = 0x00000801;
/** Images: unsigned bytes, three dimensions (count, rows, columns). */
export const IDX_MAGIC_IMAGES = 0x00000803;

export interface IdxArray {
  /** Dimensions as stored, e.g. `[60000, 28, 28]`. */
  dims: number[];
  /** The values, a view on the input bytes (no copy). */
  data: Uint8Array;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parse IDX bytes of the expected kind. Throws an `Error` whose message says what was
 * expected and what came (`name` is used in messages, e.g. the file name).
 */
export function parseIdx(bytes: Uint8Array, expectedMagic: number, name = 'IDX data'): IdxArray {
  const rank = expectedMagic & 0xff;
  const headerLength = 4 + 4 * rank;
  const kind =
    expectedMagic === IDX_MAGIC_LABELS ? 'labels' : expectedMagic === IDX_MAGIC_IMAGES ? 'images' : 'IDX';
  if (bytes.byteLength < 4) {
    throw new Error(`${name}: expected IDX ${kind} data, got only ${bytes.byteLength} bytes.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new Error(
      `${name}: expected the magic number ${hex(expectedMagic)} (${kind}), got ${hex(magic)}; is this the right file?`,
    );
  }
  if (bytes.byteLength < headerLength) {
    throw new Error(
      `${name}: expected an IDX header of ${headerLength} bytes, got only ${bytes.byteLength} bytes.`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = headerLength + dims.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== expected) {
    throw new Error(
      `${name}: the header's dimensions ${dims.join('×')} need ${expected} bytes, but the data has ${bytes.byteLength} bytes${bytes.byteLength < expected ? ' (truncated?)' : ''}.`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}
