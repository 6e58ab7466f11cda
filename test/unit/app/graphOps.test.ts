import { describe, expect, it } from 'vitest';
import { emptyDocument, type GraphDocument } from '../../../src/core/document';
import {
  addNode,
  checkConnection,
  copyFragment,
  freshId,
  moveNodes,
  pasteFragment,
  removeNodes,
} from '../../../src/app/graphOps';
import { PRESETS } from '../../../src/app/presets';

const beginner = (): GraphDocument => structuredClone(PRESETS.find((p) => p.id === 'beginner')!.doc);

describe('freshId', () => {
  it.each([
    ['dense', [], 'dense'],
    ['dense', ['dense'], 'dense2'],
    ['dense', ['dense', 'dense2'], 'dense3'],
    ['dense2', ['dense2'], 'dense3'],
    ['a b!', [], 'ab'],
  ])('%s with %j taken → %s', (base, taken, want) => {
    expect(freshId(base, new Set(taken))).toBe(want);
  });
});

describe('addNode / removeNodes', () => {
  it('adds a node with its default parameters and never mutates the input', () => {
    const doc = emptyDocument();
    const { doc: next, id } = addNode(doc, 'dense', { x: 10.4, y: 20.6 });
    expect(doc.nodes).toHaveLength(0);
    expect(next.nodes[0]).toEqual({
      id,
      type: 'dense',
      position: { x: 10, y: 21 },
      params: {
        units: 10,
        useBias: true,
        kernelInitializer: { name: 'glorotUniform' },
        biasInitializer: { name: 'zeros' },
      },
    });
  });

  it('removes the edges touching a removed node', () => {
    const next = removeNodes(beginner(), ['dense']);
    expect(next.nodes.map((n) => n.id)).toEqual(['input', 'softmax', 'loss']);
    expect(next.edges.map((e) => e.id)).toEqual(['e3']);
  });
});

describe('checkConnection', () => {
  it.each([
    ['a second wire into a single input', 'input', 'softmax', /already receives from "dense"/],
    ['a node into itself', 'dense', 'dense', /cannot feed itself/],
    ['an existing wire again', 'dense', 'softmax', /already connected/],
  ])('refuses %s', (_what, from, to, message) => {
    const result = checkConnection(beginner(), { node: from, port: 'out' }, { node: to, port: 'in' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('refuses a cycle', () => {
    let doc = removeNodes(beginner(), ['loss']);
    doc = { ...doc, edges: doc.edges.filter((e) => e.id !== 'e1') }; // dense.in is free
    const result = checkConnection(doc, { node: 'softmax', port: 'out' }, { node: 'dense', port: 'in' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/cycle/);
  });

  it('refuses a wire whose shape the target cannot take', () => {
    let doc = beginner();
    doc = { ...doc, edges: doc.edges.filter((e) => e.id !== 'e3') }; // loss.in is free
    const result = checkConnection(doc, { node: 'input', port: 'out' }, { node: 'loss', port: 'in' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/Loss needs 10 values/);
  });

  it('accepts a valid wire and names it with a fresh edge id', () => {
    let doc = beginner();
    doc = { ...doc, edges: doc.edges.filter((e) => e.id !== 'e2') };
    const result = checkConnection(doc, { node: 'dense', port: 'out' }, { node: 'softmax', port: 'in' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.doc.edges).toHaveLength(3);
      expect(doc.edges.map((e) => e.id)).not.toContain(result.value.id);
    }
  });
});

describe('moveNodes', () => {
  it('returns the same document when nothing moved (no empty undo step)', () => {
    const doc = beginner();
    expect(moveNodes(doc, [{ id: 'dense', position: { x: 280, y: 0 } }])).toBe(doc);
    expect(moveNodes(doc, [{ id: 'dense', position: { x: 300, y: 5 } }]).nodes[1]!.position).toEqual({
      x: 300,
      y: 5,
    });
  });
});

describe('copy and paste', () => {
  it('copies only the edges inside the selection', () => {
    const fragment = copyFragment(beginner(), ['dense', 'softmax']);
    expect(fragment.nodes.map((n) => n.id)).toEqual(['dense', 'softmax']);
    expect(fragment.edges.map((e) => e.id)).toEqual(['e2']);
  });

  it('pastes with fresh ids, rewired edges, and the top-left corner at the target', () => {
    const doc = beginner();
    const fragment = copyFragment(doc, ['dense', 'softmax']);
    const { doc: next, ids } = pasteFragment(doc, fragment, { x: 100, y: 500 });
    expect(ids).toEqual(['dense2', 'softmax2']);
    expect(next.nodes.slice(4).map((n) => n.position)).toEqual([
      { x: 100, y: 500 },
      { x: 380, y: 500 },
    ]);
    const pasted = next.edges.slice(3);
    expect(pasted).toHaveLength(1);
    expect(pasted[0]!.from).toEqual({ node: 'dense2', port: 'out' });
    expect(pasted[0]!.to).toEqual({ node: 'softmax2', port: 'in' });
    expect(new Set(next.edges.map((e) => e.id)).size).toBe(next.edges.length);
  });

  it('is independent of later edits to the source (deep copy)', () => {
    const doc = beginner();
    const fragment = copyFragment(doc, ['dense']);
    (doc.nodes[1]!.params as { units: number }).units = 99;
    expect(fragment.nodes[0]!.params.units).toBe(10);
  });
});
