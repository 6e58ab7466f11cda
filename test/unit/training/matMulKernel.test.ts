/**
 * BatchMatMul on the conv kernels (`convKernels/matMulKernel.ts`, `assembly/conv/matMul.ts`): the
 * products of tfjs's cpu backend for every transpose flag a dense layer and its gradients use,
 * on sizes that cross every tile and cache-block edge; exactly the one-thread result on two
 * threads; tfjs's own kernel, unchanged, for what it declines; and no tensor left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { randomFloats } from './convCases';
import { matMulPlan } from '../../../src/training/convKernels/matMulKernel';
import {
  convKernelThreads,
  registerConvKernels,
  restoreTfjsConvKernels,
  runsOnConvKernels,
} from '../../../src/training/convKernels/register';
import { KernelHelper } from '../../../src/training/kernels/kernelThreads';

interface Product {
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

const shapes = (p: Product) => ({
  a: p.transposeA ? [p.k, p.m] : [p.m, p.k],
  b: p.transposeB ? [p.n, p.k] : [p.k, p.n],
});

/** `p`'s product of seeded operands on the active backend, and the tensors left over. */
async function product(
  p: Product,
  seed: number,
  abs = false,
): Promise<{ values: Float32Array; leaked: number }> {
  const { a, b } = shapes(p);
  const before = tf.memory().numTensors;
  const f = (v: Float32Array) => (abs ? v.map(Math.abs) : v);
  const at = tf.tensor(f(randomFloats(a[0]! * a[1]!, seed)), a);
  const bt = tf.tensor(f(randomFloats(b[0]! * b[1]!, seed + 1)), b);
  const out = tf.matMul(at, bt, p.transposeA, p.transposeB);
  expect(out.shape).toEqual([p.m, p.n]);
  const values = (await out.data()) as Float32Array;
  tf.dispose([at, bt, out]);
  return { values, leaked: tf.memory().numTensors - before };
}

/** The same product on tfjs's cpu backend (its reference loops), then back on wasm. */
async function onCpu(p: Product, seed: number, abs = false): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const { values } = await product(p, seed, abs);
  await useBackend('wasm');
  return values;
}

// Tiles are 4 rows × 8 columns, k blocks 256, row chunks 64: sizes on and off every edge.
const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
];
const sizes: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 21],
  [4, 256, 8],
  [5, 300, 17],
  [70, 600, 9],
  [66, 257, 40],
  [1, 2000, 32],
];
const cases: Product[] = sizes.flatMap(([m, k, n]) =>
  flags.map(([transposeA, transposeB]) => ({ m, k, n, transposeA, transposeB })),
);

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  KernelHelper.stop();
  await useBackend('wasm');
});

describe('BatchMatMul on the conv kernels', () => {
  it('computes the wasm backend’s BatchMatMul (and not the cpu backend’s)', async () => {
    expect(runsOnConvKernels(tf, 'BatchMatMul')).toBe(true);
    await tf.setBackend('cpu');
    expect(runsOnConvKernels(tf, 'BatchMatMul')).toBe(false);
    await useBackend('wasm');
  });

  it.each(cases)(
    'gives the cpu backend’s product: $m × $k by $k × $n, transposeA $transposeA, transposeB $transposeB',
    async (p) => {
      const ours = await product(p, 11);
      expect(ours.leaked).toBe(0);
      const reference = await onCpu(p, 11);
      // Float32 sums of the same terms in another order: within a few ulps of Σ|a·b|.
      const magnitude = await onCpu(p, 11, true);
      let worst = 0;
      reference.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(ours.values[i]! - v) / (magnitude[i]! || 1));
      });
      expect(worst).toBeLessThan(1e-5);
      expect(ours.values.some((v) => v !== 0)).toBe(true);
    },
  );

  it.each(cases.filter((p) => p.n > 8))(
    'gives exactly the one-thread product on two threads: $m × $k by $k × $n, transposeA $transposeA, transposeB $transposeB',
    async (p) => {
      await registerConvKernels(tf, 1);
      const one = await product(p, 5);
      await registerConvKernels(tf, 2);
      const threads = convKernelThreads()!;
      expect(threads.support).toEqual({ threads: 2 });
      threads.minWork = 0;
      const before = threads.splits;
      const two = await product(p, 5);
      threads.minWork = Infinity;
      expect(threads.splits - before).toBe(1);
      expect(two.values).toEqual(one.values);
    },
  );

  it('leaves batches of matrices and doubly transposed products to tfjs, with tfjs’s results', async () => {
    const run = async () => {
      const a = tf.tensor3d(randomFloats(2 * 3 * 5, 1), [2, 3, 5]);
      const b = tf.tensor3d(randomFloats(2 * 5 * 4, 2), [2, 5, 4]);
      const c = tf.tensor2d(randomFloats(5 * 3, 3), [5, 3]);
      const d = tf.tensor2d(randomFloats(4 * 5, 4), [4, 5]);
      const batched = tf.matMul(a, b);
      const both = tf.matMul(c, d, true, true);
      const values = [await batched.data(), await both.data()];
      tf.dispose([a, b, c, d, batched, both]);
      return values;
    };
    const ours = await run();
    restoreTfjsConvKernels(tf);
    const theirs = await run();
    await registerConvKernels(tf);
    expect(ours).toEqual(theirs);
    expect(
      matMulPlan(
        { shape: [2, 3, 5], dtype: 'float32' },
        { shape: [2, 5, 4], dtype: 'float32' },
        false,
        false,
      ),
    ).toBe(undefined);
    expect(
      matMulPlan({ shape: [5, 3], dtype: 'float32' }, { shape: [4, 5], dtype: 'float32' }, true, true),
    ).toBe(undefined);
    expect(
      matMulPlan({ shape: [1, 3, 5], dtype: 'float32' }, { shape: [5, 4], dtype: 'float32' }, false, false),
    ).toEqual({
      m: 3,
      k: 5,
      n: 4,
    });
  });

  it('keeps a leading dimension of 1 in the output shape, as tfjs does', async () => {
    const a = tf.tensor3d(randomFloats(3 * 5, 1), [1, 3, 5]);
    const b = tf.tensor2d(randomFloats(5 * 4, 2), [5, 4]);
    const out = tf.matMul(a, b);
    expect(out.shape).toEqual([1, 3, 4]);
    tf.dispose([a, b, out]);
  });
});
