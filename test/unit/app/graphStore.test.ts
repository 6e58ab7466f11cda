import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyDocument } from '../../../src/core/document';
import { PRESETS } from '../../../src/app/presets';
import { HISTORY_LIMIT, useGraphStore } from '../../../src/app/stores/graphStore';

const preset = (id: string) => structuredClone(PRESETS.find((p) => p.id === id)!.doc);

describe('graph store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('lists every preset with its description', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(expect.arrayContaining(['beginner', 'hidden-layer']));
    for (const p of PRESETS) expect(p.description.length).toBeGreaterThan(10);
  });

  it('derives the analysis from the document', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    expect(g.analysis.totalParams).toBe(7850);
    expect(g.analysis.valid).toBe(true);
  });

  it('makes every edit one undo step and redoes it', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    const start = g.doc;
    g.setParams('dense', { ...g.doc.nodes[1]!.params, units: 32 });
    g.moveNodes([{ id: 'dense', position: { x: 1, y: 2 } }]);
    g.removeNodes(['softmax']);
    expect(g.doc.nodes).toHaveLength(3);
    g.undo();
    expect(g.doc.nodes).toHaveLength(4);
    g.undo();
    expect(g.doc.nodes[1]!.position).toEqual({ x: 280, y: 0 });
    g.undo();
    expect(g.doc).toBe(start);
    expect(g.canUndo).toBe(false);
    g.redo();
    expect(g.doc.nodes[1]!.params.units).toBe(32);
    g.redo();
    g.redo();
    expect(g.doc.nodes).toHaveLength(3);
    expect(g.canRedo).toBe(false);
  });

  it('records no step for an edit that changes nothing', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    g.moveNodes([{ id: 'dense', position: { x: 280, y: 0 } }]);
    expect(g.canUndo).toBe(false);
  });

  it('groups a batch into one undo step, whatever it contains', () => {
    const g = useGraphStore();
    g.reset(emptyDocument());
    g.batch('Quick add', () => {
      const a = g.addNode('input', { x: 0, y: 0 });
      const b = g.addNode('dense', { x: 200, y: 0 });
      expect(g.connect({ node: a, port: 'out' }, { node: b, port: 'in' }).ok).toBe(true);
    });
    expect(g.doc.nodes).toHaveLength(2);
    expect(g.doc.edges).toHaveLength(1);
    expect(g.undoLabel).toBe('Quick add');
    g.undo();
    expect(g.doc.nodes).toHaveLength(0);
    expect(g.canUndo).toBe(false);
  });

  it('undoes a preset load as one step', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    g.load(preset('hidden-layer'));
    expect(g.doc.name).toBe('hidden-layer');
    g.undo();
    expect(g.doc.name).toBe('beginner');
  });

  it('moves a wire (remove one edge, add another) as one step, or not at all', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    g.addNode('dropout', { x: 0, y: 300 });
    const before = g.doc;
    const moved = g.connect({ node: 'softmax', port: 'out' }, { node: 'dropout', port: 'in' }, 'e3');
    expect(moved.ok).toBe(true);
    expect(g.doc.edges.some((e) => e.to.node === 'loss')).toBe(false);
    expect(g.doc.edges.some((e) => e.from.node === 'softmax' && e.to.node === 'dropout')).toBe(true);
    expect(g.undoLabel).toBe('Move wire');
    g.undo();
    expect(g.doc).toBe(before);
    // Moving it onto an occupied input is refused and leaves the old wire in place.
    const refused = g.connect({ node: 'softmax', port: 'out' }, { node: 'dense', port: 'in' }, 'e3');
    expect(refused.ok).toBe(false);
    expect(g.doc).toBe(before);
  });

  it('refuses a bad connection without touching the document or history', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    const before = g.doc;
    const result = g.connect({ node: 'input', port: 'out' }, { node: 'softmax', port: 'in' });
    expect(result.ok).toBe(false);
    expect(g.doc).toBe(before);
    expect(g.canUndo).toBe(false);
  });

  it('copies, cuts and pastes through its clipboard, selecting what it pasted', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    g.select(['dense', 'softmax']);
    expect(g.copy()).toBe(2);
    const ids = g.paste({ x: 0, y: 300 });
    expect(ids).toEqual(['dense2', 'softmax2']);
    expect(g.selection).toEqual(ids);
    expect(g.doc.edges).toHaveLength(4);
    g.select(['loss']);
    expect(g.cut()).toBe(1);
    expect(g.doc.nodes.map((n) => n.id)).not.toContain('loss');
    expect(g.paste({ x: 0, y: 0 })).toEqual(['loss']);
  });

  it('duplicates the selection with its inner edges, leaving the clipboard alone', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    const created = g.duplicate(['dense', 'softmax']);
    expect(created).toHaveLength(2);
    expect(g.doc.edges).toHaveLength(4);
    expect(g.hasClipboard()).toBe(false);
  });

  it('keeps at most HISTORY_LIMIT undo steps', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) g.moveNodes([{ id: 'input', position: { x: i + 1, y: 0 } }]);
    let steps = 0;
    while (g.canUndo) {
      g.undo();
      steps++;
    }
    expect(steps).toBe(HISTORY_LIMIT);
  });

  it('undo restores the selection of the time', () => {
    const g = useGraphStore();
    g.reset(preset('beginner'));
    g.select(['dense']);
    g.removeNodes(['dense']);
    expect(g.selection).toEqual([]);
    g.undo();
    expect(g.selection).toEqual(['dense']);
  });
});
