import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import type { GraphDocument } from '../../../src/core/document';
import { PRESETS } from '../../../src/app/presets';
import { socketOffset } from '../../../src/editor/socketPosition';
import {
  formatCount,
  NODE_HEADER,
  NODE_SUBTITLE,
  NODE_WIDTH,
  PORT_ROW,
  nodeSignature,
  toEditorModel,
} from '../../../src/editor/viewModel';

const preset = (id: string): GraphDocument => structuredClone(PRESETS.find((p) => p.id === id)!.doc);
const model = (doc: GraphDocument) => toEditorModel(doc, analyzeGraph(doc));

describe('document → editor mapping', () => {
  it('maps every node with its category, ports, badge and output shape', () => {
    const m = model(preset('hidden-layer'));
    expect(m.nodes.map((n) => [n.id, n.category, n.paramCount, n.outputShape])).toEqual([
      ['input', 'input', 0, '?×784'],
      ['hidden', 'layer', 784 * 625 + 625, '?×625'],
      ['sigmoid', 'activation', 0, '?×625'],
      ['output', 'layer', 6260, '?×10'],
      ['softmax', 'activation', 0, '?×10'],
      ['loss', 'loss', 0, 'scalar'],
    ]);
    expect(m.nodes[1]!.inputs).toEqual([{ id: 'in', label: 'x', multiple: false }]);
    expect(m.nodes[1]!.position).toEqual({ x: 280, y: 0 });
  });

  it('labels every edge with the shape it carries', () => {
    const m = model(preset('hidden-layer'));
    expect(m.edges.map((e) => [e.id, e.label])).toEqual([
      ['e1', '?×784'],
      ['e2', '?×625'],
      ['e3', '?×625'],
      ['e4', '?×10'],
      ['e5', '?×10'],
    ]);
  });

  it('puts diagnostics on their nodes, errors first', () => {
    const doc = preset('beginner');
    doc.edges = doc.edges.filter((e) => e.id !== 'e1');
    const dense = model(doc).nodes.find((n) => n.id === 'dense')!;
    expect(dense.problems[0]).toMatchObject({ severity: 'error' });
    expect(dense.problems[0]!.message).toMatch(/nothing connected/);
    expect(dense.outputShape).toBeUndefined();
    expect(dense.height).toBeGreaterThan(model(preset('beginner')).nodes[1]!.height);
  });

  it('keeps a node of unknown type, with the ports its edges use', () => {
    const doc = preset('beginner');
    doc.nodes[1]!.type = 'conv9d';
    const m = model(doc);
    const node = m.nodes.find((n) => n.id === 'dense')!;
    expect(node.category).toBe('unknown');
    expect(node.inputs.map((p) => p.id)).toEqual(['in']);
    expect(node.outputs.map((p) => p.id)).toEqual(['out']);
    expect(node.problems[0]!.message).toContain('Unknown node type "conv9d"');
    expect(m.edges).toHaveLength(3);
  });

  it('leaves out edges it cannot draw (dangling, unknown port) but keeps the rest', () => {
    const doc = preset('beginner');
    doc.edges.push({ id: 'bad', from: { node: 'ghost', port: 'out' }, to: { node: 'loss', port: 'in' } });
    doc.edges.push({ id: 'bad2', from: { node: 'input', port: 'nope' }, to: { node: 'dense', port: 'in' } });
    expect(model(doc).edges.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('shows the label as the title and keeps the id visible', () => {
    const doc = preset('beginner');
    doc.nodes[1]!.label = 'Classifier';
    const n = model(doc).nodes[1]!;
    expect(n.title).toBe('Classifier');
    expect(n.subtitle).toBe('dense · Dense');
  });

  it('changes the signature only when what is drawn changes', () => {
    const doc = preset('beginner');
    const a = model(doc).nodes[1]!;
    doc.nodes[1]!.position = { x: 999, y: 999 };
    expect(nodeSignature(model(doc).nodes[1]!)).toBe(nodeSignature(a));
    (doc.nodes[1]!.params as { units: number }).units = 20;
    expect(nodeSignature(model(doc).nodes[1]!)).not.toBe(nodeSignature(a));
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [7850, '7.9k'],
    [496885, '497k'],
    [1_234_567, '1.23M'],
  ])('formats %d parameters as %s', (n, s) => {
    expect(formatCount(n)).toBe(s);
  });

  it('places sockets on the node edges, one row per port, from the geometry alone', () => {
    const node = {
      width: NODE_WIDTH,
      view: { inputs: [{ id: 'a' }, { id: 'b' }], outputs: [{ id: 'out' }] },
    };
    const firstRow = 1 + NODE_HEADER + NODE_SUBTITLE + 2 + PORT_ROW / 2;
    expect(socketOffset(node, 'input', 'a')).toEqual({ x: 0, y: firstRow });
    expect(socketOffset(node, 'input', 'b')).toEqual({ x: 0, y: firstRow + PORT_ROW });
    expect(socketOffset(node, 'output', 'out')).toEqual({ x: NODE_WIDTH, y: firstRow });
    expect(socketOffset(node, 'output', 'missing')).toBeUndefined();
  });
});
