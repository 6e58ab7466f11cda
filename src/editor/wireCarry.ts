/**
 * Wires made, moved and removed by hand. Rete adds or removes a connection itself; this
 * module vetoes that, reports the edit, and lets the store's answer come back through sync.
 *
 * The one state is a wire picked off an input (Rete removes it and the user carries it):
 * - idle → carrying(edge) when the user picks a wire off an input (a `connectionremove`);
 * - carrying → idle on a drop: on an input, the wire moves (one `onConnect` with
 *   `replacing`; if refused, it is put back); back on its own input, or on a socket where it
 *   cannot go, it is put back; on empty canvas, it is removed (`onDisconnect`);
 * - released over its own input, Rete keeps the wire in hand (click-to-connect mode): it is
 *   dropped there, so that it goes back.
 * A wire dragged from a socket and released on empty canvas opens the quick-add (`onWireDrop`).
 */
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { ConnectionPlugin, SocketData } from 'rete-connection-plugin';
import type { Position } from '../core/document';
import type { AreaExtra, EditorCallbacks, Schemes } from './types';
import type { EdgeViewModel } from './viewModel';

export interface WireCarryOptions {
  editor: NodeEditor<Schemes>;
  area: AreaPlugin<Schemes, AreaExtra>;
  connection: ConnectionPlugin<Schemes, AreaExtra>;
  callbacks: Pick<EditorCallbacks, 'onConnect' | 'onDisconnect' | 'onRefuse' | 'onWireDrop'>;
  /** True while sync changes the canvas: its changes are not the user's. */
  isSyncing(): boolean;
  /** The edge of the last synced model with this id. */
  edge(id: string): EdgeViewModel | undefined;
  /** Draw the last synced model again (puts a carried wire back). */
  restore(): void;
  /** The pointer's last position on screen. */
  pointer(): Position;
  toCanvas(clientX: number, clientY: number): Position;
}

/** Is the pointer over the input socket that edge `edge` arrives at? */
function isOverInput(edge: EdgeViewModel | undefined, pointer: Position): boolean {
  if (!edge) return false;
  // `data-socket` is put on each socket by the node view for this lookup.
  const socket = `[data-node-id="${CSS.escape(edge.target)}"] [data-socket="input"][data-port="${CSS.escape(edge.targetInput)}"]`;
  return document
    .elementsFromPoint(pointer.x, pointer.y)
    .some((el) => el instanceof Element && el.closest(socket) !== null);
}

export function carryWires(options: WireCarryOptions): void {
  const { editor, area, connection, callbacks } = options;
  const overInput = (edgeId: string): boolean => isOverInput(options.edge(edgeId), options.pointer());
  let carried: string | undefined;

  editor.addPipe((ctx) => {
    if (options.isSyncing()) return ctx;
    if (ctx.type === 'connectioncreate') {
      const c = ctx.data;
      const replacing = carried;
      carried = undefined;
      const result = callbacks.onConnect(
        { node: c.source, port: c.sourceOutput },
        { node: c.target, port: c.targetInput },
        replacing,
      );
      if (!result.ok) {
        callbacks.onRefuse(result.error);
        if (replacing) options.restore();
      }
      return undefined;
    }
    if (ctx.type === 'connectionremove') carried = ctx.data.id;
    return ctx;
  });

  connection.addPipe((ctx) => {
    if (ctx.type !== 'connectiondrop') return ctx;
    const {
      initial,
      socket: target,
      created,
    } = ctx.data as {
      initial: SocketData;
      socket: SocketData | null;
      created: boolean;
    };
    // When a connection was made, Rete reports the drop before the `connectioncreate` that
    // ends the carry; only a drop without one ends it here.
    if (created) return ctx;
    const dropped = carried;
    carried = undefined;
    let backHome = false;
    if (dropped) {
      // Dropped back on its own input (reported as a drop on nothing), or somewhere it cannot
      // go: put it back. Dropped on empty canvas: it is removed.
      backHome = !target && overInput(dropped);
      if (target || backHome) options.restore();
      else callbacks.onDisconnect(dropped);
    }
    if (!target && !backHome) {
      const client = options.pointer();
      callbacks.onWireDrop({
        from: { node: initial.nodeId, port: initial.key, side: initial.side },
        at: options.toCanvas(client.x, client.y),
        client,
      });
    }
    return ctx;
  });

  area.addPipe((ctx) => {
    if (ctx.type === 'pointerup' && carried) {
      const held = carried;
      setTimeout(() => {
        if (carried === held && overInput(held)) connection.drop();
      });
    }
    return ctx;
  });
}
