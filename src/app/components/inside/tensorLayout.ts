/**
 * How a tensor is drawn, decided by its shape alone (so new node types such as convolutions
 * need no case of their own): 784 values as the 28×28 image, 10 as score bars, h×w×c maps as
 * c tiles, any other vector as a square-ish heat map (625 → 25×25).
 */
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES } from '../../../core/mnist';

export type TensorLayout =
  | { kind: 'image'; side: number }
  | { kind: 'bars' }
  | { kind: 'tiles'; height: number; width: number; channels: number }
  | { kind: 'heat'; width: number; height: number };

export function layoutOf(shape: readonly number[]): TensorLayout {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 3 && shape[2]! > 1)
    return { kind: 'tiles', height: shape[0]!, width: shape[1]!, channels: shape[2]! };
  if (size === IMAGE_SIZE) return { kind: 'image', side: IMAGE_SIDE };
  if (size === NUM_CLASSES) return { kind: 'bars' };
  if (shape.length >= 2 && shape.length <= 3) return { kind: 'heat', height: shape[0]!, width: shape[1]! };
  const width = Math.ceil(Math.sqrt(size));
  return { kind: 'heat', width, height: Math.ceil(size / width) };
}

/** Whether ten scores are probabilities (after Softmax) rather than logits. */
export function areProbabilities(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v > 1) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

export interface Range {
  min: number;
  max: number;
}

/** Lowest and highest of `values[from]`, `values[from + step]`, … before `to`. */
export function rangeOf(values: ArrayLike<number>, from = 0, to = values.length, step = 1): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i += step) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/**
 * RGB for a value: a diverging blue–black–orange scale centred on 0 when the range has both
 * signs (weights, logits, tanh), else a dark-to-bright sequential one (sigmoid, ReLU, pixels).
 */
export function colourOf(v: number, range: Range): [number, number, number] {
  if (range.min < 0 && range.max > 0) {
    const m = Math.max(-range.min, range.max);
    const t = Math.max(-1, Math.min(1, v / m));
    return t >= 0
      ? [Math.round(20 + 235 * t), Math.round(20 + 140 * t), Math.round(20 + 20 * t)]
      : [Math.round(20 - 10 * t), Math.round(20 - 110 * t), Math.round(20 - 235 * t)];
  }
  const span = range.max - range.min || 1;
  const t = Math.max(0, Math.min(1, (v - range.min) / span));
  return [Math.round(15 + 240 * t), Math.round(15 + 215 * t ** 1.2), Math.round(40 + 110 * t ** 2)];
}

/** A value as a short, readable number. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1000 || a < 0.001 ? v.toExponential(2) : v.toPrecision(3);
}

/** Range of one channel of an h×w×c tensor stored channel-last (a tile of a feature map). */
export function channelRange(values: ArrayLike<number>, channels: number, channel: number): Range {
  return rangeOf(values, channel, values.length, channels);
}

/** How wide a feature map's tiles are drawn: many channels get smaller tiles, so they fit. */
export function tilePixels(channels: number): number {
  return channels <= 16 ? 64 : channels <= 32 ? 48 : 36;
}
