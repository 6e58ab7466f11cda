/**
 * Byte-level builders for the hostile corpus: deflate streams and zip containers written by
 * hand, so that a bomb (a zip that claims 1 KB and inflates to a gigabyte) costs a few
 * megabytes and milliseconds to make at test time instead of being committed or compressed.
 */
import * as lzString from 'lz-string';
import * as metaPng from 'meta-png';
import { namedExports } from '../src/core/util/commonJs';

const { compressToBase64, compressToEncodedURIComponent } = namedExports(lzString);
const { addMetadata } = namedExports(metaPng);

/** Writes Huffman codes (most significant bit first) into deflate's LSB-first bit order. */
class BitWriter {
  private bytes: Uint8Array;
  private bit = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.push((value >> i) & 1);
  }
  code(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.push((value >> i) & 1);
  }
  private push(b: number): void {
    if (b) this.bytes[this.bit >> 3]! |= 1 << (this.bit & 7);
    this.bit++;
  }
  done(): Uint8Array {
    return this.bytes.slice(0, (this.bit + 7) >> 3);
  }
}

/**
 * A raw deflate stream that inflates to `outputBytes` zero bytes (rounded up to a multiple of
 * 258): one fixed-Huffman block, a literal zero, then copies of 258 bytes at distance 1 — 13
 * bits each, about 160:1.
 */
export function deflateZeros(outputBytes: number): Uint8Array {
  const copies = Math.ceil(Math.max(0, outputBytes - 1) / 258);
  const w = new BitWriter(Math.ceil((copies * 13 + 32) / 8) + 4);
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE 01: fixed Huffman codes
  w.code(0x30, 8); // literal 0
  for (let i = 0; i < copies; i++) {
    w.code(0xc5, 8); // length symbol 285 (258 bytes)
    w.code(0, 5); // distance code 0 (distance 1)
  }
  w.code(0, 7); // end of block
  return w.done();
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  /** The uncompressed size written in the headers (a bomb lies here). */
  declaredSize: number;
}

/** A zip archive with the given entries; the CRCs are zero (readers that check them refuse). */
export function zipOf(entries: ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, e.method, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.declaredSize >>> 0, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, e.method, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.declaredSize >>> 0, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, e.data);
    centrals.push(central);
    offset += local.length + e.data.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concatBytes([...locals, ...centrals, end]);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * An lz-string stream of one character repeated about `chars` times, written directly (the
 * package's compressor needs ~20 s for 6 M characters). LZW on a repeated character emits
 * codes 4, 5, 6, …, each one character longer than the last, so ~3,500 codes make 6 M
 * characters. Bits go in as the decompressor reads them: values lowest bit first, 6 bits a
 * character, widths growing when the dictionary doubles.
 */
function lzRepeated(chars: number, alphabet: string): string {
  const bits: number[] = [];
  const write = (value: number, width: number) => {
    for (let i = 0; i < width; i++) bits.push((value >> i) & 1);
  };
  write(0, 2); // an 8-bit character follows
  write('['.charCodeAt(0), 8);
  let enlargeIn = 4;
  let numBits = 3;
  let code = 4;
  for (let produced = 1; produced < chars; produced += code - 2, code++) {
    write(code, numBits); // the code one past the dictionary: the previous entry plus its first character
    if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
  }
  write(2, numBits); // end of stream
  let out = '';
  for (let i = 0; i < bits.length; i += 6) {
    let v = 0;
    for (let j = 0; j < 6; j++) v = (v << 1) | (bits[i + j] ?? 0);
    out += alphabet[v];
  }
  return out;
}

/** A share-link token that inflates to about `chars` characters of `[`. */
export const lzBombToken = (chars: number): string => lzRepeated(chars, URI_ALPHABET);
/** A PNG/SVG payload (base64 lz-string) that inflates to about `chars` characters of `[`. */
export function lzBombBase64(chars: number): string {
  const text = lzRepeated(chars, BASE64_ALPHABET);
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** A share-link token, and a picture payload, carrying `text`. */
export const lzToken = (text: string): string => compressToEncodedURIComponent(text);
export const lzBase64 = (text: string): string => compressToBase64(text);

/** The smallest valid PNG (1×1, grey), to carry tEXt chunks. */
export const TINY_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

export const pngWithText = (keyword: string, text: string): Uint8Array =>
  addMetadata(TINY_PNG, keyword, text);

export const svgWithMetadata = (payload: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg"><metadata id="tensorweave-graph">${payload}</metadata></svg>`;

/** UTF-16 bytes of `text`, little or big endian, with or without a byte-order mark. */
export function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const units = (bom ? '\ufeff' : '') + text;
  const out = new Uint8Array(units.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < units.length; i++) view.setUint16(i * 2, units.charCodeAt(i), !bigEndian);
  return out;
}
