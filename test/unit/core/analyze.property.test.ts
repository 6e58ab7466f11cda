import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeGraph } from '../../../src/core/analyze';
import { NODE_TYPES } from '../../../src/core/registry';
import { chain, edge, graph, node } from './fixtures';
import type { GraphEdge, GraphNode } from '../../../src/core/document';

type Layer =
  { kind: 'dense'; units: number; useBias: boolean } | { kind: 'sigmoid' | 'relu' | 'tanh' | 'dropout' };

const layer: fc.Arbitrary<Layer> = fc.oneof(
  fc.record({
    kind: fc.constant('dense' as const),
    units: fc.integer({ min: 1, max: 300 }),
    useBias: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom('sigmoid' as const, 'relu' as const, 'tanh' as const, 'dropout' as const),
  }),
);

/**
 * The same layer made by tfjs's own Layers API, not by our compiler: the reference the analysis
 * must agree with. Zero initialisers keep building the random models cheap.
 */
function tfjsLayer(l: Layer): tf.layers.Layer {
  switch (l.kind) {
    case 'dense':
      return tf.layers.dense({ units: l.units, useBias: l.useBias, kernelInitializer: 'zeros' });
    case 'dropout':
      return tf.layers.dropout({ rate: 0.5 });
    default:
      return tf.layers.activation({ activation: l.kind });
  }
}

/** A symbolic tensor's shape without the batch axis. */
function exampleShape(t: tf.SymbolicTensor): (number | null)[] {
  return t.shape.slice(1);
}

describe('shape inference properties', () => {
  afterAll(() => {
    // Every reference model was disposed: no weight outlives its property run.
    expect(tf.memory().numTensors).toBe(0);
  });

  it('a chain of layers has the shapes and parameter counts of the same chain built in tfjs', () => {
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 8 }), (layers) => {
        const nodes = [
          node('x', 'input'),
          ...layers.map((l, i) =>
            node(`n${i}`, l.kind, l.kind === 'dense' ? { units: l.units, useBias: l.useBias } : {}),
          ),
        ];
        const a = analyzeGraph(chain(...nodes));

        const input = tf.input({ shape: [784] });
        const built = layers.map((l) => tfjsLayer(l));
        const outputs: tf.SymbolicTensor[] = [];
        let x = input;
        for (const b of built) outputs.push((x = b.apply(x) as tf.SymbolicTensor));
        const model = tf.model({ inputs: input, outputs: x });
        try {
          layers.forEach((_, i) => {
            const n = a.nodes.get(`n${i}`)!;
            expect(n.outputShape).toEqual(exampleShape(outputs[i]!));
            expect(n.paramCount).toBe(built[i]!.countParams());
          });
          expect(a.totalParams).toBe(model.countParams());
        } finally {
          model.dispose();
        }
        // Every edge carries its source's shape.
        for (const e of a.edges)
          expect(a.edgeShapes.get(e.id)).toEqual(a.nodes.get(e.from.node)!.outputShape);
      }),
    );
  });

  it('concat and add have the shapes tfjs gives the same branches', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 2, maxLength: 6 }), (widths) => {
        const branches = widths.map((u, i) => node(`d${i}`, 'dense', { units: u }));
        const doc = graph(
          [node('x', 'input'), ...branches, node('cat', 'concat'), node('sum', 'add')],
          [
            ...branches.map((b) => edge('x', b.id)),
            ...branches.map((b) => edge(b.id, 'cat')),
            edge('cat', 'sum'),
            edge('cat', 'sum'),
          ],
        );
        const a = analyzeGraph(doc);

        const input = tf.input({ shape: [784] });
        const dense = widths.map(
          (units) => tf.layers.dense({ units, kernelInitializer: 'zeros' }).apply(input) as tf.SymbolicTensor,
        );
        const cat = tf.layers.concatenate().apply(dense) as tf.SymbolicTensor;
        const sum = tf.layers.add().apply([cat, cat]) as tf.SymbolicTensor;
        const model = tf.model({ inputs: input, outputs: sum });
        try {
          expect(a.nodes.get('cat')!.outputShape).toEqual(exampleShape(cat));
          expect(a.nodes.get('sum')!.outputShape).toEqual(exampleShape(sum));
          expect(a.totalParams).toBe(model.countParams());
        } finally {
          model.dispose();
        }
      }),
    );
  });

  it('never throws on arbitrary wiring, and orders accepted edges topologically', () => {
    const types = [...NODE_TYPES, 'bogus'];
    const arbDoc = fc
      .record({
        kinds: fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 12 }),
        wires: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('in', 'out', 'x')), { maxLength: 30 }),
        units: fc.array(fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constant('7')), { maxLength: 12 }),
      })
      .map(({ kinds, wires, units }) => {
        const nodes: GraphNode[] = kinds.map((t, i) =>
          node(`n${i}`, t, t === 'dense' ? { units: units[i] ?? 8 } : {}),
        );
        const edges: GraphEdge[] = wires.map(([a, b, port], i) => ({
          id: `e${i}`,
          from: { node: `n${a % (kinds.length + 1)}`, port: 'out' },
          to: { node: `n${b % kinds.length}`, port },
        }));
        return graph(nodes, edges);
      });
    fc.assert(
      fc.property(arbDoc, (doc) => {
        const a = analyzeGraph(doc);
        const position = new Map(a.order.map((id, i) => [id, i]));
        for (const e of a.edges) {
          const from = position.get(e.from.node);
          const to = position.get(e.to.node);
          if (from !== undefined && to !== undefined) expect(from).toBeLessThan(to);
        }
        expect(a.valid).toBe(!a.diagnostics.some((d) => d.severity === 'error'));
        for (const d of a.diagnostics) expect(d.message.length).toBeGreaterThan(10);
      }),
      { numRuns: 300 },
    );
  });
});
