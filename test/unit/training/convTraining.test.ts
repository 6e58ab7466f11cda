/**
 * A few training steps of a tiny CNN on the wasm backend with Tensorweave's conv kernels land on
 * the same weights as on tfjs's cpu backend (every conv-training kernel the step needs is on
 * the path: filter and input gradients, max- and average-pool gradients, batch norm), on one
 * thread and on two, and keep no more tensors than the cpu run.
 */
import { describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { MIN_SPLIT_WORK, type ConvThreads } from '../../../src/training/convKernels/convThreads';
import { convKernelThreads, registerConvKernels } from '../../../src/training/convKernels/register';
import { KernelHelper } from '../../../src/training/kernels/kernelThreads';
import { mulberry32 } from '../../../src/training/random';

const BATCH = 6;
const STEPS = 5;

function tinyCnn(): tf.Sequential {
  const L = tf.layers;
  return tf.sequential({
    layers: [
      L.conv2d({ inputShape: [13, 13, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2, padding: 'same' }),
      L.conv2d({ filters: 6, kernelSize: 3, strides: 2, useBias: false, activation: 'relu' }),
      L.batchNormalization(),
      L.averagePooling2d({ poolSize: 2, strides: 1 }),
      L.flatten(),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function floats(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: count }, () => next());
}

/**
 * Weights after `STEPS` Adam steps from the given start, on `backend`; the loss of each step; the
 * conv-kernel calls that went to both threads. On wasm, the kernels run on `threads` threads and
 * split calls of at least `minWork` multiply-adds (0: every call of more than one image).
 */
async function trainOn(
  backend: 'cpu' | 'wasm',
  start: Float32Array[],
  threads: 1 | 2 = 1,
  minWork = MIN_SPLIT_WORK,
): Promise<{ weights: Float32Array[]; losses: number[]; leaked: number; split: number }> {
  await useBackend(backend);
  let conv: ConvThreads | undefined;
  if (backend === 'wasm') {
    await registerConvKernels(tf, threads);
    conv = convKernelThreads()!;
    conv.minWork = minWork;
  }
  const splitBefore = conv?.splits ?? 0;
  const before = tf.memory().numTensors;
  const model = tinyCnn();
  const initial = model.getWeights().map((w, i) => tf.tensor(start[i]!, w.shape));
  model.setWeights(initial);
  tf.dispose(initial);
  const optimizer = tf.train.adam(0.01);
  const xs = tf.tensor4d(floats(BATCH * 13 * 13, 7), [BATCH, 13, 13, 1]);
  const ys = tf.oneHot(tf.tensor1d([0, 3, 5, 7, 9, 1], 'int32'), 10);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor),
      true,
      variables,
    )!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  const split = (conv?.splits ?? 0) - splitBefore;
  return { weights, losses, leaked: tf.memory().numTensors - before, split };
}

/** The largest absolute difference between two runs' weights, per weight array. */
const worstDifference = (a: Float32Array[], b: Float32Array[]) =>
  a.map((w, i) => w.reduce((worst, v, j) => Math.max(worst, Math.abs(v - b[i]![j]!)), 0));

describe('training a CNN on the wasm backend with the conv kernels', () => {
  it('gives the cpu backend\u2019s weights after a few Adam steps, and keeps no more tensors than it', async () => {
    await useBackend('cpu');
    const init = tinyCnn();
    const start = init.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    init.dispose();
    const cpu = await trainOn('cpu', start);
    const wasm = await trainOn('wasm', start);
    // tfjs-layers caches a scalar per backend on first use: a second run must leave nothing.
    // tfjs-layers caches scalars per backend on first use, and its layers keep one tensor per
    // model on either backend: the wasm path with the conv kernels must keep no more than cpu.
    const cpuAgain = await trainOn('cpu', start);
    expect((await trainOn('wasm', start)).leaked).toBe(cpuAgain.leaked);
    expect(cpuAgain.leaked).toBeLessThanOrEqual(1);
    expect(wasm.losses.length).toBe(STEPS);
    for (let s = 0; s < STEPS; s++) expect(wasm.losses[s]).toBeCloseTo(cpu.losses[s]!, 4);
    // It trained: the loss moved and every weight array changed.
    expect(cpu.losses.at(-1)).toBeLessThan(cpu.losses[0]!);
    cpu.weights.forEach((w, i) => {
      const moved = w.some((v, j) => v !== start[i]![j]);
      expect(moved, `weight ${i} moved`).toBe(true);
    });
    worstDifference(cpu.weights, wasm.weights).forEach((d, i) => expect(d, `weight ${i}`).toBeLessThan(1e-4));
  });

  it('gives exactly the one-thread weights with the conv kernels on two threads, and keeps no more tensors', async () => {
    await useBackend('cpu');
    const init = tinyCnn();
    const start = init.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    init.dispose();
    const cpu = await trainOn('cpu', start);
    const one = await trainOn('wasm', start, 1, 0);
    const two = await trainOn('wasm', start, 2, 0);
    expect(convKernelThreads()!.support).toEqual({ threads: 2 });
    // Per step: both filter gradients, the second convolution's input gradient, the max pool's,
    // and the dense layer's two gradient products (its forward product is tfjs's fused one).
    expect(one.split).toBe(0);
    expect(two.split).toBe(6 * STEPS);
    expect(two.leaked).toBe(one.leaked);
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toEqual(one.weights);
    worstDifference(cpu.weights, two.weights).forEach((d, i) => expect(d, `weight ${i}`).toBeLessThan(1e-4));
    KernelHelper.stop();
  });
});
