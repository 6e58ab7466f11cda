import { describe, expect, it } from 'vitest';
import { MIN_READABLE_ZOOM, fitView, type Rect, type ViewTransform } from '../../../src/editor/fit';

const onScreen = (r: Rect, t: ViewTransform): Rect => ({
  x: r.x * t.k + t.x,
  y: r.y * t.k + t.y,
  width: r.width * t.k,
  height: r.height * t.k,
});
const inside = (a: Rect, b: Rect) =>
  a.x >= b.x - 0.5 &&
  a.y >= b.y - 0.5 &&
  a.x + a.width <= b.x + b.width + 0.5 &&
  a.y + a.height <= b.y + b.height + 0.5;
const apart = (a: Rect, b: Rect) =>
  a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

describe('fitting the graph into the canvas', () => {
  const view = { width: 815, height: 652 };
  const minimap = { x: 657, y: 542, width: 144, height: 96 };

  it('shows the beginner preset whole, readable, and clear of the minimap', () => {
    const nodes = { x: 0, y: 0, width: 1024, height: 94 }; // four nodes 280 apart
    const t = fitView(nodes, view, minimap);
    const drawn = onScreen(nodes, t);
    expect(t.k).toBeGreaterThanOrEqual(MIN_READABLE_ZOOM);
    expect(inside(drawn, { x: 0, y: 0, ...view })).toBe(true);
    expect(apart(drawn, minimap)).toBe(true);
  });

  it('a short canvas (the dock open) does not shrink the graph below the readable zoom, and keeps its top', () => {
    const nodes = { x: 40, y: 80, width: 600, height: 900 };
    const t = fitView(nodes, { width: 815, height: 300 });
    expect(t.k).toBe(MIN_READABLE_ZOOM);
    const drawn = onScreen(nodes, t);
    expect(drawn.x).toBeGreaterThanOrEqual(0);
    expect(drawn.x + drawn.width).toBeLessThanOrEqual(815); // the width still fits
    // Cut at the bottom only: the graph's start (its top row) is in sight.
    expect(drawn.y).toBeGreaterThanOrEqual(0);
    expect(drawn.y).toBeLessThan(20);
  });

  it('the CNN preset under the open dock is shown whole, left of the minimap, rather than cut above it', () => {
    // 4 rows of 4 nodes, 300 × 170 apart; the canvas and minimap at 1366×768 with the dock open.
    const nodes = { x: 0, y: 0, width: 3 * 300 + 184, height: 3 * 170 + 94 };
    const short = { width: 815, height: 352 };
    const corner = { x: 657, y: 242, width: 144, height: 96 };
    const t = fitView(nodes, short, corner);
    const drawn = onScreen(nodes, t);
    expect(t.k).toBeGreaterThanOrEqual(MIN_READABLE_ZOOM);
    expect(inside(drawn, { x: 0, y: 0, ...short })).toBe(true);
    expect(apart(drawn, corner)).toBe(true);
  });

  it('a graph wider than the canvas is fitted to its width, whole', () => {
    const nodes = { x: 0, y: 0, width: 1584, height: 94 }; // hidden-layer: six nodes
    const t = fitView(nodes, view, minimap);
    expect(inside(onScreen(nodes, t), { x: 0, y: 0, ...view })).toBe(true);
    expect(apart(onScreen(nodes, t), minimap)).toBe(true);
  });

  it('does not enlarge a single node past its own size, and centres it', () => {
    const nodes = { x: 100, y: 100, width: 184, height: 94 };
    const t = fitView(nodes, view);
    expect(t.k).toBe(1);
    const drawn = onScreen(nodes, t);
    expect(drawn.x + drawn.width / 2).toBeCloseTo(view.width / 2);
  });

  it('puts a tall graph left of the minimap rather than under it', () => {
    const nodes = { x: 0, y: 0, width: 184, height: 900 };
    const t = fitView(nodes, view, minimap);
    expect(apart(onScreen(nodes, t), minimap)).toBe(true);
  });
});
