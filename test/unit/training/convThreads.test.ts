/**
 * The conv kernels on two threads (each thread takes half of the images) give exactly the
 * one-thread results — the filter gradient too, because a split call sums its two parts of the
 * images separately on one thread as well — and the split filter gradient is the unsplit one
 * within the stated rounding tolerance; where two threads cannot be had, one runs and says why.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { randomFloats, type ConvCase, type Shape4 } from './convCases';
import { ConvThreads, imagesHere, MIN_SPLIT_WORK } from '../../../src/training/convKernels/convThreads';
import { convKernelThreads, registerConvKernels } from '../../../src/training/convKernels/register';
import { KernelHelper } from '../../../src/training/kernels/kernelThreads';

/**
 * The split filter gradient's tolerance against the unsplit one, relative to Σ|x·dy| over an
 * entry's terms: the two parts' sums added are the same terms summed in another order, and
 * float32 sums of the same terms in two orders differ by a few units in the last place of that
 * magnitude (README: "Two threads").
 */
const FILTER_GRAD_TOLERANCE = 1e-5;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * `kernel`'s output on `threads` threads, every call of more than one image split (or none, with
 * `minWork` Infinity), and how many calls went to both threads.
 */
async function runOn(
  threads: 1 | 2,
  kernel: string,
  inputs: Record<string, [number[], Float32Array]>,
  attrs: Record<string, unknown>,
  minWork = 0,
): Promise<{ values: Float32Array; split: number }> {
  await registerConvKernels(tf, threads);
  const conv = convKernelThreads()!;
  conv.minWork = minWork;
  const splitBefore = conv.splits;
  const before = tf.memory().numTensors;
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [s, v]]) => [k, tf.tensor(v, s)]));
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  tf.dispose([out, ...Object.values(tensors)]);
  expect(tf.memory().numTensors).toBe(before);
  return { values, split: conv.splits - splitBefore };
}

const convCases: ConvCase[] = [
  { x: [3, 12, 12, 6], filter: [5, 5, 6, 10], stride: 1, pad: 'valid' },
  { x: [3, 13, 11, 3], filter: [3, 3, 3, 5], stride: 2, pad: 'same' },
  { x: [5, 9, 9, 7], filter: [3, 2, 7, 9], stride: 2, pad: 'valid' },
  { x: [4, 14, 14, 32], filter: [5, 5, 32, 64], stride: 1, pad: 'same' },
  { x: [2, 28, 28, 1], filter: [5, 5, 1, 32], stride: 1, pad: 'valid' },
  { x: [1, 9, 9, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'same' },
];

function convAttrs(c: ConvCase) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad);
  return {
    dyShape: info.outShape as number[],
    attrs: { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined },
  };
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  KernelHelper.stop();
  await useBackend('wasm');
});

describe('the conv kernels on two threads', () => {
  it('run on two threads in Node', async () => {
    await registerConvKernels(tf, 2);
    expect(convKernelThreads()!.support).toEqual({ threads: 2 });
  });

  it.each(convCases)(
    'Conv2DBackpropInput gives exactly the one-thread gradient: x $x, filter $filter, stride $stride, $pad',
    async (c) => {
      const { dyShape, attrs } = convAttrs(c);
      const inputs: Record<string, [number[], Float32Array]> = {
        dy: [dyShape, randomFloats(size(dyShape), 3)],
        filter: [c.filter, randomFloats(size(c.filter), 4)],
      };
      const one = await runOn(1, 'Conv2DBackpropInput', inputs, { ...attrs, inputShape: c.x });
      const two = await runOn(2, 'Conv2DBackpropInput', inputs, { ...attrs, inputShape: c.x });
      expect(one.split).toBe(0);
      expect(two.split).toBe(c.x[0] > 1 ? 1 : 0);
      expect(one.values.some((v) => v !== 0)).toBe(true);
      expect(two.values).toEqual(one.values);
    },
  );

  it.each(convCases)(
    'Conv2DBackpropFilter gives exactly the one-thread gradient, and the unsplit one within rounding: x $x, filter $filter, stride $stride, $pad',
    async (c) => {
      const { dyShape, attrs } = convAttrs(c);
      const x = randomFloats(size(c.x), 1);
      const dy = randomFloats(size(dyShape), 2);
      const filterAttrs = { ...attrs, filterShape: c.filter };
      const grad = (threads: 1 | 2, xv: Float32Array, dyv: Float32Array, minWork = 0) =>
        runOn(threads, 'Conv2DBackpropFilter', { x: [c.x, xv], dy: [dyShape, dyv] }, filterAttrs, minWork);
      const one = await grad(1, x, dy);
      const two = await grad(2, x, dy);
      expect(two.split).toBe(c.x[0] > 1 ? 1 : 0);
      expect(one.values.some((v) => v !== 0)).toBe(true);
      expect(two.values).toEqual(one.values);
      const unsplit = await grad(1, x, dy, Infinity);
      // Σ|x·dy| of each entry's terms: the scale of its rounding.
      const magnitude = (await grad(1, x.map(Math.abs), dy.map(Math.abs), Infinity)).values;
      let worst = 0;
      unsplit.values.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(two.values[i]! - v) / (magnitude[i]! || 1));
      });
      expect(worst).toBeLessThanOrEqual(FILTER_GRAD_TOLERANCE);
    },
  );

  const poolCases: { x: Shape4; size: number; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [3, 24, 24, 6], size: 2, stride: 2, pad: 'valid' },
    { x: [3, 9, 8, 5], size: 3, stride: 2, pad: 'same' },
    { x: [4, 10, 10, 16], size: 3, stride: 1, pad: 'valid' },
    { x: [1, 7, 7, 3], size: 2, stride: 2, pad: 'same' },
  ];
  it.each(poolCases)(
    'MaxPoolGrad gives exactly the one-thread gradient, ReLU ties included: x $x, pool $size, stride $stride, $pad',
    async (c) => {
      const x = randomFloats(size(c.x), 5).map((v) => Math.max(0, v));
      const xt = tf.tensor4d(x, c.x);
      const y = tf.maxPool(xt, c.size, c.stride, c.pad);
      const inputs: Record<string, [number[], Float32Array]> = {
        dy: [y.shape, randomFloats(y.size, 6)],
        input: [c.x, x],
        output: [y.shape, (await y.data()) as Float32Array],
      };
      tf.dispose([xt, y]);
      const attrs = { filterSize: c.size, strides: c.stride, pad: c.pad, dimRoundingMode: undefined };
      const one = await runOn(1, 'MaxPoolGrad', inputs, attrs);
      const two = await runOn(2, 'MaxPoolGrad', inputs, attrs);
      expect(two.split).toBe(c.x[0] > 1 ? 1 : 0);
      expect(one.values.some((v) => v !== 0)).toBe(true);
      expect(two.values).toEqual(one.values);
    },
  );
});

describe('when a call is split', () => {
  it('splits the CNN preset layers in halves, and keeps small calls and single images on one thread', () => {
    // cnn conv2 at batch 100: 100·8·8 outputs × 5·5·32 inputs × 64 filters.
    expect(imagesHere(100, 100 * 8 * 8 * 5 * 5 * 32 * 64)).toBe(50);
    expect(imagesHere(3, MIN_SPLIT_WORK)).toBe(1);
    expect(imagesHere(64, MIN_SPLIT_WORK - 1)).toBe(0);
    expect(imagesHere(1, 1e12)).toBe(0);
  });
});

describe('without cross-origin isolation', () => {
  const g = globalThis as { crossOriginIsolated?: boolean };
  afterEach(() => delete g.crossOriginIsolated);

  it('run on one thread and say why', async () => {
    g.crossOriginIsolated = false;
    const { threads } = await ConvThreads.start(2);
    expect(threads.support).toEqual({
      threads: 1,
      reason: 'SharedArrayBuffer is not available (the page is not cross-origin isolated)',
    });
    // The same parts as on two threads, one after the other: the same results.
    expect(threads.imagesHere(100, 1e12)).toBe(50);
  });
});
