/**
 * Keeps the canvas showing the app's model: `planSync` decides what changes, this module
 * applies it. Calls are serialised and coalesced, so a burst of edits costs one pass and two
 * passes never interleave. Only sync adds or removes nodes: the editor refuses any other change.
 */
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { CanvasSelection } from './selection';
import { planSync, type DrawnCanvas, type SyncOperation } from './syncPlan';
import { EditorConnection, EditorNode, type AreaExtra, type Schemes } from './types';
import { nodeSignature, type EditorModel } from './viewModel';

export interface CanvasSync {
  /** Make the canvas show `model`; resolves once every queued model is drawn. */
  sync(model: EditorModel): Promise<void>;
  /** Resolves when no sync is running. */
  settled(): Promise<void>;
  /** Draw the last model again (undoes a change the editor made on its own). */
  restore(): void;
  /** The last model asked for. */
  lastModel(): EditorModel | undefined;
  /** True while a pass changes the canvas (its changes are not the user's). */
  isSyncing(): boolean;
  /** Milliseconds the last completed pass took. */
  lastSyncMs(): number;
}

export function createCanvasSync(
  editor: NodeEditor<Schemes>,
  area: AreaPlugin<Schemes, AreaExtra>,
  selection: CanvasSelection,
): CanvasSync {
  let syncing = false;
  let pending: EditorModel | undefined;
  let last: EditorModel | undefined;
  let running: Promise<void> | undefined;
  let syncMs = 0;

  editor.addPipe((ctx) =>
    !syncing && (ctx.type === 'nodecreate' || ctx.type === 'noderemove' || ctx.type === 'clear')
      ? undefined
      : ctx,
  );

  const drawn: DrawnCanvas = {
    getNodes: () => editor.getNodes(),
    getConnections: () => editor.getConnections(),
    positionOf: (id) => area.nodeViews.get(id)?.position,
  };

  async function apply(op: SyncOperation): Promise<void> {
    switch (op.kind) {
      case 'removeConnection':
        await editor.removeConnection(op.id);
        return;
      case 'removeNode': {
        const node = editor.getNode(op.id);
        if (node) await selection.forget(node);
        await editor.removeNode(op.id);
        return;
      }
      case 'addNode': {
        const node = new EditorNode(op.node);
        await editor.addNode(node);
        await area.translate(node.id, op.node.position);
        return;
      }
      case 'updateNode': {
        const node = editor.getNode(op.node.id);
        if (!node) return;
        node.view = op.node;
        node.label = op.node.title;
        node.signature = nodeSignature(op.node);
        node.height = op.node.height;
        await area.update('node', node.id);
        return;
      }
      case 'moveNode':
        await area.translate(op.id, op.position);
        return;
      case 'addConnection': {
        const source = editor.getNode(op.edge.source);
        const target = editor.getNode(op.edge.target);
        if (source && target) await editor.addConnection(new EditorConnection(op.edge, source, target));
        return;
      }
      case 'relabelConnection': {
        const connection = editor.getConnection(op.id);
        if (!connection) return;
        connection.label = op.label;
        await area.update('connection', op.id);
        return;
      }
    }
  }

  async function draw(model: EditorModel): Promise<void> {
    const t0 = performance.now();
    syncing = true;
    try {
      for (const op of planSync(drawn, model)) await apply(op);
    } finally {
      syncing = false;
    }
    syncMs = performance.now() - t0;
  }

  function sync(model: EditorModel): Promise<void> {
    last = model;
    pending = model;
    if (!running) {
      running = (async () => {
        while (pending) {
          const next = pending;
          pending = undefined;
          await draw(next);
        }
        running = undefined;
      })();
    }
    return running;
  }

  return {
    sync,
    settled: async () => {
      await running;
    },
    restore: () => void (last && sync(last)),
    lastModel: () => last,
    isSyncing: () => syncing,
    lastSyncMs: () => syncMs,
  };
}
