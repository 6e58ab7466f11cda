import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installFastMatMulGrad } from '../../../src/training/matMulGrad';
import { mulberry32 } from '../../../src/training/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

/** Gradients of Σ w ⊙ matMul(a, b, tA, tB) with respect to a and b (w: a fixed random weighting). */
function grads(a: tf.Tensor, b: tf.Tensor, w: tf.Tensor, tA: boolean, tB: boolean): number[][] {
  const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, tf.matMul(x, y, tA, tB))));
  return g([a, b]).map((t) => [...t.dataSync()]);
}

describe('fast BatchMatMul gradient', () => {
  const random = mulberry32(42);
  const dim = () => 1 + Math.floor(random() * 9);
  const cases: [string, number[], boolean, boolean][] = [];
  for (const [tA, tB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    for (let k = 0; k < 3; k++) cases.push([`tA=${tA} tB=${tB} #${k}`, [dim(), dim(), dim(), dim()], tA, tB]);
  }

  it.each(cases)('equals the stock gradient (%s)', (_name, [batch, m, k, n], tA, tB) => {
    const rank3 = batch! % 2 === 0;
    const lead = rank3 ? [batch!] : [];
    const a = tf.randomNormal([...lead, ...(tA ? [k!, m!] : [m!, k!])], 0, 1, 'float32', 1);
    const b = tf.randomNormal([...lead, ...(tB ? [n!, k!] : [k!, n!])], 0, 1, 'float32', 2);
    const w = tf.randomNormal([...lead, m!, n!], 0, 1, 'float32', 3);
    const stock = grads(a, b, w, tA, tB);
    uninstall = installFastMatMulGrad(tf);
    const fast = grads(a, b, w, tA, tB);
    expect(fast.length).toBe(2);
    fast.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - stock[i]![j]!)).toBeLessThan(1e-5)));
  });

  it('replaces the stock gradient and puts it back on uninstall', () => {
    const stock = tf.getGradient('BatchMatMul');
    uninstall = installFastMatMulGrad(tf);
    expect(tf.getGradient('BatchMatMul')).not.toBe(stock);
    uninstall();
    uninstall = undefined;
    expect(tf.getGradient('BatchMatMul')).toBe(stock);
  });

  it('counts overlapping installs: the stock gradient returns after the last uninstall', () => {
    const stock = tf.getGradient('BatchMatMul');
    const first = installFastMatMulGrad(tf);
    const second = installFastMatMulGrad(tf);
    const fast = tf.getGradient('BatchMatMul');
    first();
    first();
    expect(tf.getGradient('BatchMatMul')).toBe(fast);
    second();
    expect(tf.getGradient('BatchMatMul')).toBe(stock);
  });
});
