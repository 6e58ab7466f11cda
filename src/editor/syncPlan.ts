/**
 * The sync diff, pure: from what the canvas draws now and the model it should draw, the
 * operations that get it there, in the order they must run. `canvasSync.ts` applies them;
 * keeping the decision here lets it be tested against a plain object instead of a browser.
 */
import type { Position } from '../core/document';
import { nodeSignature, type EdgeViewModel, type EditorModel, type NodeViewModel } from './viewModel';

/** A node as the diff sees it: its ports (keys of `inputs`/`outputs`) and signature. */
export interface DrawnNode {
  id: string;
  signature: string;
  inputs: Readonly<Record<string, unknown>>;
  outputs: Readonly<Record<string, unknown>>;
}

/** A wire as drawn: the fields of the edge view model it was made from. */
export type DrawnConnection = EdgeViewModel;

/** The few reads the diff makes of the canvas; the Rete editor and a test fake provide them. */
export interface DrawnCanvas {
  getNodes(): readonly DrawnNode[];
  getConnections(): readonly DrawnConnection[];
  /** Where node `id` is drawn, or undefined while it has no view. */
  positionOf(id: string): Position | undefined;
}

export type SyncOperation =
  | { kind: 'removeConnection'; id: string }
  /** Its connections are removed by earlier operations. */
  | { kind: 'removeNode'; id: string }
  /** Added and placed at `node.position`. */
  | { kind: 'addNode'; node: NodeViewModel }
  /** Something drawn inside the node changed (its signature); its ports did not. */
  | { kind: 'updateNode'; node: NodeViewModel }
  | { kind: 'moveNode'; id: string; position: Position }
  | { kind: 'addConnection'; edge: EdgeViewModel }
  | { kind: 'relabelConnection'; id: string; label: string | undefined };

const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);

const sameEnds = (c: DrawnConnection, e: EdgeViewModel): boolean =>
  e.source === c.source &&
  e.target === c.target &&
  e.sourceOutput === c.sourceOutput &&
  e.targetInput === c.targetInput;

/**
 * The operations that make `canvas` show `model`: connections that went away or whose ends
 * changed are removed first, then nodes that went away or whose ports changed (rebuilt, since
 * Rete cannot change a node's ports), then nodes are added, redrawn or moved in model order,
 * and last the missing connections are added and changed labels redrawn. An empty list means
 * the canvas already shows the model.
 */
export function planSync(canvas: DrawnCanvas, model: EditorModel): SyncOperation[] {
  const ops: SyncOperation[] = [];
  const wantNodes = new Map(model.nodes.map((n) => [n.id, n]));
  const wantEdges = new Map(model.edges.map((e) => [e.id, e]));
  // The connections drawn as each step leaves them.
  const connections = new Map<string, DrawnConnection>();
  for (const c of canvas.getConnections()) {
    const want = wantEdges.get(c.id);
    if (want && sameEnds(c, want)) connections.set(c.id, c);
    else ops.push({ kind: 'removeConnection', id: c.id });
  }
  // The nodes drawn as each step leaves them: id → signature and position.
  const nodes = new Map<string, { signature: string; position: Position | undefined }>();
  for (const n of canvas.getNodes()) {
    const want = wantNodes.get(n.id);
    const portsChanged =
      want &&
      (!sameIds(
        want.inputs.map((p) => p.id),
        Object.keys(n.inputs),
      ) ||
        !sameIds(
          want.outputs.map((p) => p.id),
          Object.keys(n.outputs),
        ));
    if (want && !portsChanged) {
      nodes.set(n.id, { signature: n.signature, position: canvas.positionOf(n.id) });
      continue;
    }
    for (const c of connections.values()) {
      if (c.source !== n.id && c.target !== n.id) continue;
      ops.push({ kind: 'removeConnection', id: c.id });
      connections.delete(c.id);
    }
    ops.push({ kind: 'removeNode', id: n.id });
  }
  for (const want of model.nodes) {
    const drawn = nodes.get(want.id);
    if (!drawn) {
      ops.push({ kind: 'addNode', node: want });
      nodes.set(want.id, { signature: nodeSignature(want), position: want.position });
      continue;
    }
    const signature = nodeSignature(want);
    if (signature !== drawn.signature) {
      ops.push({ kind: 'updateNode', node: want });
      drawn.signature = signature;
    }
    const p = drawn.position;
    if (p && (p.x !== want.position.x || p.y !== want.position.y)) {
      ops.push({ kind: 'moveNode', id: want.id, position: want.position });
      drawn.position = want.position;
    }
  }
  for (const want of model.edges) {
    const drawn = connections.get(want.id);
    if (!drawn) {
      if (!nodes.has(want.source) || !nodes.has(want.target)) continue;
      ops.push({ kind: 'addConnection', edge: want });
      connections.set(want.id, { ...want });
    } else if (drawn.label !== want.label) {
      ops.push({ kind: 'relabelConnection', id: want.id, label: want.label });
      connections.set(want.id, { ...drawn, label: want.label });
    }
  }
  return ops;
}
