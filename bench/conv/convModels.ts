/**
 * The CNNs the bench times (`npm run bench`, in Node and in the Chromium worker), built from tfjs
 * layers until the graph presets `graphs/cnn.json` and `graphs/deep-mnist.json` exist; the same
 * networks as TensorFlow's in `bench/native_conv.py`. `compileConvModel` gives them the compiled
 * graph's interface, so the real trainer (`train()`) times them; once the presets land, it is
 * replaced by `compileGraph(tf, doc, analyzeGraph(doc))` in that one place.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { makeLossFn, type CompiledGraph } from '../../src/core/compile';
import type { Tf } from '../../src/core/nodeSpec';

export interface ConvBenchModel {
  name: 'small-cnn' | 'deep-mnist';
  batchSize: number;
  /** Adam's learning rate (the bench times Adam, as TensorFlow's reference does). */
  learningRate: number;
  layers(tf: Tf): tfjs.layers.Layer[];
}

export const CONV_BENCH_MODELS: readonly ConvBenchModel[] = [
  {
    // conv 5×5×8 → maxpool 2 → conv 5×5×16 → maxpool 2 → dense 10 (valid padding), batch 64.
    name: 'small-cnn',
    batchSize: 64,
    learningRate: 1e-3,
    layers: (tf) => [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  },
  {
    // TensorFlow's Deep MNIST: 5×5×32 same → pool → 5×5×64 same → pool → 1024 → dropout → 10.
    name: 'deep-mnist',
    batchSize: 50,
    learningRate: 1e-4,
    layers: (tf) => [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1024, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  },
];

/**
 * One layer on concrete tensors, dense layers as `compileGraph`'s forward runs them: a plain
 * matMul + bias (+ activation), so that autodiff takes the registered BatchMatMul gradient (the
 * trainer's faster one, `src/training/matMulGrad.ts`) rather than the fused matMul's.
 */
function applyLayer(tf: Tf, layer: tfjs.layers.Layer, x: tfjs.Tensor, training: boolean): tfjs.Tensor {
  if (layer.getClassName() !== 'Dense') return layer.apply(x, { training }) as tfjs.Tensor;
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
  let y: tfjs.Tensor = tf.matMul(x as tfjs.Tensor2D, kernel as tfjs.Tensor2D);
  if (bias) y = tf.add(y, bias);
  const activation = layer.getConfig()['activation'];
  if (activation === 'relu') return tf.relu(y);
  if (activation === 'softmax') return tf.softmax(y);
  if (activation !== 'linear')
    throw new Error(`bench: dense activation ${String(activation)} is not handled`);
  return y;
}

/**
 * A bench model as the trainer takes it: a sequential model of `layers`, Adam (β₁ 0.9, β₂ 0.999,
 * ε 1e-7) and the mean cross-entropy, on 28×28×1 images.
 */
export function compileConvModel(tf: Tf, spec: ConvBenchModel, layers = spec.layers(tf)): CompiledGraph {
  const model = tf.sequential({ layers, name: spec.name });
  const optimizer = tf.train.adam(spec.learningRate, 0.9, 0.999, 1e-7);
  const loss = { loss: 'categoricalCrossentropy', reduction: 'mean' } as const;
  return {
    model,
    inputShape: [28, 28, 1],
    forward: (x, training) =>
      tf.tidy(() => layers.reduce((h, layer) => applyLayer(tf, layer, h, training), x)),
    lossFn: makeLossFn(tf, loss),
    optimizer,
    trainableVariables: model.trainableWeights.map((w) => w.read() as tfjs.Variable),
    loss,
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}
