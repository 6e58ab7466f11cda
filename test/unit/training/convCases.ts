/** What the conv kernel tests share: a case's geometry and its seeded random operands. */
import { mulberry32 } from '../../../src/training/random';

export type Shape4 = [number, number, number, number];

/** A convolution to test: input and filter shapes, stride and padding. */
export interface ConvCase {
  x: Shape4;
  filter: Shape4;
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

/** `count` floats in [−1, 1), the same for a given seed. */
export function randomFloats(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: count }, () => next() * 2 - 1);
}
