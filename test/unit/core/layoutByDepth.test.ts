/**
 * Imported graphs get positions: depth columns wrapped into bands of four like the presets, so a
 * long sequential model is a few lines on the canvas, not one long row of tiny nodes.
 */
import { describe, expect, it } from 'vitest';
import { COLUMNS_PER_BAND, layoutByDepth } from '../../../src/core/exchange/layoutByDepth';

type Node = { id: string; position: { x: number; y: number } };
const node = (id: string): Node => ({ id, position: { x: -1, y: -1 } });
const edge = (from: string, to: string) => ({ from: { node: from }, to: { node: to } });

function laid(ids: string[], links: [string, string][]) {
  const doc = { nodes: ids.map(node), edges: links.map(([a, b]) => edge(a, b)) };
  layoutByDepth(doc as unknown as Parameters<typeof layoutByDepth>[0]);
  return Object.fromEntries(doc.nodes.map((n) => [n.id, n.position]));
}

describe('layoutByDepth', () => {
  it('wraps a chain into lines of four, left to right, 300 apart and 170 between lines', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const at = laid(
      ids,
      ids.slice(1).map((id, i) => [ids[i]!, id]),
    );
    expect(COLUMNS_PER_BAND).toBe(4);
    expect(at['n0']).toEqual({ x: 0, y: 0 });
    expect(at['n3']).toEqual({ x: 900, y: 0 });
    expect(at['n4']).toEqual({ x: 0, y: 170 });
    expect(at['n9']).toEqual({ x: 300, y: 340 });
  });

  it('stacks branches of the same depth, and starts the next line below the tallest stack', () => {
    // in → a, b (side by side) → add → d1 → d2 → d3 (the second line)
    const at = laid(
      ['in', 'a', 'b', 'add', 'd1', 'd2', 'd3'],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'add'],
        ['b', 'add'],
        ['add', 'd1'],
        ['d1', 'd2'],
        ['d2', 'd3'],
      ],
    );
    expect(at['a']).toEqual({ x: 300, y: 0 });
    expect(at['b']).toEqual({ x: 300, y: 170 });
    expect(at['add']).toEqual({ x: 600, y: 0 });
    expect(at['d2']).toEqual({ x: 0, y: 340 });
    expect(at['d3']).toEqual({ x: 300, y: 340 });
  });

  it('places every node of a graph with no edges, and survives a cycle', () => {
    expect(laid(['x', 'y'], [])).toEqual({ x: { x: 0, y: 0 }, y: { x: 0, y: 170 } });
    const cyclic = laid(
      ['p', 'q'],
      [
        ['p', 'q'],
        ['q', 'p'],
      ],
    );
    expect(Object.values(cyclic).every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
  });
});
