import { describe, expect, it } from 'vitest';
import { emptyDocument, type GraphDocument } from '../../../src/core/document';
import { PLACEMENT_GAP, freePosition, nodeBox } from '../../../src/editor/placement';

function docWith(nodes: { id: string; type: string; x: number; y: number }[]): GraphDocument {
  return {
    ...emptyDocument(),
    nodes: nodes.map((n) => ({ id: n.id, type: n.type, params: {}, position: { x: n.x, y: n.y } })),
  };
}

const apart = (a: ReturnType<typeof nodeBox>, b: ReturnType<typeof nodeBox>) =>
  a.x >= b.x + b.width + PLACEMENT_GAP ||
  b.x >= a.x + a.width + PLACEMENT_GAP ||
  a.y >= b.y + b.height + PLACEMENT_GAP ||
  b.y >= a.y + a.height + PLACEMENT_GAP;

describe('placing a new node', () => {
  it('keeps the spot asked for when it is free', () => {
    const doc = docWith([{ id: 'a', type: 'dense', x: 0, y: 0 }]);
    expect(freePosition(doc, 'dense', { x: 600, y: 0 })).toEqual({ x: 600, y: 0 });
  });

  it('moves off a node it would cover, to the nearest free spot', () => {
    const doc = docWith([
      { id: 'a', type: 'dense', x: 0, y: 0 },
      { id: 'b', type: 'sigmoid', x: 240, y: 0 },
    ]);
    const want = { x: 10, y: 10 };
    const placed = freePosition(doc, 'dense', want);
    expect(placed).not.toEqual(want);
    for (const n of doc.nodes)
      expect(apart(nodeBox('dense', placed), nodeBox(n.type, n.position))).toBe(true);
    // The nearest free spot: just below or above the first node, not far away.
    expect(Math.hypot(placed.x - want.x, placed.y - want.y)).toBeLessThan(200);
  });

  it('finds room in a crowded row', () => {
    const doc = docWith(
      Array.from({ length: 8 }, (_, i) => ({ id: `n${i}`, type: 'dense', x: i * 200, y: 0 })),
    );
    const placed = freePosition(doc, 'relu', { x: 400, y: 20 });
    for (const n of doc.nodes) expect(apart(nodeBox('relu', placed), nodeBox(n.type, n.position))).toBe(true);
  });
});
