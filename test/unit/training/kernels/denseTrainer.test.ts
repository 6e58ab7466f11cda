import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../../src/core/compile';
import type { GraphDocument, OptimizerSettings } from '../../../../src/core/document';
import { nodeReadBytes, tf, useBackend } from '../../../../src/cli/nodeEnv';
import { loadMnist, makeBatch, type MnistData } from '../../../../src/training/mnist';
import { mulberry32 } from '../../../../src/training/random';
import { train } from '../../../../src/training/train';
import type { TrainOptions } from '../../../../src/training/types';
import { describeDenseChain } from '../../../../src/training/kernels/denseChain';
import { DenseChainTrainer } from '../../../../src/training/kernels/denseTrainer';
import { kernelSupport } from '../../../../src/training/stepperChoice';
import { chain, edge, graph, loadPreset, node } from '../../core/fixtures';

let data: MnistData;
beforeAll(async () => {
  await useBackend('wasm');
  data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
});

function withTraining(doc: GraphDocument, training: Partial<GraphDocument['training']>): GraphDocument {
  return { ...doc, training: { ...doc.training, ...training } };
}

function options(doc: GraphDocument, extra: Partial<TrainOptions> = {}): TrainOptions {
  const t = doc.training;
  return {
    batchSize: t.batchSize,
    duration: t.duration,
    seed: t.seed,
    learningRate: t.learningRate,
    ...extra,
  };
}

type Activation = 'sigmoid' | 'relu' | 'tanh' | 'softmax' | 'none';

interface ChainCase {
  name: string;
  hidden: { units: number; activation: Activation; useBias: boolean }[];
  output: Activation;
  loss: 'categoricalCrossentropy' | 'meanSquaredError';
  reduction: 'sum' | 'mean';
  optimizer: OptimizerSettings;
  learningRate: number;
  batchSize: number;
}

/** A dense chain document: 784 → hidden… → 10 → output activation → loss. */
function chainDoc(c: ChainCase): GraphDocument {
  const nodes = [node('input', 'input')];
  const init = { name: 'normal', mean: 0, stddev: 0.1 };
  c.hidden.forEach((h, i) => {
    nodes.push(node(`h${i}`, 'dense', { units: h.units, useBias: h.useBias, kernelInitializer: init }));
    if (h.activation !== 'none') nodes.push(node(`a${i}`, h.activation));
  });
  nodes.push(node('out', 'dense', { units: 10, kernelInitializer: init }));
  if (c.output !== 'none') nodes.push(node('outAct', c.output));
  nodes.push(node('loss', 'loss', { loss: c.loss, reduction: c.reduction }));
  return withTraining(chain(...nodes), {
    optimizer: c.optimizer,
    learningRate: c.learningRate,
    batchSize: c.batchSize,
    duration: { unit: 'steps', steps: 5 },
    seed: 3,
  });
}

/** Seeded random architectures (784 inputs and 10 classes: the kernels need MNIST shapes). */
function randomCases(count: number): ChainCase[] {
  const r = mulberry32(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hiddenActs: Activation[] = ['sigmoid', 'relu', 'tanh', 'none'];
  const optimizers: OptimizerSettings[] = [
    { type: 'sgd' },
    { type: 'momentum', momentum: 0.9, nesterov: false },
    { type: 'momentum', momentum: 0.8, nesterov: true },
  ];
  return Array.from({ length: count }, (_, i) => {
    const loss = pick(['categoricalCrossentropy', 'meanSquaredError'] as const);
    return {
      name: `random chain ${i}`,
      hidden: Array.from({ length: Math.floor(r() * 3) }, () => ({
        units: 1 + Math.floor(r() * 70),
        activation: pick(hiddenActs),
        useBias: r() < 0.8,
      })),
      output: loss === 'categoricalCrossentropy' ? 'softmax' : pick(['softmax', 'sigmoid', 'none'] as const),
      loss,
      reduction: pick(['sum', 'mean'] as const),
      optimizer: pick(optimizers),
      learningRate: pick([0.001, 0.01, 0.05]),
      batchSize: pick([1, 7, 32, 100]),
    };
  });
}

async function trainedWeights(doc: GraphDocument, kernels: boolean): Promise<Float32Array[]> {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  await train(tf, compiled, data, options(doc, { evaluate: false, kernels }));
  const values = compiled.trainableVariables.map((v) => v.dataSync() as Float32Array);
  compiled.dispose();
  return values;
}

/** Largest |a − b| / (1 + |b|) over all weights. */
function worstDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) =>
    w.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i]![j]!) / (1 + Math.abs(b[i]![j]!))))),
  );
  return worst;
}

describe('dense chains on Tensorweave kernels', () => {
  const presets = (['beginner', 'hidden-layer'] as const).map((p) =>
    withTraining(loadPreset(p), { duration: { unit: 'steps', steps: 5 } }),
  );

  it.each(presets.map((doc) => [doc.name, doc] as const))(
    'gives the tfjs path’s weights after 5 steps of the %s preset',
    async (_name, doc) => {
      expect(kernelSupport(compileAndDispose(doc)).ok).toBe(true);
      expect(worstDifference(await trainedWeights(doc, true), await trainedWeights(doc, false))).toBeLessThan(
        1e-5,
      );
    },
  );

  it.each(randomCases(8).map((c) => [c.name, c] as const))(
    'gives the tfjs path’s weights after 5 steps: %s',
    async (_name, c) => {
      const doc = chainDoc(c);
      expect(kernelSupport(compileAndDispose(doc))).toMatchObject({ ok: true });
      expect(worstDifference(await trainedWeights(doc, true), await trainedWeights(doc, false))).toBeLessThan(
        1e-5,
      );
    },
  );

  it('continues momentum across train() calls on one compiled graph, as tfjs does', async () => {
    const doc = withTraining(loadPreset('hidden-layer'), {
      optimizer: { type: 'momentum', momentum: 0.9, nesterov: false },
      learningRate: 0.0005,
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
  });

  it('reaches > 85% test accuracy on the beginner preset in 300 steps (real MNIST)', async () => {
    const doc = withTraining(loadPreset('beginner'), { duration: { unit: 'steps', steps: 300 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const result = await train(tf, compiled, data, options(doc, { validationEvery: 100 }));
    compiled.dispose();
    expect(result.status).toBe('completed');
    expect(result.history.map((h) => h.step)).toEqual([100, 200, 300]);
    expect(result.validationHistory.map((v) => v.step)).toEqual([100, 200, 300]);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
  });

  it('reaches > 85% test accuracy on the hidden-layer preset in 300 steps (real MNIST)', async () => {
    const doc = withTraining(loadPreset('hidden-layer'), { duration: { unit: 'steps', steps: 300 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const result = await train(tf, compiled, data, options(doc));
    compiled.dispose();
    expect(result.testAccuracy).toBeGreaterThan(0.85);
  });

  it('leaks no tensor: numTensors is unchanged after compile, train, evaluation and dispose', async () => {
    const doc = withTraining(loadPreset('hidden-layer'), { duration: { unit: 'steps', steps: 30 } });
    const before = tf.memory().numTensors;
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const result = await train(tf, compiled, data, options(doc, { validationEvery: 10, snapshotEvery: 3 }));
    compiled.dispose();
    expect(result.status).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restores the last good weights when the loss diverges, as the tfjs path does', async () => {
    const doc = withTraining(
      chain(
        node('input', 'input'),
        node('dense', 'dense', { units: 10 }),
        node('loss', 'loss', { loss: 'meanSquaredError', reduction: 'sum' }),
      ),
      { learningRate: 10, duration: { unit: 'steps', steps: 50 }, seed: 7 },
    );
    const run = async (kernels: boolean) => {
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      const result = await train(tf, compiled, data, options(doc, { evaluate: false, kernels }));
      const weights = compiled.trainableVariables.map((v) => v.dataSync() as Float32Array);
      compiled.dispose();
      return { result, weights };
    };
    const fast = await run(true);
    const stock = await run(false);
    expect(fast.result.status).toBe('failed');
    expect(fast.result.message).toBe(stock.result.message);
    expect(fast.result.steps).toBe(stock.result.steps);
    expect(fast.weights.every((w) => w.every(Number.isFinite))).toBe(true);
  });

  it('is not taken for graphs it cannot run; those still train through tfjs', async () => {
    const adam = withTraining(loadPreset('beginner'), {
      optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      duration: { unit: 'steps', steps: 3 },
    });
    const dropout = chain(
      node('input', 'input'),
      node('d', 'dense', { units: 10 }),
      node('drop', 'dropout', { rate: 0.2 }),
      node('s', 'softmax'),
      node('loss', 'loss'),
    );
    const branches = graph(
      [
        node('input', 'input'),
        node('a', 'dense', { units: 10 }),
        node('b', 'dense', { units: 10 }),
        node('add', 'add'),
        node('loss', 'loss'),
      ],
      [edge('input', 'a'), edge('input', 'b'), edge('a', 'add'), edge('b', 'add'), edge('add', 'loss')],
    );
    for (const doc of [adam, dropout, branches]) {
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      expect(describeDenseChain(compiled).ok).toBe(false);
      compiled.dispose();
    }
    const compiled = compileGraph(tf, adam, analyzeGraph(adam));
    const result = await train(tf, compiled, data, options(adam, { evaluate: false }));
    compiled.dispose();
    expect(result.steps).toBe(3);
  });
});

function compileAndDispose(doc: GraphDocument): CompiledGraph {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  queueMicrotask(() => compiled.dispose());
  return compiled;
}

describe('DenseChainTrainer gradients', () => {
  /** A small chain on one MNIST batch of 4, with its trainer loaded from the tfjs weights. */
  async function setup(c: ChainCase) {
    const doc = chainDoc(c);
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const check = describeDenseChain(compiled);
    if (!check.ok) throw new Error(check.reason);
    const trainer = await DenseChainTrainer.create(check.chain, c.batchSize);
    trainer.loadWeights();
    const indices = new Int32Array([3, 14, 159, 2653]);
    trainer.setMnistBatch(data.train, indices, 0);
    return { compiled, trainer, indices };
  }

  const small: ChainCase = {
    name: 'small',
    hidden: [
      { units: 7, activation: 'tanh', useBias: true },
      { units: 40, activation: 'sigmoid', useBias: true },
      { units: 5, activation: 'relu', useBias: false },
    ],
    output: 'softmax',
    loss: 'categoricalCrossentropy',
    reduction: 'sum',
    optimizer: { type: 'sgd' },
    learningRate: 0.01,
    batchSize: 4,
  };

  it('match tfjs autodiff (loss and every gradient)', async () => {
    const { compiled, trainer, indices } = await setup(small);
    const { loss, grads } = trainer.gradients();
    const { xs, ys } = makeBatch(tf, data.train, indices, 0, 4, compiled.inputShape);
    const { value, grads: expected } = tf.variableGrads(
      () => compiled.lossFn(ys, compiled.forward(xs, true)),
      compiled.trainableVariables,
    );
    expect(loss).toBeCloseTo(value.dataSync()[0]!, 4);
    const flat = grads.flat();
    compiled.trainableVariables.forEach((v, i) => {
      const want = expected[v.name]!.dataSync();
      const got = flat[i]!;
      expect(got.length).toBe(want.length);
      let worst = 0;
      want.forEach((w, j) => (worst = Math.max(worst, Math.abs(w - got[j]!) / (1e-3 + Math.abs(w)))));
      expect(worst).toBeLessThan(1e-3);
    });
    tf.dispose([xs, ys, value, ...Object.values(expected)]);
    compiled.dispose();
  });

  it('match central finite differences of the loss', async () => {
    const { compiled, trainer } = await setup({ ...small, loss: 'meanSquaredError', output: 'sigmoid' });
    const { grads } = trainer.gradients();
    const vars = compiled.trainableVariables;
    const r = mulberry32(5);
    const h = 1e-2;
    // Most input weights meet zero pixels and have a zero gradient, and small gradients pass the
    // absolute tolerance whatever they are: the first trial of each variable takes its steepest
    // weight, whose slope must be real and match to 2%.
    const steepest: { numeric: number; analytic: number }[] = [];
    for (let vi = 0; vi < vars.length; vi++) {
      const v = vars[vi]! as tfjs.Variable;
      const base = v.dataSync().slice() as Float32Array;
      const analytics = grads.flat()[vi]!;
      const top = analytics.reduce((best, g, j) => (Math.abs(g) > Math.abs(analytics[best]!) ? j : best), 0);
      for (let trial = 0; trial < 4; trial++) {
        const j = trial === 0 ? top : Math.floor(r() * base.length);
        const lossAt = (delta: number) => {
          const values = base.slice();
          values[j] = base[j]! + delta;
          const t = tf.tensor(values, v.shape);
          v.assign(t);
          t.dispose();
          trainer.loadWeights();
          return trainer.gradients().loss;
        };
        const numeric = (lossAt(h) - lossAt(-h)) / (2 * h);
        const analytic = analytics[j]!;
        expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 + 2e-2 * Math.abs(analytic));
        if (trial === 0) steepest.push({ numeric, analytic });
      }
      const t = tf.tensor(base, v.shape);
      v.assign(t);
      t.dispose();
    }
    for (const { numeric, analytic } of steepest) {
      expect(Math.abs(analytic)).toBeGreaterThan(1e-4);
      expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.abs(analytic));
    }
    compiled.dispose();
  });
});
