/**
 * The Rete canvas. `createEditor` wires the plugins in a fixed order and returns a small
 * handle; the app mounts it and feeds it the document. The editor never changes the graph
 * itself: a user's edit (wire, unwire, move, select) is reported through the callbacks, the
 * store decides, and the resulting document comes back through `sync`.
 */
import { ClassicPreset, NodeEditor, type GetSchemes } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets, type SocketData } from 'rete-connection-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { Presets, VuePlugin, type VueArea2D } from 'rete-vue-plugin';
import type { Endpoint, Position } from '../core/document';
import type { Result } from '../core/result';
import ConnectionView from './components/ConnectionView.vue';
import NodeView from './components/NodeView.vue';
import { GeometrySocketPosition } from './socketPosition';
import { nodeSignature, type EdgeViewModel, type EditorModel, type NodeViewModel } from './viewModel';

const socket = new ClassicPreset.Socket('tensor');

/** A node on the canvas: Rete's classic node plus the view model it draws. */
export class EditorNode extends ClassicPreset.Node {
  width: number;
  height: number;
  view: NodeViewModel;
  signature: string;

  constructor(view: NodeViewModel) {
    super(view.title);
    this.id = view.id;
    this.view = view;
    this.width = view.width;
    this.height = view.height;
    this.signature = nodeSignature(view);
    // Every input accepts several wires as far as Rete is concerned: whether a second wire
    // is allowed is the core's decision (and it is refused with a reason, not replaced).
    for (const p of view.inputs) this.addInput(p.id, new ClassicPreset.Input(socket, p.label, true));
    for (const p of view.outputs) this.addOutput(p.id, new ClassicPreset.Output(socket, p.label, true));
  }
}

export class EditorConnection extends ClassicPreset.Connection<EditorNode, EditorNode> {
  label: string | undefined;
  isPseudo?: boolean;
  constructor(view: EdgeViewModel, source: EditorNode, target: EditorNode) {
    super(source, view.sourceOutput, target, view.targetInput);
    this.id = view.id;
    this.label = view.label;
  }
}

export type Schemes = GetSchemes<EditorNode, EditorConnection>;
type AreaExtra = VueArea2D<Schemes> | MinimapExtra;

export interface WireDrop {
  /** The socket the wire was dragged from. */
  from: { node: string; port: string; side: 'input' | 'output' };
  /** Where it was released, in canvas coordinates and on screen. */
  at: Position;
  client: Position;
}

/** What was right-clicked. */
export type ContextTarget = { kind: 'root' } | { kind: 'node'; id: string } | { kind: 'edge'; id: string };

export interface ContextRequest {
  target: ContextTarget;
  at: Position;
  client: Position;
}

export interface EditorCallbacks {
  /**
   * A wire was dropped on an input: accept (the store adds the edge) or say why not. When the
   * wire was picked off an input, `replacing` is its edge: moving a wire is one edit.
   */
  onConnect(from: Endpoint, to: Endpoint, replacing?: string): Result<string>;
  onDisconnect(edgeId: string): void;
  /** Nodes were dragged to new positions (one call per drag, all moved nodes). */
  onMove(moves: { id: string; position: Position }[]): void;
  onSelect(ids: string[]): void;
  /** A connection was refused; `reason` is one readable sentence. */
  onRefuse(reason: string): void;
  /** A wire was released on empty canvas. */
  onWireDrop(drop: WireDrop): void;
  /** The user asked for a context menu (right click). */
  onContextMenu(request: ContextRequest): void;
}

export interface EditorHandle {
  /** Make the canvas show this model; calls are queued and coalesced. */
  sync(model: EditorModel): Promise<void>;
  /** Select exactly these nodes (the store's selection after undo, paste, add). */
  setSelection(ids: readonly string[]): Promise<void>;
  zoomToFit(): Promise<void>;
  /** Lay the graph out left to right (elkjs, loaded on first use); reports moves. */
  arrange(): Promise<void>;
  /** Screen → canvas coordinates. */
  toCanvas(clientX: number, clientY: number): Position;
  /** Last pointer position on the canvas, or the viewport's centre when the pointer is away. */
  pasteTarget(): Position;
  viewCenter(): Position;
  /** Milliseconds the last completed sync took (for the benchmark). */
  lastSyncMs(): number;
  destroy(): void;
}

/**
 * The minimap redraws itself (every node) on every node event: loading 200 nodes meant 200
 * full redraws (1.3 s). Make it redraw at most once per animation frame.
 */
function redrawOncePerFrame(minimap: MinimapPlugin<Schemes>): void {
  const target = minimap as unknown as { render(): void };
  const render = target.render.bind(target);
  let scheduled = false;
  target.render = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
    });
  };
}

export async function createEditor(container: HTMLElement, cb: EditorCallbacks): Promise<EditorHandle> {
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new VuePlugin<Schemes, AreaExtra>();
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true, ratio: 1.5 });
  redrawOncePerFrame(minimap);

  let syncing = false;
  const selector = AreaExtensions.selector();
  // Shift, Ctrl or Cmd add to the selection; read from the pointer event that picked the node.
  let accumulate = false;
  const selectable = AreaExtensions.selectableNodes(area, selector, {
    accumulating: { active: () => accumulate },
  });
  const selectedIds = (): string[] =>
    [...selector.entities.values()].filter((e) => e.label === 'node').map((e) => e.id);
  // The selection is reported once the selectable extension has finished with an event (its
  // pipe runs before ours), and only when it differs from what the store last heard.
  let reported = '';
  function reportSelection(): void {
    const ids = selectedIds();
    const key = ids.join('\u0000');
    if (key === reported) return;
    reported = key;
    cb.onSelect(ids);
  }

  render.addPreset(
    Presets.classic.setup({
      socketPositionWatcher: new GeometrySocketPosition((id) => editor.getNode(id)),
      customize: {
        node: () => NodeView,
        connection: () => ConnectionView,
      },
    }),
  );
  render.addPreset(Presets.minimap.setup({ size: 96 }));
  connection.addPreset(ConnectionPresets.classic.setup());

  editor.use(area);
  area.use(connection);
  // Sockets are drawn by the node view itself and positioned by geometry: once the connection
  // plugin has registered a socket's element, the renderer need not mount an app for it.
  area.addPipe((ctx) => (ctx.type === 'render' && ctx.data.type === 'socket' ? undefined : ctx));
  area.use(render);
  area.use(minimap);
  AreaExtensions.simpleNodesOrder(area);

  // Edits by the user go to the store; only `sync` changes the editor's contents. One
  // exception: a wire picked off an input is hidden while it is carried (`detached`); where it
  // is dropped decides the edit (moved, removed, or restored by a re-sync).
  let detached: string | undefined;
  const restore = (): void => void (lastModel && sync(lastModel));
  editor.addPipe((ctx) => {
    if (syncing) return ctx;
    if (ctx.type === 'connectioncreate') {
      const c = ctx.data;
      const replacing = detached;
      detached = undefined;
      const result = cb.onConnect(
        { node: c.source, port: c.sourceOutput },
        { node: c.target, port: c.targetInput },
        replacing,
      );
      if (!result.ok) {
        cb.onRefuse(result.error);
        if (replacing) restore();
      }
      return undefined;
    }
    if (ctx.type === 'connectionremove') {
      detached = ctx.data.id;
      return ctx;
    }
    if (ctx.type === 'nodecreate' || ctx.type === 'noderemove' || ctx.type === 'clear') return undefined;
    return ctx;
  });

  const lastClient = { x: 0, y: 0 };
  let pointerInside = false;
  const onPointerMove = (e: PointerEvent): void => {
    lastClient.x = e.clientX;
    lastClient.y = e.clientY;
  };
  window.addEventListener('pointermove', onPointerMove, { passive: true });
  const onEnter = (): void => void (pointerInside = true);
  const onLeave = (): void => void (pointerInside = false);
  container.addEventListener('pointerenter', onEnter);
  container.addEventListener('pointerleave', onLeave);

  connection.addPipe((ctx) => {
    if (ctx.type === 'connectiondrop') {
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
      // consumes `detached`; only a drop without one ends the carry here.
      const carried = created ? undefined : detached;
      if (!created) detached = undefined;
      let backHome = false;
      if (carried && !created) {
        // Dropped back on its own input (reported as a drop on nothing), or somewhere it
        // cannot go: put it back. Dropped on empty canvas: it is removed.
        backHome = !target && isOverInput(carried);
        if (target || backHome) restore();
        else cb.onDisconnect(carried);
      }
      if (!target && !created && !backHome) {
        cb.onWireDrop({
          from: { node: initial.nodeId, port: initial.key, side: initial.side },
          at: toCanvas(lastClient.x, lastClient.y),
          client: { ...lastClient },
        });
      }
    }
    return ctx;
  });

  /** Is the pointer over the input socket that edge `edgeId` arrives at? */
  function isOverInput(edgeId: string): boolean {
    const edge = lastModel?.edges.find((e) => e.id === edgeId);
    if (!edge) return false;
    const selector = `[data-node-id="${CSS.escape(edge.target)}"] [data-testid="input-socket"][data-port="${CSS.escape(edge.targetInput)}"]`;
    return document
      .elementsFromPoint(lastClient.x, lastClient.y)
      .some((el) => el instanceof Element && el.closest(selector) !== null);
  }

  // A right click on a node bubbles to the canvas and is signalled twice; answer the first.
  const menuEvents = new WeakSet<MouseEvent>();
  area.addPipe((ctx) => {
    if (ctx.type === 'contextmenu') {
      const { event, context } = ctx.data;
      event.preventDefault();
      if (menuEvents.has(event)) return ctx;
      menuEvents.add(event);
      const target: ContextTarget =
        context === 'root'
          ? { kind: 'root' }
          : context instanceof EditorNode
            ? { kind: 'node', id: context.id }
            : { kind: 'edge', id: context.id };
      cb.onContextMenu({
        target,
        at: toCanvas(event.clientX, event.clientY),
        client: { x: event.clientX, y: event.clientY },
      });
    }
    if (ctx.type === 'nodepicked' || ctx.type === 'pointerup') reportSelection();
    if (ctx.type === 'pointerup' && detached) {
      // Released over its own input, a picked-off wire stays in hand (Rete's click-to-connect
      // mode); drop it so that it goes back where it was.
      const carried = detached;
      setTimeout(() => {
        if (detached === carried && isOverInput(carried)) connection.drop();
      });
    }
    if (ctx.type === 'nodedragged') {
      const ids = new Set([...selectedIds(), ctx.data.id]);
      const moves: { id: string; position: Position }[] = [];
      for (const id of ids) {
        const view = area.nodeViews.get(id);
        if (view) moves.push({ id, position: { ...view.position } });
      }
      cb.onMove(moves);
    }
    return ctx;
  });

  // Box selection: Shift + drag on empty canvas draws a rectangle and selects what it touches.
  const box = document.createElement('div');
  box.className = 'tw-selection-box';
  box.dataset.testid = 'selection-box';
  box.hidden = true;
  container.appendChild(box);
  const onPointerDownCapture = (e: PointerEvent): void => {
    accumulate = e.shiftKey || e.ctrlKey || e.metaKey;
    const target = e.target as HTMLElement;
    if (!e.shiftKey || e.button !== 0 || target.closest('.tw-node, .tw-minimap, [data-testid="minimap"]'))
      return;
    e.stopPropagation();
    e.preventDefault();
    const rect = container.getBoundingClientRect();
    const x0 = e.clientX - rect.left;
    const y0 = e.clientY - rect.top;
    const place = (cx: number, cy: number): void => {
      const x1 = cx - rect.left;
      const y1 = cy - rect.top;
      Object.assign(box.style, {
        left: `${Math.min(x0, x1)}px`,
        top: `${Math.min(y0, y1)}px`,
        width: `${Math.abs(x1 - x0)}px`,
        height: `${Math.abs(y1 - y0)}px`,
      });
    };
    place(e.clientX, e.clientY);
    box.hidden = false;
    const move = (ev: PointerEvent): void => place(ev.clientX, ev.clientY);
    const up = (ev: PointerEvent): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      box.hidden = true;
      const a = toCanvas(e.clientX, e.clientY);
      const b = toCanvas(ev.clientX, ev.clientY);
      const [left, right] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
      const [top, bottom] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
      const hit = editor.getNodes().filter((n) => {
        const p = area.nodeViews.get(n.id)?.position;
        return p && p.x < right && p.x + n.width > left && p.y < bottom && p.y + n.height > top;
      });
      void setSelection([...new Set([...selectedIds(), ...hit.map((n) => n.id)])], true);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  container.addEventListener('pointerdown', onPointerDownCapture, { capture: true });

  function toCanvas(clientX: number, clientY: number): Position {
    const rect = container.getBoundingClientRect();
    const { x, y, k } = area.area.transform;
    return { x: (clientX - rect.left - x) / k, y: (clientY - rect.top - y) / k };
  }

  function viewCenter(): Position {
    const rect = container.getBoundingClientRect();
    return toCanvas(rect.left + rect.width / 2, rect.top + rect.height / 2);
  }

  /** Select exactly `ids`; reported to the app only when the user made it (box select). */
  async function setSelection(ids: readonly string[], report = false): Promise<void> {
    const want = new Set(ids.filter((id) => editor.getNode(id)));
    const have = selectedIds();
    if (!(have.length === want.size && have.every((id) => want.has(id)))) {
      for (const id of have) if (!want.has(id)) await selectable.unselect(id);
      for (const id of want) if (!have.includes(id)) await selectable.select(id, true);
    }
    if (report) reportSelection();
    else reported = selectedIds().join('\u0000');
  }

  // Sync: diff the model against the canvas. Calls are serialised and coalesced, so a burst of
  // edits costs one pass and two passes never interleave.
  let pending: EditorModel | undefined;
  let lastModel: EditorModel | undefined;
  let running: Promise<void> | undefined;
  let syncMs = 0;
  async function applyModel(model: EditorModel): Promise<void> {
    const t0 = performance.now();
    syncing = true;
    try {
      const wantNodes = new Map(model.nodes.map((n) => [n.id, n]));
      const wantEdges = new Map(model.edges.map((e) => [e.id, e]));
      // Connections that went away or whose ends changed.
      for (const c of editor.getConnections()) {
        const w = wantEdges.get(c.id);
        if (
          !w ||
          w.source !== c.source ||
          w.target !== c.target ||
          w.sourceOutput !== c.sourceOutput ||
          w.targetInput !== c.targetInput
        )
          await editor.removeConnection(c.id);
      }
      // Nodes that went away, or whose ports changed (rebuilt).
      for (const n of editor.getNodes()) {
        const w = wantNodes.get(n.id);
        const portsChanged =
          w &&
          (JSON.stringify(w.inputs.map((p) => p.id)) !== JSON.stringify(Object.keys(n.inputs)) ||
            JSON.stringify(w.outputs.map((p) => p.id)) !== JSON.stringify(Object.keys(n.outputs)));
        if (!w || portsChanged) {
          for (const c of editor.getConnections())
            if (c.source === n.id || c.target === n.id) await editor.removeConnection(c.id);
          if (n.selected) await selectable.unselect(n.id);
          reported = selectedIds().join('\u0000');
          await editor.removeNode(n.id);
        }
      }
      for (const w of model.nodes) {
        let node = editor.getNode(w.id);
        if (!node) {
          node = new EditorNode(w);
          await editor.addNode(node);
          await area.translate(node.id, w.position);
          continue;
        }
        const sig = nodeSignature(w);
        if (sig !== node.signature) {
          node.view = w;
          node.label = w.title;
          node.signature = sig;
          node.height = w.height;
          await area.update('node', node.id);
        }
        const p = area.nodeViews.get(node.id)?.position;
        if (p && (p.x !== w.position.x || p.y !== w.position.y)) await area.translate(node.id, w.position);
      }
      for (const w of model.edges) {
        const c = editor.getConnection(w.id);
        if (!c) {
          const s = editor.getNode(w.source);
          const t = editor.getNode(w.target);
          if (s && t) await editor.addConnection(new EditorConnection(w, s, t));
        } else if (c.label !== w.label) {
          c.label = w.label;
          await area.update('connection', c.id);
        }
      }
    } finally {
      syncing = false;
    }
    syncMs = performance.now() - t0;
  }

  function sync(model: EditorModel): Promise<void> {
    lastModel = model;
    pending = model;
    if (!running) {
      running = (async () => {
        while (pending) {
          const next = pending;
          pending = undefined;
          await applyModel(next);
        }
        running = undefined;
      })();
    }
    return running;
  }

  let arrangeModule: Promise<typeof import('./arrange')> | undefined;

  return {
    sync,
    setSelection: (ids) => setSelection(ids),
    async zoomToFit() {
      await running;
      const nodes = editor.getNodes();
      if (nodes.length) await AreaExtensions.zoomAt(area, nodes, { scale: 0.92 });
    },
    async arrange() {
      await running;
      arrangeModule ??= import('./arrange');
      const { arrangeNodes } = await arrangeModule;
      await arrangeNodes(editor, area);
      cb.onMove(
        editor.getNodes().flatMap((n) => {
          const p = area.nodeViews.get(n.id)?.position;
          return p ? [{ id: n.id, position: { x: Math.round(p.x), y: Math.round(p.y) } }] : [];
        }),
      );
    },
    toCanvas,
    pasteTarget: () => (pointerInside ? toCanvas(lastClient.x, lastClient.y) : viewCenter()),
    viewCenter,
    lastSyncMs: () => syncMs,
    destroy() {
      window.removeEventListener('pointermove', onPointerMove);
      container.removeEventListener('pointerdown', onPointerDownCapture, { capture: true });
      container.removeEventListener('pointerenter', onEnter);
      container.removeEventListener('pointerleave', onLeave);
      area.destroy();
    },
  };
}
