/**
 * Turns a hand-drawn digit into an MNIST-like input, the way MNIST itself was made: crop to
 * the ink, scale so the longer side is 20 pixels (keeping the aspect ratio, area-averaged so
 * thin strokes survive), then place it in a 28×28 field with its centre of mass at the centre.
 */

import { IMAGE_SIDE } from '../core/mnist';
const BOX = 20;
/** Ink below this intensity is ignored when finding the bounding box (anti-aliasing fringe). */
const INK_THRESHOLD = 0.05;

export interface InkImage {
  width: number;
  height: number;
  /** Row-major ink intensities in [0, 1] (1 = full ink), length width × height. */
  data: Float32Array;
}

/** 784 values in [0, 1], row-major, or all zeros when there is no ink. */
export function preprocessDigit(image: InkImage): Float32Array {
  const { width, height, data } = image;
  if (data.length !== width * height) {
    throw new Error(`preprocessDigit: data has ${data.length} values, expected ${width}×${height}.`);
  }
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x]! > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const out = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  if (x1 < 0) return out;

  const cropW = x1 - x0 + 1;
  const cropH = y1 - y0 + 1;
  const scale = BOX / Math.max(cropW, cropH);
  const w = Math.max(1, Math.round(cropW * scale));
  const h = Math.max(1, Math.round(cropH * scale));
  const small = resizeArea(data, width, x0, y0, cropW, cropH, w, h);

  // Centre of mass of the scaled digit, then shift it to the middle of the 28×28 field.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x]!;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const cx = mass > 0 ? mx / mass : w / 2;
  const cy = mass > 0 ? my / mass : h / 2;
  const left = clamp(Math.round(IMAGE_SIDE / 2 - cx), 0, IMAGE_SIDE - w);
  const top = clamp(Math.round(IMAGE_SIDE / 2 - cy), 0, IMAGE_SIDE - h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out[(top + y) * IMAGE_SIDE + left + x] = Math.min(1, small[y * w + x]!);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Area-averaging resize of the crop (sx, sy, sw, sh) of a row-major image to w × h: each
 * output pixel is the mean of the source area it covers, with fractional edge weights.
 */
function resizeArea(
  src: Float32Array,
  stride: number,
  sx: number,
  sy: number,
  sw: number,
  sh: number,
  w: number,
  h: number,
): Float32Array {
  const out = new Float32Array(w * h);
  const fx = sw / w;
  const fy = sh / h;
  for (let ty = 0; ty < h; ty++) {
    const ya = ty * fy;
    const yb = ya + fy;
    for (let tx = 0; tx < w; tx++) {
      const xa = tx * fx;
      const xb = xa + fx;
      let sum = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += wx * wy * src[(sy + y) * stride + sx + x]!;
        }
      }
      out[ty * w + tx] = sum / (fx * fy);
    }
  }
  return out;
}
