/**
 * `npx tsx bench/conv/kernelTimes.ts`: the best time (ms) of each convolution-training kernel on
 * the wasm backend for the bench CNNs' layers — ours and, where it has one, tfjs's own — to see
 * where a step's time goes. Best of many runs, so a busy machine inflates it least.
 */
import { tf, useBackend } from '../../src/cli/nodeEnv';
import { registerConvKernels, restoreTfjsConvKernels } from '../../src/training/convKernels/register';

type Shape4 = [number, number, number, number];
interface Layer {
  name: string;
  x: Shape4;
  filter: Shape4;
  pad: 'same' | 'valid';
}

const LAYERS: Layer[] = [
  { name: 'cnn conv1', x: [100, 28, 28, 1], filter: [5, 5, 1, 32], pad: 'valid' },
  { name: 'cnn conv2', x: [100, 12, 12, 32], filter: [5, 5, 32, 64], pad: 'valid' },
  { name: 'deep conv1', x: [50, 28, 28, 1], filter: [5, 5, 1, 32], pad: 'same' },
  { name: 'deep conv2', x: [50, 14, 14, 32], filter: [5, 5, 32, 64], pad: 'same' },
];

function best(fn: () => tf.Tensor, reps = 15): number {
  fn().dispose();
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    out.dataSync();
    min = Math.min(min, performance.now() - t0);
    out.dispose();
  }
  return min;
}

async function main(): Promise<void> {
  await useBackend('wasm');
  const rows: Record<string, string | number>[] = [];
  for (const l of LAYERS) {
    const x = tf.randomNormal(l.x) as tf.Tensor4D;
    const w = tf.randomNormal(l.filter) as tf.Tensor4D;
    const y = tf.conv2d(x, w, 1, l.pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const relu = tf.relu(y) as tf.Tensor4D;
    const pooled = tf.maxPool(relu, 2, 2, 'valid');
    const dPooled = tf.randomNormal(pooled.shape);
    const kernels = {
      forward: () => tf.conv2d(x, w, 1, l.pad),
      filterGrad: () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: l.pad, dataFormat: 'NHWC', filterShape: l.filter },
          ) as tf.Tensor,
      inputGrad: () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter: w },
            { strides: 1, pad: l.pad, dataFormat: 'NHWC', inputShape: l.x },
          ) as tf.Tensor,
      maxPool: () => tf.maxPool(relu, 2, 2, 'valid'),
      maxPoolGrad: () =>
        tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: dPooled, input: relu, output: pooled },
            { filterSize: 2, strides: 2, pad: 'valid' },
          ) as tf.Tensor,
    };
    const row: Record<string, string | number> = { layer: l.name };
    for (const [k, fn] of Object.entries(kernels)) row[k] = +best(fn).toFixed(3);
    restoreTfjsConvKernels(tf);
    row['tfjs inputGrad'] = +best(kernels.inputGrad, 3).toFixed(3);
    row['tfjs maxPoolGrad'] = +best(kernels.maxPoolGrad, 3).toFixed(3);
    await registerConvKernels(tf);
    rows.push(row);
    tf.dispose([x, w, y, dy, relu, pooled, dPooled]);
  }
  console.table(rows);
}

void main();
