/**
 * lz-string decompression that stops as soon as its output passes a cap. The `lz-string`
 * package (which still compresses for us) has no such cap: a 240 KB share token can expand to
 * gigabytes and kill the tab before any size check runs. This reads the same formats
 * (`compressToEncodedURIComponent` and `compressToBase64`) with the same algorithm — an LZW
 * variant whose codes grow by one bit whenever the dictionary doubles — and counts as it goes.
 */

export type Decompressed =
  { ok: true; text: string } | { ok: false; reason: 'too-large' | 'corrupt'; message: string };

const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

function lookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const URI_TABLE = lookup(URI_ALPHABET);
const BASE64_TABLE = lookup(BASE64_ALPHABET);

/** Reads the compressed stream 6 bits per input character, lowest bit first within a code. */
class BitReader {
  private value: number;
  private mask = 32;
  private index = 1;
  bad = false;

  constructor(
    private readonly input: string,
    private readonly table: Int16Array,
  ) {
    this.value = this.char(0);
  }

  private char(i: number): number {
    const code = this.input.charCodeAt(i);
    const v = code < 128 ? this.table[code]! : -1;
    if (v < 0) {
      this.bad = i < this.input.length; // past the end reads zeros, as lz-string does
      return 0;
    }
    return v;
  }

  get exhausted(): boolean {
    return this.index > this.input.length;
  }

  read(bits: number): number {
    let out = 0;
    for (let power = 1, i = 0; i < bits; i++, power <<= 1) {
      if (this.value & this.mask) out |= power;
      this.mask >>= 1;
      if (this.mask === 0) {
        this.mask = 32;
        this.value = this.char(this.index++);
      }
    }
    return out;
  }
}

function decompress(reader: BitReader, maxChars: number): Decompressed {
  const corrupt: Decompressed = {
    ok: false,
    reason: 'corrupt',
    message: 'The data is not valid compressed text.',
  };
  const tooLarge: Decompressed = {
    ok: false,
    reason: 'too-large',
    message: `The compressed data expands to more than ${maxChars.toLocaleString('en-US')} characters.`,
  };
  const dictionary: string[] = ['', '', ''];
  let enlargeIn = 4;
  let numBits = 3;
  const first = reader.read(2);
  if (first === 2) return { ok: true, text: '' };
  if (first > 2) return corrupt;
  let w = String.fromCharCode(reader.read(first === 0 ? 8 : 16));
  dictionary.push(w);
  const parts = [w];
  let length = w.length;
  for (;;) {
    if (reader.exhausted || reader.bad) return corrupt;
    let code = reader.read(numBits);
    if (code === 2) return { ok: true, text: parts.join('') };
    if (code < 2) {
      dictionary.push(String.fromCharCode(reader.read(code === 0 ? 8 : 16)));
      code = dictionary.length - 1;
      if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
    }
    let entry: string;
    if (code < dictionary.length && code > 2) entry = dictionary[code]!;
    else if (code === dictionary.length) entry = w + w.charAt(0);
    else return corrupt;
    length += entry.length;
    if (length > maxChars) return tooLarge;
    parts.push(entry);
    dictionary.push(w + entry.charAt(0));
    if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
    w = entry;
  }
}

/** `decompressFromEncodedURIComponent`, refusing output longer than `maxChars`. */
export function decompressUriComponent(input: string, maxChars: number): Decompressed {
  if (input === '') return { ok: false, reason: 'corrupt', message: 'The data is empty.' };
  return decompress(new BitReader(input.replace(/ /g, '+'), URI_TABLE), maxChars);
}

/** `decompressFromBase64`, refusing output longer than `maxChars`. */
export function decompressBase64(input: string, maxChars: number): Decompressed {
  if (input === '') return { ok: false, reason: 'corrupt', message: 'The data is empty.' };
  return decompress(new BitReader(input, BASE64_TABLE), maxChars);
}
