import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import { NODE_SPECS } from '../../../src/core/registry';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { activationsOf } from '../../../src/training/activations';
import { chain, edge, graph, node } from '../core/fixtures';

beforeAll(async () => {
  await useBackend('cpu');
});

const loss = () => node('loss', 'loss', { loss: 'categoricalCrossentropy', reduction: 'mean' });

/** Small graphs that between them hold every node type with a forward pass. */
const GRAPHS: { name: string; doc: GraphDocument }[] = [
  {
    name: 'dense → relu → dropout → dense → softmax',
    doc: chain(
      node('input', 'input'),
      node('d1', 'dense', { units: 12 }),
      node('r', 'relu'),
      node('drop', 'dropout', { rate: 0.5 }),
      node('d2', 'dense', { units: 10 }),
      node('s', 'softmax'),
      loss(),
    ),
  },
  {
    name: 'image input → flatten → dense → sigmoid → tanh → dense',
    doc: chain(
      node('input', 'input', { layout: 'image' }),
      node('f', 'flatten'),
      node('d1', 'dense', { units: 9 }),
      node('sg', 'sigmoid'),
      node('th', 'tanh'),
      node('d2', 'dense', { units: 10 }),
      node('s', 'softmax'),
      loss(),
    ),
  },
  {
    name: 'two branches joined by add and concat',
    doc: graph(
      [
        node('input', 'input'),
        node('a', 'dense', { units: 8 }),
        node('b', 'dense', { units: 8 }),
        node('sum', 'add'),
        node('cat', 'concat'),
        node('d', 'dense', { units: 10 }),
        node('s', 'softmax'),
        loss(),
      ],
      [
        edge('input', 'a'),
        edge('input', 'b'),
        edge('a', 'sum'),
        edge('b', 'sum'),
        edge('sum', 'cat'),
        edge('a', 'cat'),
        edge('cat', 'd'),
        edge('d', 's'),
        edge('s', 'loss'),
      ],
    ),
  },
  {
    name: 'reshape → conv → global average pool → dense',
    doc: chain(
      node('input', 'input'),
      node('img', 'reshape', { height: 28, width: 28, channels: 1 }),
      node('c1', 'conv2d', { filters: 6, kernelSize: 5, padding: 'same' }),
      node('gap', 'globalAvgPool2d'),
      node('d', 'dense', { units: 10 }),
      node('s', 'softmax'),
      loss(),
    ),
  },
  {
    name: 'reshape → conv → max pool → batch norm → strided conv → avg pool → flatten → dense',
    doc: chain(
      node('input', 'input'),
      node('img', 'reshape', { height: 28, width: 28, channels: 1 }),
      node('c1', 'conv2d', { filters: 4, kernelSize: 3, padding: 'valid' }),
      node('mp', 'maxPool2d', { poolSize: 2, strides: 2, padding: 'valid' }),
      node('bn', 'batchNorm'),
      node('c2', 'conv2d', { filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
      node('ap', 'avgPool2d', { poolSize: 2, strides: 2, padding: 'same' }),
      node('f', 'flatten'),
      node('d', 'dense', { units: 10 }),
      node('s', 'softmax'),
      loss(),
    ),
  },
];

type Params = Record<string, unknown>;
const num = (p: Params, k: string) => p[k] as number;
const pad = (p: Params) => p.padding as 'same' | 'valid';

/** Each node type's output from its inputs in plain tfjs ops, with the layer's own weights. */
const PLAIN: Record<
  string,
  (ins: tfjs.Tensor[], weights: tfjs.Tensor[], shape: number[], params: Params) => tfjs.Tensor
> = {
  reshape: ([x], _w, shape) => tf.reshape(x!, [1, ...shape]),
  conv2d: ([x], [kernel, bias], _s, p) => {
    const y = tf.conv2d(x as tfjs.Tensor4D, kernel as tfjs.Tensor4D, num(p, 'strides'), pad(p));
    return bias ? tf.add(y, bias) : y;
  },
  maxPool2d: ([x], _w, _s, p) =>
    tf.maxPool(x as tfjs.Tensor4D, num(p, 'poolSize'), num(p, 'strides'), pad(p)),
  avgPool2d: ([x], _w, _s, p) =>
    tf.avgPool(x as tfjs.Tensor4D, num(p, 'poolSize'), num(p, 'strides'), pad(p)),
  globalAvgPool2d: ([x]) => tf.mean(x!, [1, 2]),
  // Inference: the moving averages, Keras's weight order γ, β, mean, variance.
  batchNorm: ([x], [gamma, beta, mean, variance], _s, p) =>
    tf.batchNorm(x!, mean!, variance!, beta, gamma, num(p, 'epsilon')),
  dense: ([x], [kernel, bias]) => tf.add(tf.matMul(x as tfjs.Tensor2D, kernel as tfjs.Tensor2D), bias!),
  relu: ([x]) => tf.relu(x!),
  sigmoid: ([x]) => tf.sigmoid(x!),
  tanh: ([x]) => tf.tanh(x!),
  softmax: ([x]) => tf.softmax(x!),
  dropout: ([x]) => x!, // inference: the identity
  flatten: ([x], _w, shape) => tf.reshape(x!, [1, ...shape]),
  add: (ins) => tf.addN(ins),
  concat: (ins) => tf.concat(ins, -1),
};

/** A digit-like input with values in [0, 1], the same for every run. */
function someImage(): Float32Array {
  return Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
}

/** A node's parameters with the defaults filled in, as the compiler builds its layer. */
function compiledParams(doc: GraphDocument, id: string): Params {
  return analyzeGraph(doc).nodes.get(id)!.params ?? {};
}

function compile(doc: GraphDocument): CompiledGraph {
  const analysis = analyzeGraph(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compileGraph(tf, doc, analysis);
}

describe('activationsOf', () => {
  it('covers every node type of the registry that has a forward pass', () => {
    const covered = new Set(GRAPHS.flatMap((g) => g.doc.nodes.map((n) => n.type)));
    const withForward = [...NODE_SPECS.values()].filter((s) => s.build).map((s) => s.type);
    for (const type of withForward) expect(covered, `no graph uses "${type}"`).toContain(type);
    for (const type of withForward) expect(Object.keys(PLAIN)).toContain(type);
  });

  it.each(GRAPHS)('$name: every node equals a plain tfjs forward pass of the same input', ({ doc }) => {
    const compiled = compile(doc);
    const image = someImage();
    const before = tf.memory().numTensors;
    const acts = activationsOf(tf, compiled, image);
    expect(tf.memory().numTensors).toBe(before);
    const byId = new Map(acts.map((a) => [a.nodeId, a]));
    const analysis = analyzeGraph(doc);
    // Every node of the model shows, with the shape the editor puts on its edge.
    for (const n of doc.nodes.filter((n) => n.type !== 'loss')) {
      expect(byId.get(n.id)?.shape, n.id).toEqual(analysis.nodes.get(n.id)!.outputShape);
    }
    tf.tidy(() => {
      for (const n of doc.nodes) {
        if (n.type === 'input' || n.type === 'loss') continue;
        const ins = doc.edges
          .filter((e) => e.to.node === n.id)
          .map((e) => {
            const a = byId.get(e.from.node)!;
            return tf.tensor(a.values, [1, ...a.shape]);
          });
        const weights = compiled.model.getLayer(n.id).getWeights();
        const params = compiledParams(doc, n.id);
        const expected = PLAIN[n.type]!(ins, weights, byId.get(n.id)!.shape, params).dataSync();
        const got = byId.get(n.id)!.values;
        expect(got.length, n.id).toBe(expected.length);
        for (let i = 0; i < got.length; i++) expect(got[i]!, `${n.id}[${i}]`).toBeCloseTo(expected[i]!, 5);
      }
      // And the last node equals the compiled model's own inference forward.
      const last = byId.get(doc.edges.find((e) => e.to.node === 'loss')!.from.node)!;
      const model = compiled.forward(tf.tensor(image, [1, ...compiled.inputShape]), false).dataSync();
      for (let i = 0; i < model.length; i++) expect(last.values[i]!).toBeCloseTo(model[i]!, 5);
    });
    // The input shows the image itself.
    expect(Array.from(byId.get('input')!.values.slice(0, 5))).toEqual(Array.from(image.slice(0, 5)));
    compiled.dispose();
  });
});
