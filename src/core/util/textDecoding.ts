/**
 * Bytes → text for files people hand us: UTF-8 with or without a byte-order mark, and UTF-16
 * (little or big endian, with a BOM, or recognised by its zero bytes), which Windows editors
 * write. The encoding found is returned so that messages can say "UTF-16".
 */

export type TextEncodingName = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** Whether the file began with a byte-order mark. */
  bom: boolean;
}

/** UTF-16 without a BOM: ASCII text then has a zero in every other byte. */
function sniffUtf16(bytes: Uint8Array): TextEncodingName | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 512);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros === 0) return 'UTF-16LE';
  if (evenZeros > pairs * 0.4 && oddZeros === 0) return 'UTF-16BE';
  return undefined;
}

/** Decode `bytes` as the encoding they carry (invalid sequences become U+FFFD, never throw). */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8', bom: true };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16LE', bom: true };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16BE', bom: true };
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) {
    return { text: new TextDecoder(utf16.toLowerCase()).decode(bytes), encoding: utf16, bom: false };
  }
  return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'UTF-8', bom: false };
}
