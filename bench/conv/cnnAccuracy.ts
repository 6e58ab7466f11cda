/**
 * `npx tsx bench/conv/cnnAccuracy.ts [--epochs N] [--batch N] [--lr X] [--seed N]`: trains the
 * candidate for `graphs/cnn.json` (conv 5×5×16 → maxpool 2 → conv 5×5×32 → maxpool 2 → dense 128
 * → dense 10, Adam) on MNIST with the real trainer on the wasm backend (Tensorweave's conv
 * kernels), and prints ms/step, training time and test accuracy as one JSON line. The machine
 * is shared, so the time is an upper bound.
 */
import { DEFAULT_VALIDATION_COUNT } from '../../src/core/mnist';
import { nodeReadBytes, tf, useBackend } from '../../src/cli/nodeEnv';
import { loadMnist } from '../../src/training/mnist';
import { train } from '../../src/training/train';
import { compileConvModel, type ConvBenchModel } from './convModels';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const epochs = flag('epochs', 2);
const batchSize = flag('batch', 100);
const learningRate = flag('lr', 1e-3);
const seed = flag('seed', 1);

/** Glorot-uniform (Keras's default) seeded per layer, so that a seed reproduces a run. */
const init = (layer: number) => tf.initializers.glorotUniform({ seed: seed * 10 + layer });

export const CNN_CANDIDATE: ConvBenchModel = {
  name: 'small-cnn',
  batchSize,
  learningRate,
  layers: () => [
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 5,
      activation: 'relu',
      kernelInitializer: init(0),
    }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 5, activation: 'relu', kernelInitializer: init(1) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
  ],
};

await useBackend('wasm');
const data = await loadMnist(nodeReadBytes(), { validationCount: DEFAULT_VALIDATION_COUNT });
const compiled = compileConvModel(tf, CNN_CANDIDATE);
const result = await train(tf, compiled, data, {
  batchSize,
  duration: { unit: 'epochs', epochs },
  seed,
  learningRate,
  validationEvery: 0,
  progressEvery: 100,
  onProgress: (p) =>
    process.stderr.write(
      `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(1)} steps/s\n`,
    ),
});
process.stdout.write(
  `${JSON.stringify({
    epochs,
    batchSize,
    learningRate,
    seed,
    steps: result.steps,
    seconds: Math.round(result.seconds),
    msPerStep: +((result.seconds * 1000) / result.steps).toFixed(2),
    validationAccuracy: result.validationAccuracy,
    testAccuracy: result.testAccuracy,
  })}\n`,
);
compiled.dispose();
