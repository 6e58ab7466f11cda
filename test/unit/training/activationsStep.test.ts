import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/core/document';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import type { CompiledGraph } from '../../../src/core/compile';
import { loadMnist, type MnistData } from '../../../src/training/mnist';
import { compileFresh, SingleStepper } from '../../../src/training/stepOnce';
import { train } from '../../../src/training/train';
import { chain, node } from '../core/fixtures';

let data: MnistData;
beforeAll(async () => {
  await useBackend('wasm');
  data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
});

function hidden(activation: 'sigmoid' | 'relu', seed = 3): GraphDocument {
  const doc = chain(
    node('input', 'input'),
    node('hidden', 'dense', { units: 32 }),
    node('act', activation),
    node('out', 'dense', { units: 10 }),
    node('soft', 'softmax'),
    node('loss', 'loss', { loss: 'categoricalCrossentropy', reduction: 'mean' }),
  );
  return {
    ...doc,
    training: {
      ...doc.training,
      batchSize: 50,
      learningRate: 0.5,
      seed,
      duration: { unit: 'steps', steps: 4 },
    },
  };
}

const weightsOf = (c: CompiledGraph) => c.model.getWeights().map((w) => Array.from(w.dataSync()));

describe('SingleStepper', () => {
  it('steps one batch at a time and reports the loss, the batch accuracy, update ratios and gradients', async () => {
    const compiled = compileFresh(tf, hidden('sigmoid'));
    const stepper = await SingleStepper.create(tf, compiled, data.train, hidden('sigmoid').training);
    const before = tf.memory().numTensors;
    const reports = [1, 2, 3, 4, 5].map(() => stepper.step());
    expect(tf.memory().numTensors).toBe(before);
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(stepper.taken).toBe(5);
    // A fresh 10-class network starts near ln 10 and learns within five steps of lr 0.5.
    expect(reports[0]!.loss).toBeGreaterThan(1.8);
    expect(reports[0]!.loss).toBeLessThan(2.8);
    expect(reports[4]!.loss).toBeLessThan(reports[0]!.loss);
    for (const r of reports) {
      expect(r.batchAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.batchAccuracy).toBeLessThanOrEqual(1);
      expect(Object.keys(r.updateRatios).sort()).toEqual(['hidden', 'out']);
      for (const v of Object.values(r.updateRatios)) expect(v).toBeGreaterThan(1e-5);
      expect(Object.keys(r.gradients).sort()).toEqual(['act', 'hidden', 'input', 'out', 'soft']);
      for (const v of Object.values(r.gradients)) expect(v).toBeGreaterThan(0);
    }
    stepper.dispose();
    compiled.dispose();
  });

  it('takes the same steps as a full run of the same length (same stepper, same batches)', async () => {
    const doc = hidden('relu', 11);
    const stepped = compileFresh(tf, doc);
    const stepper = await SingleStepper.create(tf, stepped, data.train, doc.training);
    for (let i = 0; i < 4; i++) stepper.step();
    stepper.dispose();
    const run = compileFresh(tf, doc);
    const result = await train(tf, run, data, {
      batchSize: 50,
      duration: { unit: 'steps', steps: 4 },
      seed: 11,
      learningRate: 0.5,
      evaluate: false,
      validationEvery: 0,
    });
    expect(result.steps).toBe(4);
    const a = weightsOf(stepped);
    const b = weightsOf(run);
    for (let t = 0; t < a.length; t++) {
      for (let i = 0; i < a[t]!.length; i += 97) expect(a[t]![i]!).toBeCloseTo(b[t]![i]!, 5);
    }
    stepped.dispose();
    run.dispose();
  });

  it('Reset weights: the same seed gives the same weights, another seed others', async () => {
    const doc = hidden('relu', 5);
    const first = compileFresh(tf, doc);
    const initial = weightsOf(first);
    const stepper = await SingleStepper.create(tf, first, data.train, doc.training);
    stepper.step();
    stepper.dispose();
    expect(weightsOf(first)[0]).not.toEqual(initial[0]);
    const reset = compileFresh(tf, doc);
    expect(weightsOf(reset)).toEqual(initial);
    const other = compileFresh(tf, { ...doc, training: { ...doc.training, seed: 6 } });
    expect(weightsOf(other)[0]).not.toEqual(initial[0]);
    for (const c of [first, reset, other]) c.dispose();
  });

  it('shows the vanishing gradient: less flows back into a sigmoid layer than into a ReLU one', async () => {
    const grads: Record<string, number> = {};
    for (const act of ['sigmoid', 'relu'] as const) {
      const doc = hidden(act, 9);
      const compiled = compileFresh(tf, doc);
      const stepper = await SingleStepper.create(tf, compiled, data.train, doc.training);
      grads[act] = stepper.step().gradients.hidden!;
      stepper.dispose();
      compiled.dispose();
    }
    // σ' ≤ 1/4 scales the gradient down; ReLU passes it through where active.
    expect(grads.sigmoid!).toBeLessThan(grads.relu!);
  });

  it('says which error stops a reset', () => {
    const broken = chain(node('input', 'input'), node('loss', 'loss'));
    expect(() => compileFresh(tf, { ...broken, name: 'mine' })).toThrow(/"mine" has errors.*reset again/);
  });
});
