/**
 * Tensorweave's conv kernels on the tfjs wasm backend give tfjs's cpu backend's results: each
 * kernel on the same random inputs, across padding, strides, odd sizes, batch sizes and channel
 * counts (channel counts that are not multiples of 4 included: the host widens them). Every call
 * of more than one image is split between two threads here (the split rule's threshold lowered
 * to 0), so the comparison covers the two-thread path; `convThreads.test.ts` compares it with one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { randomFloats, type ConvCase, type Shape4 } from './convCases';
import {
  CONV_KERNEL_NAMES,
  convKernelThreads,
  registerConvKernels,
} from '../../../src/training/convKernels/register';
import { KernelHelper } from '../../../src/training/kernels/kernelThreads';

/** Runs `kernel` with float32 `inputs` (name → [shape, values]) on `backend`, returning its output. */
async function run(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, [number[], Float32Array]>,
  attrs: Record<string, unknown>,
): Promise<{ shape: number[]; values: Float32Array }> {
  await useBackend(backend);
  const memory = tf.memory().numTensors;
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([k, [shape, v]]) => [k, tf.tensor(v, shape)]),
  );
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: (await out.data()) as Float32Array };
  tf.dispose([out, ...Object.values(tensors)]);
  expect(tf.memory().numTensors).toBe(memory);
  return result;
}

async function expectSameOnBothBackends(
  kernel: string,
  inputs: Record<string, [number[], Float32Array]>,
  attrs: Record<string, unknown>,
): Promise<void> {
  const cpu = await run('cpu', kernel, inputs, attrs);
  const wasm = await run('wasm', kernel, inputs, attrs);
  expect(wasm.shape).toEqual(cpu.shape);
  let worst = 0;
  for (let i = 0; i < cpu.values.length; i++) {
    const scale = Math.max(1, Math.abs(cpu.values[i]!));
    worst = Math.max(worst, Math.abs(wasm.values[i]! - cpu.values[i]!) / scale);
  }
  expect(worst).toBeLessThan(1e-4);
  // A kernel that wrote nothing (all zeros) would pass against a zero gradient: there is none here.
  expect(cpu.values.some((v) => v !== 0)).toBe(true);
}

const convCases: ConvCase[] = [
  { x: [1, 28, 28, 1], filter: [5, 5, 1, 8], stride: 1, pad: 'valid' },
  { x: [3, 12, 12, 8], filter: [5, 5, 8, 16], stride: 1, pad: 'valid' },
  { x: [2, 14, 14, 8], filter: [5, 5, 8, 16], stride: 1, pad: 'same' },
  { x: [2, 13, 11, 3], filter: [3, 3, 3, 5], stride: 2, pad: 'same' },
  { x: [4, 9, 9, 6], filter: [3, 2, 6, 7], stride: 2, pad: 'valid' },
  { x: [2, 7, 10, 4], filter: [4, 4, 4, 12], stride: [1, 2], pad: 'same' },
  { x: [1, 5, 5, 32], filter: [5, 5, 32, 64], stride: 1, pad: 'same' },
  { x: [2, 6, 6, 2], filter: [1, 1, 2, 3], stride: 1, pad: 'valid' },
];

function convGeometry(c: ConvCase) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad);
  return {
    dyShape: info.outShape,
    attrs: { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined },
  };
}

describe('the conv kernels on the wasm backend', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    convKernelThreads()!.minWork = 0;
  });
  afterAll(async () => {
    await useBackend('wasm');
    // Every multi-image case went through both threads.
    expect(convKernelThreads()!.support.threads).toBe(2);
    expect(convKernelThreads()!.splits).toBeGreaterThanOrEqual(15);
    KernelHelper.stop();
  });

  it('are registered for every kernel they provide, once the wasm backend starts', async () => {
    await useBackend('wasm');
    expect(await registerConvKernels(tf)).toBe(true);
    for (const name of CONV_KERNEL_NAMES) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it.each(convCases)(
    'Conv2DBackpropFilter equals tfjs cpu: x $x, filter $filter, stride $stride, $pad',
    async (c) => {
      const { dyShape, attrs } = convGeometry(c);
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      await expectSameOnBothBackends(
        'Conv2DBackpropFilter',
        { x: [c.x, randomFloats(size(c.x), 1)], dy: [dyShape, randomFloats(size(dyShape), 2)] },
        { ...attrs, filterShape: c.filter },
      );
    },
  );

  it.each(convCases)(
    'Conv2DBackpropInput equals tfjs cpu: x $x, filter $filter, stride $stride, $pad',
    async (c) => {
      const { dyShape, attrs } = convGeometry(c);
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      await expectSameOnBothBackends(
        'Conv2DBackpropInput',
        {
          dy: [dyShape, randomFloats(size(dyShape), 3)],
          filter: [c.filter, randomFloats(size(c.filter), 4)],
        },
        { ...attrs, inputShape: c.x },
      );
    },
  );

  const poolCases: { x: Shape4; size: number; stride: number; pad: 'same' | 'valid'; relu: boolean }[] = [
    { x: [2, 24, 24, 8], size: 2, stride: 2, pad: 'valid', relu: true },
    { x: [1, 7, 7, 3], size: 2, stride: 2, pad: 'same', relu: false },
    { x: [3, 9, 8, 5], size: 3, stride: 2, pad: 'same', relu: true },
    { x: [2, 10, 10, 16], size: 3, stride: 1, pad: 'valid', relu: false },
  ];
  it.each(poolCases)(
    'MaxPoolGrad equals tfjs cpu, ties included: x $x, pool $size, stride $stride, $pad',
    async (c) => {
      const size = c.x.reduce((a, b) => a * b, 1);
      // After a ReLU many window entries are equal (0): the gradient must go to the first one.
      const x = randomFloats(size, 5).map((v) => (c.relu ? Math.max(0, v) : v));
      await useBackend('cpu');
      const xt = tf.tensor(x, c.x);
      const y = tf.maxPool(xt as tf.Tensor4D, c.size, c.stride, c.pad);
      const yShape = y.shape;
      const output = (await y.data()) as Float32Array;
      tf.dispose([xt, y]);
      await expectSameOnBothBackends(
        'MaxPoolGrad',
        {
          dy: [yShape, randomFloats(output.length, 6)],
          input: [c.x, x],
          output: [yShape, output],
        },
        { filterSize: c.size, strides: c.stride, pad: c.pad, dimRoundingMode: undefined },
      );
    },
  );
});
