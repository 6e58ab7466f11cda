import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph, makeLossFn, makeOptimizer, nodeSeed } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import { chain, edge, graph, loadPreset, node } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function compile(doc: GraphDocument) {
  return compileGraph(tf, doc, analyzeGraph(doc));
}

/** input → d1 (dense 32) → relu ─┬─ d2 (dense 32) ──┐ add → concat(add, d3) → dense 10 → softmax → loss
 *                                └─ d3 (dense 32) ──┘                     */
function branching(): GraphDocument {
  return graph(
    [
      node('input', 'input', { layout: 'image' }),
      node('flat', 'flatten'),
      node('d1', 'dense', { units: 32 }),
      node('relu', 'relu'),
      node('d2', 'dense', { units: 32 }),
      node('d3', 'dense', { units: 32, useBias: false }),
      node('add', 'add'),
      node('drop', 'dropout', { rate: 0.5 }),
      node('cat', 'concat'),
      node('out', 'dense', { units: 10 }),
      node('softmax', 'softmax'),
      node('loss', 'loss'),
    ],
    [
      edge('input', 'flat'),
      edge('flat', 'd1'),
      edge('d1', 'relu'),
      edge('relu', 'd2'),
      edge('relu', 'd3'),
      edge('d2', 'add'),
      edge('d3', 'add'),
      edge('add', 'drop'),
      edge('drop', 'cat'),
      edge('d3', 'cat'),
      edge('cat', 'out'),
      edge('out', 'softmax'),
      edge('softmax', 'loss'),
    ],
  );
}

describe('compileGraph', () => {
  it.each([
    ['beginner', 7850, ['dense']],
    ['hidden-layer', 496885, ['hidden', 'output']],
  ] as const)('builds the %s preset: shapes, parameters, layer names', (name, params, dense) => {
    const c = compile(loadPreset(name));
    try {
      expect(c.model.inputs[0]!.shape).toEqual([null, 784]);
      expect(c.model.outputs[0]!.shape).toEqual([null, 10]);
      expect(c.model.countParams()).toBe(params);
      expect(c.trainableVariables.reduce((n, v) => n + v.size, 0)).toBe(params);
      for (const id of dense) expect(c.model.getLayer(id).name).toBe(id);
      expect(c.loss).toEqual({ loss: 'categoricalCrossentropy', reduction: 'sum' });
    } finally {
      c.dispose();
    }
  });

  it('uses the preset initialisers: zeros for beginner, normal(0, 0.05) for hidden-layer', () => {
    const b = compile(loadPreset('beginner'));
    expect(b.trainableVariables.every((v) => tf.max(tf.abs(v)).dataSync()[0] === 0)).toBe(true);
    b.dispose();
    const h = compile(loadPreset('hidden-layer'));
    const kernel = h.model.getLayer('hidden').getWeights()[0]!;
    const values = Array.from(kernel.dataSync() as Float32Array);
    const mean = values.reduce((a, x) => a + x, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.049);
    expect(std).toBeLessThan(0.051);
    h.dispose();
  });

  it('compiles a branching graph with add, concat and dropout through the functional API', () => {
    const c = compile(branching());
    try {
      expect(c.inputShape).toEqual([28, 28, 1]);
      expect(c.model.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
      expect(c.model.outputs[0]!.shape).toEqual([null, 10]);
      expect(c.model.getLayer('cat').outputShape).toEqual([null, 64]);
      const expected = 784 * 32 + 32 + (32 * 32 + 32) + 32 * 32 + (64 * 10 + 10);
      expect(c.model.countParams()).toBe(expected);
      expect(analyzeGraph(branching()).totalParams).toBe(expected);
      // forward (evaluation mode) is the model's own prediction.
      const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 3);
      const a = c.forward(x, false).arraySync() as number[][];
      const b = (c.model.predict(x) as tf.Tensor).arraySync() as number[][];
      a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 6)));
      // Training mode applies dropout: a different output, and a new mask on every call.
      const t1 = c.forward(x, true).arraySync();
      const t2 = c.forward(x, true).arraySync();
      expect(t1).not.toEqual(a);
      expect(t1).not.toEqual(t2);
    } finally {
      c.dispose();
    }
  });

  it('applies a dense layer to the last axis of an image, as the model does', () => {
    const doc = chain(
      node('input', 'input', { layout: 'image' }),
      node('pixels', 'dense', { units: 4, kernelInitializer: { name: 'heNormal' } }),
      node('flat', 'flatten'),
      node('out', 'dense', { units: 10 }),
      node('softmax', 'softmax'),
      node('loss', 'loss'),
    );
    const c = compile(doc);
    try {
      expect(c.model.getLayer('pixels').outputShape).toEqual([null, 28, 28, 4]);
      const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 9);
      const a = c.forward(x, true).dataSync();
      const b = (c.model.predict(x) as tf.Tensor).dataSync();
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    } finally {
      c.dispose();
    }
  });

  it('leaves out nodes that do not lead to the loss', () => {
    const doc = chain(
      node('input', 'input'),
      node('dense', 'dense', { units: 10 }),
      node('softmax', 'softmax'),
      node('loss', 'loss'),
    );
    doc.nodes.push(node('stray', 'dense', { units: 5 }));
    doc.edges.push(edge('input', 'stray'));
    const c = compile(doc);
    expect(c.model.layers.map((l) => l.name)).not.toContain('stray');
    expect(c.model.countParams()).toBe(7850);
    c.dispose();
  });

  it('derives initial weights from the document seed and the node id', () => {
    const doc = loadPreset('hidden-layer');
    const w = (d: GraphDocument) => {
      const c = compile(d);
      const v = c.model.getLayer('output').getWeights()[0]!.dataSync().slice(0, 5);
      c.dispose();
      return [...v];
    };
    expect(w(doc)).toEqual(w(doc));
    expect(w({ ...doc, training: { ...doc.training, seed: 2 } })).not.toEqual(w(doc));
    expect(nodeSeed(1, 'hidden')).not.toBe(nodeSeed(1, 'output'));
    expect(nodeSeed(1, 'hidden')).toBe(nodeSeed(1, 'hidden'));
    expect(nodeSeed(1, 'hidden')).toBeGreaterThanOrEqual(0);
    expect(nodeSeed(1, 'hidden')).toBeLessThan(2 ** 31);
  });

  it('refuses an invalid analysis (callers check first)', () => {
    const doc = chain(node('input', 'input'), node('dense', 'dense', { units: 625 }), node('loss', 'loss'));
    expect(() => compile(doc)).toThrow(/check analysis.valid/);
  });

  it('frees every tensor on dispose', () => {
    const before = tf.memory().numTensors;
    const c = compile(branching());
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loss', () => {
  // Two examples, three classes for readability (the maths does not depend on 10).
  const y = () =>
    tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
  const p = () =>
    tf.tensor2d([
      [0.2, 0.5, 0.3],
      [0.1, 0.6, 0.3],
    ]);
  const ce = -(Math.log(0.5) + Math.log(0.1));
  const se = (0.04 + 0.25 + 0.09 + (0.81 + 0.36 + 0.09)) / 3;

  it.each([
    ['categoricalCrossentropy', 'sum', ce],
    ['categoricalCrossentropy', 'mean', ce / 2],
    ['meanSquaredError', 'sum', se],
    ['meanSquaredError', 'mean', se / 2],
  ] as const)('%s with reduction %s', (loss, reduction, expected) => {
    const value = makeLossFn(tf, { loss, reduction })(y(), p());
    expect(value.rank).toBe(0);
    expect(value.dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('clips probabilities at 1e-7 before the logarithm', () => {
    const v = makeLossFn(tf, { loss: 'categoricalCrossentropy', reduction: 'sum' })(
      tf.tensor2d([[1, 0]]),
      tf.tensor2d([[0, 1]]),
    );
    expect(v.dataSync()[0]).toBeCloseTo(-Math.log(1e-7), 4);
  });
});

describe('makeOptimizer', () => {
  it.each([
    [{ type: 'sgd' }, 'SGD'],
    [{ type: 'momentum', momentum: 0.9, nesterov: false }, 'Momentum'],
    [{ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 'Adam'],
    [{ type: 'rmsprop', decay: 0.9, momentum: 0, epsilon: 1e-7 }, 'RMSProp'],
  ] as const)('%o', (settings, className) => {
    const opt = makeOptimizer(tf, settings, 0.01);
    expect(opt.getClassName()).toBe(className);
    expect(opt.getConfig().learningRate).toBe(0.01);
    opt.dispose();
  });

  it('takes one plain SGD step: w − lr·∇', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = makeOptimizer(tf, { type: 'sgd' }, 0.1);
    opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    expect([...w.dataSync()].map((x) => Number(x.toFixed(6)))).toEqual([0.8, 1.6]);
    w.dispose();
    opt.dispose();
  });
});
