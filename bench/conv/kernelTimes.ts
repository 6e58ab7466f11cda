/**
 * `npx tsx bench/conv/kernelTimes.ts`: the best time (ms) of each convolution-training kernel on
 * the wasm backend for the bench CNNs' layers — ours on one thread and on two (`1t`, `2t`) and,
 * where it has one, tfjs's own — to see where a step's time goes. Best of many runs, so a busy
 * machine inflates it least. `--sweep`: ours as one call and split between the two threads at
 * growing batch sizes, with each call's multiply-adds, to see where splitting starts to pay
 * (`MIN_SPLIT_WORK`).
 */
import { tf, useBackend } from '../../src/cli/nodeEnv';
import { MIN_SPLIT_WORK } from '../../src/training/convKernels/convThreads';
import {
  convKernelThreads,
  registerConvKernels,
  restoreTfjsConvKernels,
} from '../../src/training/convKernels/register';
import { KernelHelper } from '../../src/training/kernels/kernelThreads';

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

/** The gradient kernels of layer `l`, on random operands (`dispose` frees them). */
function layerKernels(l: Layer) {
  const x = tf.randomNormal(l.x) as tf.Tensor4D;
  const w = tf.randomNormal(l.filter) as tf.Tensor4D;
  const y = tf.conv2d(x, w, 1, l.pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const relu = tf.relu(y) as tf.Tensor4D;
  const pooled = tf.maxPool(relu, 2, 2, 'valid');
  const dPooled = tf.randomNormal(pooled.shape);
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
    tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  const conv = { strides: 1, pad: l.pad, dataFormat: 'NHWC' };
  return {
    forward: () => tf.conv2d(x, w, 1, l.pad),
    filterGrad: run('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: l.filter }),
    inputGrad: run('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: l.x }),
    maxPool: () => tf.maxPool(relu, 2, 2, 'valid'),
    maxPoolGrad: run(
      'MaxPoolGrad',
      { dy: dPooled, input: relu, output: pooled },
      { filterSize: 2, strides: 2, pad: 'valid' },
    ),
    /** Multiply-adds of a gradient, window reads of the pool's. */
    work: y.size * l.filter[0] * l.filter[1] * l.filter[2],
    poolWork: pooled.size * 4,
    dispose: () => tf.dispose([x, w, y, dy, relu, pooled, dPooled]),
  };
}

async function table(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const l of LAYERS) {
    const k = layerKernels(l);
    const row: Record<string, string | number> = { layer: l.name };
    for (const threads of [1, 2] as const) {
      await registerConvKernels(tf, threads);
      if (threads === 1) {
        row['forward'] = +best(k.forward).toFixed(3);
        row['maxPool'] = +best(k.maxPool).toFixed(3);
      }
      for (const name of ['filterGrad', 'inputGrad', 'maxPoolGrad'] as const) {
        row[`${name} ${threads}t`] = +best(k[name]).toFixed(3);
      }
    }
    restoreTfjsConvKernels(tf);
    row['tfjs inputGrad'] = +best(k.inputGrad, 3).toFixed(3);
    row['tfjs maxPoolGrad'] = +best(k.maxPoolGrad, 3).toFixed(3);
    await registerConvKernels(tf);
    rows.push(row);
    k.dispose();
  }
  console.table(rows);
}

async function sweep(): Promise<void> {
  await registerConvKernels(tf, 2);
  const threads = convKernelThreads()!;
  const rows: Record<string, string | number>[] = [];
  for (const l of LAYERS.slice(0, 2)) {
    for (const batch of [2, 4, 8, 16, 32]) {
      const k = layerKernels({ ...l, x: [batch, l.x[1], l.x[2], l.x[3]] });
      const row: Record<string, string | number> = {
        layer: `${l.name} ×${batch}`,
        'M mul-adds': k.work / 1e6,
        'pool M reads': k.poolWork / 1e6,
      };
      // The same calls as one call and split between the threads, whatever the rule says.
      for (const [how, minWork] of [
        ['one', Infinity],
        ['split', 0],
      ] as const) {
        threads.minWork = minWork;
        for (const name of ['filterGrad', 'inputGrad', 'maxPoolGrad'] as const) {
          row[`${name} ${how}`] = +best(k[name], 30).toFixed(3);
        }
      }
      rows.push(row);
      k.dispose();
    }
  }
  threads.minWork = MIN_SPLIT_WORK;
  console.table(rows);
  console.log(`calls split at ≥ ${MIN_SPLIT_WORK / 1e6} M multiply-adds (or window reads)`);
}

async function main(): Promise<void> {
  await useBackend('wasm');
  await registerConvKernels(tf, 2);
  console.log('two threads:', convKernelThreads()?.support);
  await (process.argv.includes('--sweep') ? sweep() : table());
  KernelHelper.stop();
}

void main();
