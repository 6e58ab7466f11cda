import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeGraph } from '../../../src/core/analyze';
import { NODE_TYPES } from '../../../src/core/registry';
import { chain, edge, graph, node } from './fixtures';
import type { GraphEdge, GraphNode } from '../../../src/core/document';

const layer = fc.oneof(
  fc.record({
    kind: fc.constant('dense' as const),
    units: fc.integer({ min: 1, max: 300 }),
    useBias: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom('sigmoid' as const, 'relu' as const, 'tanh' as const, 'dropout' as const),
  }),
);

describe('shape inference properties', () => {
  it('a chain of layers ends in the last dense width and counts fan-in × units + bias', () => {
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 8 }), (layers) => {
        const nodes = [
          node('x', 'input'),
          ...layers.map((l, i) =>
            node(`n${i}`, l.kind, 'units' in l ? { units: l.units, useBias: l.useBias } : {}),
          ),
        ];
        const a = analyzeGraph(chain(...nodes));
        let width = 784;
        let params = 0;
        for (const l of layers) {
          if (l.kind === 'dense') {
            params += width * l.units + (l.useBias ? l.units : 0);
            width = l.units;
          }
        }
        expect(a.nodes.get(`n${layers.length - 1}`)!.outputShape).toEqual([width]);
        expect(a.totalParams).toBe(params);
        // Every edge carries its source's shape.
        for (const e of a.edges)
          expect(a.edgeShapes.get(e.id)).toEqual(a.nodes.get(e.from.node)!.outputShape);
      }),
    );
  });

  it('concat adds the last axes of its inputs; add keeps the common shape', () => {
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
        const total = widths.reduce((s, w) => s + w, 0);
        expect(a.nodes.get('cat')!.outputShape).toEqual([total]);
        expect(a.nodes.get('sum')!.outputShape).toEqual([total]);
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
