import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../../src/core/compile';
import type { GraphDocument } from '../../../../src/core/document';
import { tf } from '../../../../src/cli/nodeEnv';
import { makeBatch, type MnistData } from '../../../../src/training/mnist';
import { mulberry32 } from '../../../../src/training/random';
import { train } from '../../../../src/training/train';
import { describeDenseChain } from '../../../../src/training/kernels/denseChain';
import { DenseChainTrainer } from '../../../../src/training/kernels/denseTrainer';
import { kernelSupport } from '../../../../src/training/stepperChoice';
import { chain, edge, graph, loadPreset, node } from '../../core/fixtures';
import {
  chainDoc,
  options,
  randomCases,
  trainedWeights as trainedOn,
  withTraining,
  worstDifference,
  type ChainCase,
  mnistOnWasm,
} from './chainCases';

let data: MnistData;
beforeAll(async () => {
  data = await mnistOnWasm();
});

const trainedWeights = (doc: GraphDocument, kernels: boolean) => trainedOn(data, doc, kernels);

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

  it('is not taken for graphs outside the chain; those still train through tfjs', async () => {
    const dropoutFirst = chain(
      node('input', 'input'),
      node('drop', 'dropout', { rate: 0.2 }),
      node('d', 'dense', { units: 10 }),
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
    const reasons = [dropoutFirst, branches].map((doc) => {
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      const check = kernelSupport(compiled);
      compiled.dispose();
      return check.ok ? 'ok' : check.reason;
    });
    expect(reasons).toEqual([
      'the dropout drop comes before the first dense layer',
      'the graph branches or merges, and the kernels run one chain of layers',
    ]);
    const doc = withTraining(branches, { duration: { unit: 'steps', steps: 3 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const result = await train(tf, compiled, data, options(doc, { evaluate: false }));
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
