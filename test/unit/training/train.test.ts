import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import { loadMnist, type MnistData } from '../../../src/training/mnist';
import { totalStepsFor } from '../../../src/core/steps';
import { train } from '../../../src/training/train';
import type { TrainOptions } from '../../../src/training/types';
import { chain, edge, graph, loadPreset, node } from '../core/fixtures';

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

/** A linear regression with a summed squared error: diverges fast when the step is too big. */
function divergent(learningRate: number, steps: number): GraphDocument {
  return withTraining(
    chain(
      node('input', 'input'),
      node('dense', 'dense', { units: 10 }),
      node('loss', 'loss', { loss: 'meanSquaredError', reduction: 'sum' }),
    ),
    { learningRate, duration: { unit: 'steps', steps }, seed: 7 },
  );
}

describe('MNIST', () => {
  it('splits 55,000 / 5,000 / 10,000 with labels as digits', () => {
    expect(data.train.count).toBe(55000);
    expect(data.validation.count).toBe(5000);
    expect(data.test.count).toBe(10000);
    expect(data.train.images.length).toBe(55000 * 784);
    expect(Math.max(...data.test.labels)).toBe(9);
    // The validation images are the last 5,000 of the 60,000.
    expect(data.validation.images.byteOffset).toBe(data.train.images.byteOffset + 55000 * 784);
  });
});

// Dense chains (the presets) run on Tensorweave's kernels by default and on tfjs ops with
// kernels: false; both steppers must keep the trainer's contract.
describe.each([
  { path: 'tfjs ops', kernels: false },
  { path: 'Tensorweave kernels', kernels: true },
])('train on $path', ({ kernels }) => {
  const opts = (doc: GraphDocument, extra: Partial<TrainOptions> = {}) => options(doc, { kernels, ...extra });

  it('reaches > 85% test accuracy on the beginner preset in 300 steps (real MNIST)', async () => {
    const doc = withTraining(loadPreset('beginner'), { duration: { unit: 'steps', steps: 300 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const progress: number[] = [];
    const result = await train(tf, compiled, data, opts(doc, { onProgress: (p) => progress.push(p.step) }));
    compiled.dispose();
    expect(result.status).toBe('completed');
    expect(result.steps).toBe(300);
    expect(progress).toEqual([100, 200, 300]);
    expect(result.history.every((h) => h.batchAccuracy > 0 && h.batchAccuracy <= 1)).toBe(true);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(result.trainAccuracy).toBeGreaterThan(0.85);
    expect(result.validationAccuracy).toBeGreaterThan(0.85);
  });

  it('stops at once on a non-finite loss, says so in plain words, and restores the last good weights', async () => {
    const doc = divergent(1, 200);
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const result = await train(tf, compiled, data, opts(doc, { evaluate: false }));
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /^loss became (NaN|infinite) at step \d+; the learning rate 1 is likely too high — try 0\.1\. The weights were restored to those after step \d+\.$/,
    );
    const failedAt = Number(/at step (\d+)/.exec(result.message!)![1]);
    expect(failedAt).toBeLessThan(200);
    expect(result.steps).toBeLessThan(failedAt);
    expect(failedAt - result.steps).toBeLessThanOrEqual(20);
    const restored = compiled.trainableVariables.map((v) => [...v.dataSync()]);
    expect(restored.flat().every(Number.isFinite)).toBe(true);
    compiled.dispose();

    // The same run stopped after that many steps has exactly these weights.
    const again = divergent(1, result.steps);
    const replay = compileGraph(tf, again, analyzeGraph(again));
    await train(tf, replay, data, opts(again, { evaluate: false }));
    expect(replay.trainableVariables.map((v) => [...v.dataSync()])).toEqual(restored);
    replay.dispose();
  });

  it('stops between steps when aborted, keeping and evaluating the weights', async () => {
    const doc = withTraining(loadPreset('beginner'), { duration: { unit: 'steps', steps: 10000 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const controller = new AbortController();
    const result = await train(
      tf,
      compiled,
      data,
      opts(doc, {
        progressEvery: 10,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 50) controller.abort();
        },
      }),
    );
    compiled.dispose();
    expect(result.status).toBe('aborted');
    expect(result.steps).toBe(50);
    expect(result.testAccuracy).toBeGreaterThan(0.6);
  });

  it('leaks no tensor on the beginner preset', async () => {
    const doc = withTraining(loadPreset('beginner'), { duration: { unit: 'steps', steps: 30 } });
    const before = tf.memory().numTensors;
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    await train(tf, compiled, data, opts(doc, { progressEvery: 7, validationEvery: 20 }));
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('train', () => {
  it('leaks no tensor: numTensors is unchanged after compile, train (with dropout) and dispose', async () => {
    const doc = withTraining(
      graph(
        [
          node('input', 'input', { layout: 'image' }),
          node('flat', 'flatten'),
          node('a', 'dense', { units: 16 }),
          node('b', 'dense', { units: 16 }),
          node('add', 'add'),
          node('drop', 'dropout', { rate: 0.3 }),
          node('out', 'dense', { units: 10 }),
          node('softmax', 'softmax'),
          node('loss', 'loss', { reduction: 'mean' }),
        ],
        [
          edge('input', 'flat'),
          edge('flat', 'a'),
          edge('flat', 'b'),
          edge('a', 'add'),
          edge('b', 'add'),
          edge('add', 'drop'),
          edge('drop', 'out'),
          edge('out', 'softmax'),
          edge('softmax', 'loss'),
        ],
      ),
      {
        optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
        learningRate: 0.01,
        duration: { unit: 'steps', steps: 60 },
      },
    );
    const before = tf.memory().numTensors;
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const result = await train(
      tf,
      compiled,
      data,
      options(doc, { progressEvery: 7, validationEvery: 20, snapshotEvery: 3 }),
    );
    compiled.dispose();
    expect(result.status).toBe('completed');
    expect(result.testAccuracy).toBeGreaterThan(0.5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('waits at the pause gate between steps, without counting the pause as training time', async () => {
    const doc = withTraining(loadPreset('beginner'), { duration: { unit: 'steps', steps: 40 } });
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    let calls = 0;
    let stepsAtPause = -1;
    const seen: number[] = [];
    const t = performance.now();
    const result = await train(
      tf,
      compiled,
      data,
      options(doc, {
        kernels: false,
        evaluate: false,
        progressEvery: 1,
        onProgress: (p) => seen.push(p.step),
        pauseGate: () => {
          calls++;
          if (calls !== 21) return Promise.resolve();
          stepsAtPause = seen.length;
          return new Promise((resolve) => setTimeout(resolve, 400));
        },
      }),
    );
    const wall = (performance.now() - t) / 1000;
    compiled.dispose();
    expect(result.status).toBe('completed');
    expect(calls).toBe(40);
    expect(stepsAtPause).toBe(20);
    expect(wall - result.seconds).toBeGreaterThan(0.35);
  });

  it('trains the same with the fast matMul gradient as with the stock one', async () => {
    const doc = withTraining(loadPreset('hidden-layer'), { duration: { unit: 'steps', steps: 5 } });
    const weights = async (fastMatMulGrad: boolean) => {
      const compiled = compileGraph(tf, doc, analyzeGraph(doc));
      await train(tf, compiled, data, options(doc, { evaluate: false, fastMatMulGrad, kernels: false }));
      const values = compiled.trainableVariables.map((v) => v.dataSync().slice());
      compiled.dispose();
      return values;
    };
    const fast = await weights(true);
    const stock = await weights(false);
    fast.forEach((w, i) => {
      let worst = 0;
      w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - stock[i]![j]!))));
      expect(worst).toBeLessThan(1e-5);
    });
  });

  it('counts epochs as whole passes over the training split', () => {
    expect(totalStepsFor({ unit: 'epochs', epochs: 2 }, 55000, 100)).toBe(1100);
    expect(totalStepsFor({ unit: 'epochs', epochs: 1 }, 55000, 128)).toBe(429);
    expect(totalStepsFor({ unit: 'steps', steps: 7 }, 55000, 100)).toBe(7);
  });
});
