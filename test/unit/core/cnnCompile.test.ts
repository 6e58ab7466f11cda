/**
 * Convolutional graphs compiled to tfjs: a tiny CNN trains a few steps through the tfjs
 * stepper on real MNIST (loss on a fixed batch goes down, no tensor leaks), and BatchNorm
 * normalises with the batch's statistics while training, moves its running averages, and
 * uses those when evaluating.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { channelBiasAdd } from '../../../src/core/channelBiasAdd';
import { compileGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import { nodeReadBytes, tf } from '../../../src/cli/nodeEnv';
import { loadMnist, makeBatch, type MnistData } from '../../../src/training/mnist';
import { TfjsStepper } from '../../../src/training/tfjsStepper';
import { chain, node } from './fixtures';

let data: MnistData;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await loadMnist(nodeReadBytes(), { validationCount: 1000 });
});

function compile(doc: GraphDocument) {
  const analysis = analyzeGraph(doc);
  expect(analysis.diagnostics).toEqual([]);
  return compileGraph(tf, doc, analysis);
}

/** flat input → reshape → conv 5×5×4 → batchNorm → relu → max pool → avg pool → flatten → dense 10. */
function tinyCnn(): GraphDocument {
  const doc = chain(
    node('pixels', 'input', { layout: 'flat' }),
    node('picture', 'reshape', {}),
    node('conv', 'conv2d', { filters: 4, kernelSize: 5 }),
    node('norm', 'batchNorm', {}),
    node('relu', 'relu'),
    node('maxpool', 'maxPool2d', {}),
    node('avgpool', 'avgPool2d', { poolSize: 2, strides: 2, padding: 'same' }),
    node('flat', 'flatten'),
    node('out', 'dense', { units: 10 }),
    node('probs', 'softmax'),
    node('loss', 'loss'),
  );
  doc.training = {
    ...doc.training,
    optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    learningRate: 0.01,
    seed: 3,
  };
  return doc;
}

describe('a tiny CNN', () => {
  it('has the shapes tfjs computes and trains on the cpu backend: the loss goes down, no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const doc = tinyCnn();
    const compiled = compile(doc);
    expect(compiled.model.getLayer('avgpool').outputShape).toEqual([null, 6, 6, 4]);
    const fixed = makeBatch(tf, data.validation, undefined, 0, 64, compiled.inputShape);
    const lossOn = () =>
      tf.tidy(() => compiled.lossFn(fixed.ys, compiled.forward(fixed.xs, false)).dataSync()[0]!);
    const initial = lossOn();
    const stepper = new TfjsStepper(tf, compiled, data.train, 8, true);
    const order = Int32Array.from({ length: 8 * 30 }, (_, i) => i);
    const losses: number[] = [];
    for (let s = 0; s < 30; s++) losses.push(stepper.step(order, s * 8, false).loss);
    const trained = lossOn();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(trained).toBeLessThan(initial * 0.7);
    // The running averages moved away from their initial 0 and 1.
    const [movingMean] = compiled.model.getLayer('norm').getWeights().slice(2);
    expect(Math.max(...Array.from(movingMean!.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
    stepper.dispose();
    tf.dispose([fixed.xs, fixed.ys]);
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** flat input → dense 10 → batchNorm → loss (squared error): the loss sees BatchNorm's output. */
function normalized(params: Record<string, unknown>): GraphDocument {
  return chain(
    node('pixels', 'input'),
    node('d', 'dense', { units: 10, biasInitializer: { name: 'normal', mean: 3, stddev: 1 } }),
    node('bn', 'batchNorm', params),
    node('loss', 'loss', { loss: 'meanSquaredError' }),
  );
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('BatchNorm', () => {
  it.each([
    { momentum: 0.5, center: true, scale: true },
    { momentum: 0.9, center: false, scale: true },
    { momentum: 0.25, center: true, scale: false },
    { momentum: 0, center: false, scale: false },
  ])('trains on batch statistics, moves its averages and evaluates on them (%o)', (params) => {
    const before = tf.memory().numTensors;
    const compiled = compile(normalized({ ...params, epsilon: 0.001 }));
    const layer = compiled.model.getLayer('bn');
    // γ = 2 and β = 0.5 where the node has them, so that they are seen to apply.
    const trainable = layer.trainableWeights.map((w) =>
      tf.fill(w.shape as number[], w.name.includes('gamma') ? 2 : 0.5),
    );
    layer.setWeights([...trainable, ...layer.getWeights().slice(trainable.length)]);
    tf.dispose(trainable);
    const gamma = params.scale ? 2 : 1;
    const beta = params.center ? 0.5 : 0;
    const x = tf.randomUniform([32, 784], 0, 1, 'float32', 5);
    const d = compiled.model.getLayer('d').apply(x) as tf.Tensor;
    const { mean, variance } = tf.moments(d, 0);

    const y = compiled.forward(x, true);
    const expected = tf.tidy(() =>
      tf.add(tf.mul(tf.div(tf.sub(d, mean), tf.sqrt(tf.add(variance, 0.001))), gamma), beta),
    );
    values(y).forEach((v, i) => expect(v).toBeCloseTo(values(expected)[i]!, 4));

    // getWeights gives the variables themselves: copied, so that they can be disposed.
    const [movingMean, movingVariance] = layer
      .getWeights()
      .slice(-2)
      .map((w) => w.clone());
    const m = params.momentum;
    values(movingMean!).forEach((v, i) => expect(v).toBeCloseTo((1 - m) * values(mean)[i]!, 5));
    values(movingVariance!).forEach((v, i) => expect(v).toBeCloseTo(m + (1 - m) * values(variance)[i]!, 4));

    // Evaluation: the running averages, the same in forward and in the model's predict.
    const evaluated = compiled.forward(x, false);
    const predicted = compiled.model.predict(x) as tf.Tensor;
    const fromAverages = tf.tidy(() =>
      tf.add(tf.mul(tf.div(tf.sub(d, movingMean!), tf.sqrt(tf.add(movingVariance!, 0.001))), gamma), beta),
    );
    values(evaluated).forEach((v, i) => {
      expect(v).toBeCloseTo(values(fromAverages)[i]!, 4);
      expect(v).toBeCloseTo(values(predicted)[i]!, 5);
    });
    // Evaluating moves nothing.
    expect(values(layer.getWeights().slice(-2)[0]!)).toEqual(values(movingMean!));

    tf.dispose([
      x,
      d,
      mean,
      variance,
      y,
      expected,
      movingMean!,
      movingVariance!,
      evaluated,
      predicted,
      fromAverages,
    ]);
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("matches tfjs's own BatchNormalization in training mode", () => {
    const compiled = compile(normalized({ momentum: 0.8 }));
    const x = tf.randomUniform([16, 784], 0, 1, 'float32', 8);
    const d = compiled.model.getLayer('d').apply(x) as tf.Tensor;
    const reference = tf.layers.batchNormalization({ momentum: 0.8, epsilon: 0.001 });
    const expected = reference.apply(d, { training: true }) as tf.Tensor;
    const y = compiled.forward(x, true);
    values(y).forEach((v, i) => expect(v).toBeCloseTo(values(expected)[i]!, 4));
    const ours = compiled.model.getLayer('bn').getWeights().slice(2);
    const theirs = reference.getWeights().slice(2);
    ours.forEach((w, k) => values(w).forEach((v, i) => expect(v).toBeCloseTo(values(theirs[k]!)[i]!, 5)));
    tf.dispose([x, d, expected, y]);
    reference.dispose();
    compiled.dispose();
  });
});

describe('channelBiasAdd', () => {
  it('adds a per-channel bias and gives the same gradients as tf.add', () => {
    const y = tf.randomNormal([3, 5, 4, 6], 0, 1, 'float32', 8);
    const b = tf.randomNormal([6], 0, 1, 'float32', 9);
    const weights = tf.randomNormal([3, 5, 4, 6], 0, 1, 'float32', 10);
    const f = (add: (y: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.grads((yy: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.square(add(yy, bb)), weights)));
    const [dyOurs, dbOurs] = f((yy, bb) => channelBiasAdd(tf, yy, bb))([y, b]);
    const [dyPlain, dbPlain] = f((yy, bb) => tf.add(yy, bb))([y, b]);
    values(dyOurs!).forEach((v, i) => expect(v).toBeCloseTo(values(dyPlain!)[i]!, 4));
    values(dbOurs!).forEach((v, i) => expect(v).toBeCloseTo(values(dbPlain!)[i]!, 3));
    expect(values(channelBiasAdd(tf, y, b))).toEqual(values(tf.add(y, b)));
    tf.dispose([y, b, weights, dyOurs!, dbOurs!, dyPlain!, dbPlain!]);
  });
});

describe('the training step of a CNN', () => {
  /** flat input → reshape → conv 3×3×4 → relu → conv 3×3×4 → flatten → dense 10 → softmax → loss. */
  const twoConvs = () =>
    chain(
      node('pixels', 'input', { layout: 'flat' }),
      node('picture', 'reshape', {}),
      node('c1', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }),
      node('r1', 'relu'),
      node('c2', 'conv2d', { filters: 4, kernelSize: 3, strides: 2 }),
      node('flat', 'flatten'),
      node('out', 'dense', { units: 10 }),
      node('probs', 'softmax'),
      node('loss', 'loss'),
    );

  it("computes the second convolution's input gradient but not the first's (its input is the data)", async () => {
    const compiled = compile(twoConvs());
    const x = tf.randomUniform([2, 784], 0, 1, 'float32', 4);
    const y = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10);
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => compiled.lossFn(y, compiled.forward(x, true)) as tf.Scalar,
        compiled.trainableVariables,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const inputGrads = profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput');
    expect(inputGrads.map((k) => k.outputShapes[0])).toEqual([[2, 28, 28, 4]]);
    // The first convolution's bias gradient is a product with ones, not a Sum over its output.
    const sums = profile.kernels.filter((k) => k.name === 'Sum').map((k) => k.inputShapes[0]);
    expect(sums).not.toContainEqual([2, 28, 28, 4]);
    // The forward pass is still the model's: predict gives the same scores.
    const scores = compiled.forward(x, false);
    const predicted = compiled.model.predict(x) as tf.Tensor;
    values(scores).forEach((v, i) => expect(v).toBeCloseTo(values(predicted)[i]!, 5));
    tf.dispose([x, y, scores, predicted]);
    compiled.dispose();
  });
});
