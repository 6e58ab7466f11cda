import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import {
  decodeShareToken,
  embedGraphInPng,
  encodeShareToken,
  extractGraphFromPng,
  shareTokenFromHash,
  shareUrl,
} from '../../../src/core/exchange/graphCarriers';
import { loadPreset } from './fixtures';

/** A real 2×2 PNG, built by hand so the test needs no image library. */
function tinyPng(): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array([...Buffer.from(type, 'latin1'), ...data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    Buffer.from(body).copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const raw = Buffer.from([0, 0, 255, 0, 255, 0]);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array()),
    ]),
  );
}

describe('share links', () => {
  it('round-trip a document exactly through a URL', () => {
    const doc = loadPreset('hidden-layer');
    const url = shareUrl('http://localhost:5173/?x=1', doc);
    expect(url.startsWith('http://localhost:5173/?x=1#graph=')).toBe(true);
    const token = shareTokenFromHash(new URL(url).hash);
    expect(token).toBeDefined();
    expect(decodeShareToken(token!)).toEqual({ ok: true, value: doc });
    expect(url.length).toBeLessThan(2000);
  });

  it.each([
    ['garbage', /damaged/],
    [encodeShareToken({ format: 'other' } as never), /not a Tensorweave graph/],
  ])('refuses a bad token %#', (token, message) => {
    const r = decodeShareToken(token);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('graphs inside PNG pictures', () => {
  it('round-trip a document and keep the picture readable', () => {
    const doc = loadPreset('beginner');
    const png = tinyPng();
    const withGraph = embedGraphInPng(png, doc);
    expect(withGraph.length).toBeGreaterThan(png.length);
    expect(Array.from(withGraph.subarray(0, 8))).toEqual(Array.from(png.subarray(0, 8)));
    expect(extractGraphFromPng(withGraph)).toEqual({ ok: true, value: doc });
  });

  it('refuses a PNG without a graph and a file that is not a PNG', () => {
    expect(extractGraphFromPng(tinyPng())).toEqual({
      ok: false,
      error: 'This PNG holds no Tensorweave graph. Only pictures saved by Tensorweave carry one.',
    });
    expect(extractGraphFromPng(new TextEncoder().encode('{"format":"tensorweave-graph"}'))).toEqual({
      ok: false,
      error: 'The file is not a PNG picture.',
    });
  });
});
