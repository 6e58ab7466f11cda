import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import type { GraphDocument, Position } from '../../../src/core/document';
import { PRESETS } from '../../../src/app/presets';
import {
  planSync,
  type DrawnCanvas,
  type DrawnConnection,
  type SyncOperation,
} from '../../../src/editor/syncPlan';
import { nodeSignature, toEditorModel, type EditorModel } from '../../../src/editor/viewModel';

const preset = (id: string): GraphDocument => structuredClone(PRESETS.find((p) => p.id === id)!.doc);
const model = (doc: GraphDocument): EditorModel => toEditorModel(doc, analyzeGraph(doc));

interface FakeNode {
  id: string;
  signature: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  position: Position;
}

/** A canvas that is a plain object: what the editor would hold, and a way to apply a plan. */
class FakeCanvas implements DrawnCanvas {
  nodes: FakeNode[] = [];
  connections: DrawnConnection[] = [];

  getNodes(): readonly FakeNode[] {
    return this.nodes.slice();
  }
  getConnections(): readonly DrawnConnection[] {
    return this.connections.slice();
  }
  positionOf(id: string): Position | undefined {
    return this.nodes.find((n) => n.id === id)?.position;
  }

  apply(ops: readonly SyncOperation[]): void {
    for (const op of ops) {
      if (op.kind === 'removeConnection') this.connections = this.connections.filter((c) => c.id !== op.id);
      else if (op.kind === 'removeNode') {
        // The plan must have removed the node's wires first, as Rete requires.
        expect(this.connections.some((c) => c.source === op.id || c.target === op.id)).toBe(false);
        this.nodes = this.nodes.filter((n) => n.id !== op.id);
      } else if (op.kind === 'addNode')
        this.nodes.push({
          id: op.node.id,
          signature: nodeSignature(op.node),
          inputs: Object.fromEntries(op.node.inputs.map((p) => [p.id, p])),
          outputs: Object.fromEntries(op.node.outputs.map((p) => [p.id, p])),
          position: { ...op.node.position },
        });
      else if (op.kind === 'updateNode')
        this.nodes.find((n) => n.id === op.node.id)!.signature = nodeSignature(op.node);
      else if (op.kind === 'moveNode') this.nodes.find((n) => n.id === op.id)!.position = { ...op.position };
      else if (op.kind === 'addConnection') {
        expect(this.nodes.some((n) => n.id === op.edge.source)).toBe(true);
        expect(this.nodes.some((n) => n.id === op.edge.target)).toBe(true);
        this.connections.push({ ...op.edge });
      } else this.connections.find((c) => c.id === op.id)!.label = op.label;
    }
  }

  /** Plan, apply, and check that the canvas then shows the model. */
  sync(m: EditorModel): SyncOperation[] {
    const ops = planSync(this, m);
    this.apply(ops);
    expect(planSync(this, m)).toEqual([]);
    const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id);
    expect(this.nodes.sort(byId).map((n) => [n.id, n.position])).toEqual(
      [...m.nodes].sort(byId).map((n) => [n.id, n.position]),
    );
    expect(this.connections.map((c) => [c.id, c.label]).sort()).toEqual(
      m.edges.map((e) => [e.id, e.label]).sort(),
    );
    return ops;
  }
}

const kinds = (ops: readonly SyncOperation[]): string[] =>
  ops.map((op) => {
    switch (op.kind) {
      case 'addNode':
      case 'updateNode':
        return `${op.kind} ${op.node.id}`;
      case 'addConnection':
        return `${op.kind} ${op.edge.id}`;
      default:
        return `${op.kind} ${op.id}`;
    }
  });

/** A canvas already showing a preset, with the preset's document and model. */
function drawnPreset(id = 'beginner'): { canvas: FakeCanvas; doc: GraphDocument; m: EditorModel } {
  const canvas = new FakeCanvas();
  const doc = preset(id);
  const m = model(doc);
  canvas.sync(m);
  return { canvas, doc, m };
}

describe('planSync (document → canvas diff)', () => {
  it('adds every node, placed, and then every wire on an empty canvas', () => {
    const canvas = new FakeCanvas();
    const m = model(preset('beginner'));
    const ops = canvas.sync(m);
    expect(kinds(ops)).toEqual([
      ...m.nodes.map((n) => `addNode ${n.id}`),
      ...m.edges.map((e) => `addConnection ${e.id}`),
    ]);
  });

  it('does nothing when the canvas already shows the model', () => {
    const { canvas, doc } = drawnPreset();
    expect(planSync(canvas, model(doc))).toEqual([]);
  });

  it('removes a deleted node after its wires, and nothing else', () => {
    const { canvas, doc } = drawnPreset();
    const last = doc.nodes.at(-1)!.id;
    const wires = doc.edges.filter((e) => e.from.node === last || e.to.node === last).map((e) => e.id);
    expect(wires.length).toBeGreaterThan(0);
    doc.nodes = doc.nodes.filter((n) => n.id !== last);
    doc.edges = doc.edges.filter((e) => !wires.includes(e.id));
    const ops = canvas.sync(model(doc));
    expect(kinds(ops)).toEqual([...wires.map((id) => `removeConnection ${id}`), `removeNode ${last}`]);
  });

  it('moves a node that moved, without redrawing it', () => {
    const { canvas, doc } = drawnPreset();
    const node = doc.nodes[1]!;
    node.position = { x: node.position.x + 40, y: node.position.y - 15 };
    const ops = canvas.sync(model(doc));
    expect(ops).toEqual([{ kind: 'moveNode', id: node.id, position: node.position }]);
  });

  it('redraws a node whose parameters changed, and relabels the wires whose shape changed', () => {
    const { canvas, doc } = drawnPreset();
    const dense = doc.nodes.find((n) => n.type === 'dense')!;
    dense.params = { ...dense.params, units: 32 };
    const ops = canvas.sync(model(doc));
    const out = doc.edges.find((e) => e.from.node === dense.id)!;
    expect(kinds(ops)).toContain(`updateNode ${dense.id}`);
    expect(ops).toContainEqual({ kind: 'relabelConnection', id: out.id, label: '?×32' });
    expect(ops.some((op) => op.kind === 'removeNode' || op.kind === 'addNode')).toBe(false);
  });

  it('removes a deleted wire and adds a new one', () => {
    const { canvas, m } = drawnPreset();
    // The model is edited directly so that only the wires differ (a re-analysis would also
    // change the shapes and problems downstream).
    const [first, ...rest] = m.edges;
    expect(kinds(canvas.sync({ nodes: m.nodes, edges: rest }))).toEqual([`removeConnection ${first!.id}`]);
    const fresh = { ...first!, id: 'fresh' };
    expect(kinds(canvas.sync({ nodes: m.nodes, edges: [fresh, ...rest] }))).toEqual(['addConnection fresh']);
  });

  it('does not add a wire whose end is not in the model', () => {
    const canvas = new FakeCanvas();
    const m = model(preset('beginner'));
    const dangling = { ...m.edges[0]!, id: 'dangling', target: 'nowhere' };
    const ops = planSync(canvas, { nodes: m.nodes, edges: [...m.edges, dangling] });
    expect(kinds(ops)).not.toContain('addConnection dangling');
  });

  it('replaces a wire whose ends changed under the same id', () => {
    const { canvas, m } = drawnPreset('hidden-layer');
    const moved = structuredClone(m);
    const edge = moved.edges[0]!;
    // Same id, now from another node's output: Rete cannot re-end a connection.
    edge.source = 'sigmoid';
    edge.sourceOutput = m.edges.find((e) => e.source === 'sigmoid')!.sourceOutput;
    expect(kinds(canvas.sync(moved))).toEqual([`removeConnection ${edge.id}`, `addConnection ${edge.id}`]);
  });

  it('rebuilds a node whose ports changed, with its wires', () => {
    const { canvas, m } = drawnPreset();
    const changed = structuredClone(m);
    const node = changed.nodes[1]!;
    node.inputs = [...node.inputs, { id: 'extra', label: 'extra', multiple: false }];
    const wires = m.edges.filter((e) => e.source === node.id || e.target === node.id).map((e) => e.id);
    expect(kinds(canvas.sync(changed))).toEqual([
      ...wires.map((id) => `removeConnection ${id}`),
      `removeNode ${node.id}`,
      `addNode ${node.id}`,
      ...wires.map((id) => `addConnection ${id}`),
    ]);
  });

  it('does not move a node that has no view yet', () => {
    const { canvas, m } = drawnPreset();
    const unplaced: DrawnCanvas = {
      getNodes: () => canvas.getNodes(),
      getConnections: () => canvas.getConnections(),
      positionOf: () => undefined,
    };
    const moved = structuredClone(m);
    moved.nodes[0]!.position = { x: 999, y: 999 };
    expect(planSync(unplaced, moved)).toEqual([]);
  });
});
