import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../src/core/analyze';
import { compileGraph } from '../../../../src/core/compile';
import type { GraphDocument, OptimizerSettings } from '../../../../src/core/document';
import { tf } from '../../../../src/cli/nodeEnv';
import { evaluateAccuracy, evaluateSplit, setSplitPredictor } from '../../../../src/training/evaluation';
import type { MnistData } from '../../../../src/training/mnist';
import { train } from '../../../../src/training/train';
import { describeDenseChain } from '../../../../src/training/kernels/denseChain';
import { DenseChainTrainer } from '../../../../src/training/kernels/denseTrainer';
import { kernelSupport } from '../../../../src/training/stepperChoice';
import { loadPreset } from '../../core/fixtures';
import {
  chainDoc,
  options,
  trainedWeights,
  withTraining,
  worstDifference,
  type ChainCase,
  mnistOnWasm,
} from './chainCases';

let data: MnistData;
beforeAll(async () => {
  data = await mnistOnWasm();
});

const optimizers: [string, OptimizerSettings, number][] = [
  ['sgd', { type: 'sgd' }, 0.1],
  ['momentum', { type: 'momentum', momentum: 0.9, nesterov: false }, 0.01],
  ['nesterov momentum', { type: 'momentum', momentum: 0.9, nesterov: true }, 0.01],
  ['adam', { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 0.001],
  ['adam (other betas, epsilon)', { type: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }, 0.01],
  ['rmsprop', { type: 'rmsprop', decay: 0.9, momentum: 0, epsilon: 1e-7 }, 0.001],
  ['rmsprop with momentum', { type: 'rmsprop', decay: 0.95, momentum: 0.9, epsilon: 1e-6 }, 0.001],
];

describe('every optimizer on Tensorweave kernels', () => {
  it.each(optimizers)(
    'gives the tfjs path’s weights after 5 steps of hidden-layer with %s',
    async (_name, optimizer, learningRate) => {
      const doc = withTraining(loadPreset('hidden-layer'), {
        optimizer,
        learningRate,
        duration: { unit: 'steps', steps: 5 },
      });
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      expect(kernelSupport(compiled)).toMatchObject({
        ok: true,
        chain: { optimizer: { type: optimizer.type } },
      });
      compiled.dispose();
      const fast = await trainedWeights(data, doc, true);
      const stock = await trainedWeights(data, doc, false);
      expect(worstDifference(fast, stock)).toBeLessThan(1e-5);
      // The steps moved the weights (a no-op would also "match").
      const start = compileGraph(tf, doc, analyzeGraph(doc));
      const initial = start.trainableVariables.map((v) => v.dataSync() as Float32Array);
      start.dispose();
      expect(worstDifference(fast, initial)).toBeGreaterThan(1e-4);
    },
  );

  it.each(optimizers.slice(1))(
    'continues %s’s state across train() calls on one compiled graph, as tfjs does',
    async (_name, optimizer, learningRate) => {
      const doc = withTraining(loadPreset('beginner'), {
        optimizer,
        learningRate,
        duration: { unit: 'steps', steps: 3 },
      });
      const twice = async (kernels: boolean) => {
        const compiled = compileGraph(tf, doc, analyzeGraph(doc));
        for (const seed of [1, 2])
          await train(tf, compiled, data, options(doc, { evaluate: false, kernels, seed }));
        const values = compiled.trainableVariables.map((v) => v.dataSync() as Float32Array);
        compiled.dispose();
        return values;
      };
      expect(worstDifference(await twice(true), await twice(false))).toBeLessThan(1e-5);
    },
  );
});

/** 784 → 200 relu → dropout → 10 softmax, mean cross-entropy, batch 100. */
function dropoutCase(rate: number, seed = 3): GraphDocument {
  const c: ChainCase = {
    name: 'dropout',
    hidden: [{ units: 200, activation: 'relu', useBias: true, dropout: rate }],
    output: 'softmax',
    loss: 'categoricalCrossentropy',
    reduction: 'mean',
    optimizer: { type: 'sgd' },
    learningRate: 0.1,
    batchSize: 100,
  };
  return withTraining(chainDoc(c), { seed });
}

/** The masks of `steps` training steps of `doc`'s chain on the kernels. */
async function masksOf(doc: GraphDocument, steps: number): Promise<Float32Array[]> {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  const check = describeDenseChain(compiled);
  if (!check.ok) throw new Error(check.reason);
  const trainer = await DenseChainTrainer.create(check.chain, 100);
  trainer.loadWeights();
  const masks: Float32Array[] = [];
  for (let s = 0; s < steps; s++) {
    trainer.setMnistBatch(data.train, undefined, s * 100);
    trainer.step();
    masks.push(...trainer.dropoutMasks());
  }
  compiled.dispose();
  return masks;
}

describe('dropout on Tensorweave kernels', () => {
  it.each([0.2, 0.5, 0.8])('keeps 1 − %s of the units, scaled by 1/(1 − rate)', async (rate) => {
    const masks = await masksOf(dropoutCase(rate), 5);
    const values = masks.flatMap((m) => Array.from(m));
    const scale = Math.fround(1 / Math.fround(1 - rate));
    expect(values.every((v) => v === 0 || v === scale)).toBe(true);
    const kept = values.filter((v) => v !== 0).length / values.length;
    // 100 000 units: the standard deviation of the kept fraction is below 0.0016.
    expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.01);
    // The expected value is preserved: E[mask] = 1.
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.01 / (1 - rate));
  });

  it('draws the same masks for the same seed, other masks for another seed and every step', async () => {
    const a = await masksOf(dropoutCase(0.5, 3), 2);
    const b = await masksOf(dropoutCase(0.5, 3), 2);
    const c = await masksOf(dropoutCase(0.5, 4), 2);
    const agree = (x: Float32Array, y: Float32Array) => x.filter((v, i) => v === y[i]).length / x.length;
    expect(a).toEqual(b);
    // Independent masks of rate 0.5 agree on about half the units.
    expect(agree(a[0]!, c[0]!)).toBeLessThan(0.55);
    expect(agree(a[0]!, a[1]!)).toBeLessThan(0.55);
    // Units are independent: neighbours in a row are not correlated.
    const m = a[0]!;
    let same = 0;
    for (let i = 1; i < m.length; i++) if ((m[i] === 0) === (m[i - 1] === 0)) same++;
    expect(Math.abs(same / (m.length - 1) - 0.5)).toBeLessThan(0.02);
  });

  it('trains as well as the tfjs path, and evaluates without dropout', async () => {
    const doc = withTraining(dropoutCase(0.3), { duration: { unit: 'steps', steps: 200 } });
    const run = async (kernels: boolean) => {
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      const result = await train(tf, compiled, data, options(doc, { kernels }));
      setSplitPredictor(compiled, undefined);
      // The kernels' final test accuracy is the tfjs evaluation (no dropout) of the same weights.
      expect(result.testAccuracy).toBe(evaluateAccuracy(tf, compiled, data.test));
      compiled.dispose();
      return result.testAccuracy;
    };
    const fast = await run(true);
    const stock = await run(false);
    expect(fast).toBeGreaterThan(0.85);
    expect(Math.abs(fast - stock)).toBeLessThan(0.03);
  });
});

describe('evaluation on Tensorweave kernels', () => {
  it.each(['beginner', 'hidden-layer'] as const)(
    'gives the tfjs evaluation’s accuracies on %s after a short training',
    async (preset) => {
      const doc = withTraining(loadPreset(preset), { duration: { unit: 'steps', steps: 100 } });
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      const result = await train(tf, compiled, data, options(doc, { validationEvery: 50 }));
      // The tfjs path over 55,000 training images of hidden-layer takes long: its splits differ
      // only in where the kernels read the images (the training ones from their sparse store).
      const splits =
        preset === 'beginner' ? [data.train, data.validation, data.test] : [data.validation, data.test];
      const onKernels = splits.map((s) => evaluateAccuracy(tf, compiled, s));
      const reported = [result.trainAccuracy, result.validationAccuracy, result.testAccuracy];
      expect(onKernels).toEqual(reported.slice(3 - splits.length));
      const fast = evaluateSplit(tf, compiled, data.test);
      setSplitPredictor(compiled, undefined);
      expect(onKernels).toEqual(splits.map((s) => evaluateAccuracy(tf, compiled, s)));
      // The worker's test evaluation: the same class for every image, the same scores.
      const stock = evaluateSplit(tf, compiled, data.test);
      expect(fast.predicted).toEqual(stock.predicted);
      expect(fast.matrix).toEqual(stock.matrix);
      expect(Math.max(...fast.confidence.map((c, i) => Math.abs(c - stock.confidence[i]!)))).toBeLessThan(
        1e-5,
      );
      expect(result.validationHistory.map((v) => v.step)).toEqual([50, 100]);
      compiled.dispose();
    },
  );

  it('steps aside once the model’s weights change after the run', async () => {
    const doc = withTraining(loadPreset('beginner'), { duration: { unit: 'steps', steps: 50 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    await train(tf, compiled, data, options(doc, { evaluate: false }));
    const kernel = compiled.trainableVariables[0]!;
    const zeros = tf.zerosLike(kernel);
    kernel.assign(zeros);
    zeros.dispose();
    // With a zero kernel every class scores its bias alone: one class for every image.
    const accuracy = evaluateAccuracy(tf, compiled, data.test);
    setSplitPredictor(compiled, undefined);
    expect(accuracy).toBe(evaluateAccuracy(tf, compiled, data.test));
    expect(accuracy).toBeLessThan(0.2);
    compiled.dispose();
  });
});
