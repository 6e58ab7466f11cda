import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../src/core/analyze';
import { compileGraph } from '../../../../src/core/compile';
import type { GraphDocument, OptimizerSettings } from '../../../../src/core/document';
import { tf } from '../../../../src/cli/nodeEnv';
import type { MnistData } from '../../../../src/training/mnist';
import { describeDenseChain } from '../../../../src/training/kernels/denseChain';
import { DenseChainTrainer } from '../../../../src/training/kernels/denseTrainer';
import { KernelHelper, threadSupport } from '../../../../src/training/kernels/kernelThreads';
import { chainDoc, mnistOnWasm, type ChainCase } from './chainCases';

let data: MnistData;
beforeAll(async () => {
  data = await mnistOnWasm();
});
afterAll(() => KernelHelper.stop());

/** 784 → 160 (large enough to be split) → 10, with the given optimizer and dropout. */
function caseDoc(optimizer: OptimizerSettings, learningRate: number, dropout?: number): GraphDocument {
  const c: ChainCase = {
    name: 'split',
    hidden: [{ units: 160, activation: 'sigmoid', useBias: true, ...(dropout !== undefined && { dropout }) }],
    output: 'softmax',
    loss: 'categoricalCrossentropy',
    reduction: 'sum',
    optimizer,
    learningRate,
    batchSize: 100,
  };
  return chainDoc(c);
}

/** Weights after each of `steps` steps, and test predictions at the end, on `threads` threads. */
async function runOn(doc: GraphDocument, threads: 1 | 2, steps: number) {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  const check = describeDenseChain(compiled);
  if (!check.ok) throw new Error(check.reason);
  const trainer = await DenseChainTrainer.create(check.chain, 100, data.train.images, threads);
  trainer.loadWeights();
  const weights: Float32Array[][][] = [];
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    trainer.setMnistBatch(data.train, undefined, s * 100);
    losses.push(trainer.step().loss);
    weights.push(trainer.weights());
  }
  const predictions = trainer.predict(data.test);
  compiled.dispose();
  return { threading: trainer.threading, weights, losses, predictions };
}

const cases: [string, OptimizerSettings, number, number?][] = [
  ['sgd', { type: 'sgd' }, 0.01],
  ['momentum', { type: 'momentum', momentum: 0.9, nesterov: true }, 0.001],
  ['adam', { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 0.001],
  ['rmsprop', { type: 'rmsprop', decay: 0.9, momentum: 0.5, epsilon: 1e-7 }, 0.001],
  ['adam with dropout 0.3', { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 0.001, 0.3],
];

describe('two threads on Tensorweave kernels', () => {
  it('are available in Node', () => {
    expect(threadSupport()).toEqual({ threads: 2 });
  });

  it.each(cases)(
    'give exactly the one-thread weights after every one of 4 steps, and the same predictions, with %s',
    async (_name, optimizer, lr, dropout) => {
      const doc = caseDoc(optimizer, lr, dropout);
      const one = await runOn(doc, 1, 4);
      const two = await runOn(doc, 2, 4);
      expect(one.threading.threads).toBe(1);
      expect(two.threading).toEqual({ threads: 2 });
      // The weights moved (so the comparison means something), identically on both.
      expect(one.weights[3]![0]![0]).not.toEqual(one.weights[0]![0]![0]);
      expect(two.losses).toEqual(one.losses);
      two.weights.forEach((step, s) => expect(step, `step ${s + 1}`).toEqual(one.weights[s]));
      expect(two.predictions.predicted).toEqual(one.predictions.predicted);
      expect(two.predictions.confidence).toEqual(one.predictions.confidence);
    },
  );

  it('hand the helper to the newest trainer; an older one goes on alone with the same results', async () => {
    const doc = caseDoc({ type: 'sgd' }, 0.01);
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const check = describeDenseChain(compiled);
    if (!check.ok) throw new Error(check.reason);
    const older = await DenseChainTrainer.create(check.chain, 100, data.train.images, 2);
    older.loadWeights();
    const newer = await DenseChainTrainer.create(check.chain, 100, data.train.images, 2);
    newer.loadWeights();
    for (const t of [older, newer]) {
      t.setMnistBatch(data.train, undefined, 0);
      t.step();
    }
    expect(older.weights()).toEqual(newer.weights());
    compiled.dispose();
  });
});

describe('without cross-origin isolation', () => {
  const g = globalThis as { crossOriginIsolated?: boolean };
  afterEach(() => delete g.crossOriginIsolated);

  it('train on one thread and say why', async () => {
    g.crossOriginIsolated = false;
    expect(threadSupport()).toEqual({
      threads: 1,
      reason: 'SharedArrayBuffer is not available (the page is not cross-origin isolated)',
    });
    const run = await runOn(caseDoc({ type: 'sgd' }, 0.01), 2, 2);
    expect(run.threading.threads).toBe(1);
    expect(run.threading.reason).toMatch(/cross-origin isolated/);
    delete g.crossOriginIsolated;
    const reference = await runOn(caseDoc({ type: 'sgd' }, 0.01), 1, 2);
    expect(run.weights).toEqual(reference.weights);
  });
});
