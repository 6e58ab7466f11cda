import { readFileSync } from 'node:fs';
import LZ from 'lz-string';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printable } from '../../../../src/cli/format';
import { decompressBase64, decompressUriComponent } from '../../../../src/core/util/boundedLzString';
import { checkJsonDepth, lineAndColumn } from '../../../../src/core/util/jsonDepth';
import { decodeText } from '../../../../src/core/util/textDecoding';

describe('checkJsonDepth', () => {
  it.each([
    ['1', 0],
    ['[]', 1],
    ['{"a":[{"b":[]}]}', 4],
    ['"[[[[[["', 0],
    ['["\\"[[[", {"x": "\\\\"}]', 2],
  ])('measures %s as depth %i', (text, depth) => {
    expect(checkJsonDepth(text, 64)).toEqual({ ok: true, depth });
  });

  it('stops at the first place deeper than the limit, without recursion', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(checkJsonDepth(text, 64)).toEqual({ ok: false, depth: 65, offset: 64 });
  });

  it('agrees with a recursive walk of what JSON.parse builds', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        expect(checkJsonDepth(text, 64)).toEqual({ ok: true, depth: depthOf(value) });
      }),
      { numRuns: 2000 },
    );
  });

  it('turns an offset into a line and column', () => {
    expect(lineAndColumn('{\n  "a": [\n[', 11)).toEqual({ line: 3, column: 1 });
  });
});

describe('bounded lz-string decompression', () => {
  it('reads what lz-string writes, in both formats', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        fc.pre(text.length > 0);
        expect(decompressUriComponent(LZ.compressToEncodedURIComponent(text), 1e6)).toEqual({
          ok: true,
          text,
        });
        expect(decompressBase64(LZ.compressToBase64(text), 1e6)).toEqual({ ok: true, text });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a bomb as soon as the output passes the cap', () => {
    // 6 KB that lz-string expands to 6 million characters (made once by test/fixtures/hostile's
    // README recipe: compressing takes lz-string ~30 s, decompressing it whole ~1 s and 12 MB).
    const bomb = readFileSync(
      new URL('../../../fixtures/hostile/share-token-bomb-6M.txt', import.meta.url),
      'utf8',
    ).trim();
    expect(bomb.length).toBeLessThan(7000);
    expect(decompressUriComponent(bomb, 5 * 1024 * 1024)).toMatchObject({ ok: false, reason: 'too-large' });
    const whole = decompressUriComponent(bomb, 10_000_000);
    expect(whole.ok && whole.text.length).toBe(6_000_038);
  });

  it.each(['!!!', 'A', '$$$$$$$$$$$$', '***'])('calls %s corrupt instead of throwing', (token) => {
    expect(decompressUriComponent(token, 1000)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('never throws on random tokens', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (token) => {
        const result = decompressUriComponent(token, 10_000);
        if (result.ok) expect(result.text.length).toBeLessThanOrEqual(10_000);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('decodeText', () => {
  const utf16le = (s: string, bom: boolean) => {
    const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
    if (bom) out.set([0xff, 0xfe]);
    for (let i = 0; i < s.length; i++) {
      out[(bom ? 2 : 0) + i * 2] = s.charCodeAt(i) & 0xff;
      out[(bom ? 2 : 0) + i * 2 + 1] = s.charCodeAt(i) >> 8;
    }
    return out;
  };

  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeText(new TextEncoder().encode('{"ü":1}'))).toEqual({
      text: '{"ü":1}',
      encoding: 'UTF-8',
      bom: false,
    });
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    expect(decodeText(withBom)).toEqual({ text: '{}', encoding: 'UTF-8', bom: true });
  });

  it('recognises UTF-16 by its BOM or by its zero bytes', () => {
    expect(decodeText(utf16le('{"name":"x"}', true))).toEqual({
      text: '{"name":"x"}',
      encoding: 'UTF-16LE',
      bom: true,
    });
    expect(decodeText(utf16le('{"name":"x"}', false))).toEqual({
      text: '{"name":"x"}',
      encoding: 'UTF-16LE',
      bom: false,
    });
    const be = utf16le('{"a":2}', false);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!];
    expect(decodeText(new Uint8Array([0xfe, 0xff, ...be]))).toEqual({
      text: '{"a":2}',
      encoding: 'UTF-16BE',
      bom: true,
    });
  });
});

describe('printable', () => {
  it('shows control characters as escapes and keeps the rest', () => {
    expect(printable('dense\u001b[2J\u001b]0;pwned\u0007\u0000ü')).toBe(
      'dense\\u001b[2J\\u001b]0;pwned\\u0007\\u0000ü',
    );
    expect(printable('a\u202eb')).toBe('a\\u202eb');
    expect(printable('two\nlines\ttab')).toBe('two\nlines\ttab');
  });
});
