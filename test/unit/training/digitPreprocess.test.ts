import { describe, expect, it } from 'vitest';
import { IMAGE_SIDE } from '../../../src/core/mnist';
import { preprocessDigit, type InkImage } from '../../../src/training/digitPreprocess';

function canvas(width: number, height: number, ink: (x: number, y: number) => number): InkImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = ink(x, y);
  return { width, height, data };
}

function box(out: Float32Array) {
  let x0 = 99,
    y0 = 99,
    x1 = -1,
    y1 = -1,
    mass = 0,
    mx = 0,
    my = 0;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const v = out[y * IMAGE_SIDE + x]!;
      if (v > 0.05) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: mx / mass, cy: my / mass, mass };
}

describe('preprocessDigit', () => {
  it('returns zeros for an empty pad', () => {
    const out = preprocessDigit(canvas(280, 280, () => 0));
    expect(out).toHaveLength(784);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('scales a tall stroke in a corner to 20 pixels high and centres its mass', () => {
    // A vertical bar 40 px wide and 200 px tall in the top-left corner of a 280×280 pad.
    const out = preprocessDigit(canvas(280, 280, (x, y) => (x >= 10 && x < 50 && y >= 5 && y < 205 ? 1 : 0)));
    const b = box(out);
    expect(b.h).toBe(20);
    expect(b.w).toBe(4);
    expect(Math.abs(b.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(b.cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...out)).toBeCloseTo(1, 5);
  });

  it('keeps a thin diagonal stroke visible after downscaling (area averaging)', () => {
    const out = preprocessDigit(
      canvas(280, 280, (x, y) => (Math.abs(x - y) < 2 && x > 40 && x < 240 ? 1 : 0)),
    );
    const b = box(out);
    expect(b.w).toBeGreaterThanOrEqual(19);
    expect(b.h).toBeGreaterThanOrEqual(19);
    expect(b.mass).toBeGreaterThan(5);
  });

  it('refuses data whose length does not match the size', () => {
    expect(() => preprocessDigit({ width: 10, height: 10, data: new Float32Array(5) })).toThrow(
      /expected 10×10/,
    );
  });
});
