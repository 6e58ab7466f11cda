/**
 * The Rete canvas. `createEditor` wires the plugins and the editor's modules in a fixed order
 * (the order of Rete's pipes decides who sees a signal first) and returns a small handle; the
 * app mounts it and feeds it the document. The editor never changes the graph itself: a
 * user's edit (wire, unwire, move, select) is reported through the callbacks, the store
 * decides, and the resulting document comes back through `sync`.
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { Presets, VuePlugin } from 'rete-vue-plugin';
import { installBoxSelection } from './boxSelection';
import { createCanvasSync } from './canvasSync';
import { fitView, type Rect } from './fit';
import ConnectionView from './components/ConnectionView.vue';
import NodeView from './components/NodeView.vue';
import { requestContextMenus } from './contextMenu';
import { centreOnMinimapDoubleClick } from './minimapDoubleClick';
import { redrawOncePerFrame } from './minimapRedraw';
import { refitOnResize } from './refitOnResize';
import { createSelection } from './selection';
import { GeometrySocketPosition } from './socketPosition';
import type { AreaExtra, EditorCallbacks, EditorHandle, Schemes } from './types';
import { trackViewport } from './viewport';
import { carryWires } from './wireCarry';

export async function createEditor(container: HTMLElement, cb: EditorCallbacks): Promise<EditorHandle> {
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new VuePlugin<Schemes, AreaExtra>();
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true, ratio: 1.5 });
  redrawOncePerFrame(minimap);
  const selection = createSelection(editor, area, container, cb);

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

  const viewport = trackViewport(container, area);
  const canvas = createCanvasSync(editor, area, selection);
  carryWires({
    editor,
    area,
    connection,
    callbacks: cb,
    isSyncing: canvas.isSyncing,
    edge: (id) => canvas.lastModel()?.edges.find((e) => e.id === id),
    restore: canvas.restore,
    pointer: viewport.pointer,
    toCanvas: viewport.toCanvas,
  });
  requestContextMenus(area, viewport.toCanvas, cb.onContextMenu);
  selection.reportChanges();
  const removeBoxSelection = installBoxSelection(container, {
    isExempt: (target) => target.closest('.tw-node') !== null || minimap.element.contains(target),
    toCanvas: viewport.toCanvas,
    nodeBoxes: () =>
      editor.getNodes().flatMap((n) => {
        const p = area.nodeViews.get(n.id)?.position;
        return p ? [{ id: n.id, x: p.x, y: p.y, width: n.width, height: n.height }] : [];
      }),
    onSelect: (ids) => void selection.set([...new Set([...selection.ids(), ...ids])], true),
  });
  const removeMinimapDoubleClick = centreOnMinimapDoubleClick(container, area);

  let arrangeModule: Promise<typeof import('./arrange')> | undefined;

  /** The minimap's box in the container's coordinates, when it is drawn. */
  function minimapRect(): Rect | undefined {
    const el = container.querySelector('.minimap');
    if (!el) return undefined;
    const box = el.getBoundingClientRect();
    const origin = container.getBoundingClientRect();
    return box.width
      ? { x: box.x - origin.x, y: box.y - origin.y, width: box.width, height: box.height }
      : undefined;
  }

  async function zoomToFit(): Promise<void> {
    await canvas.settled();
    const boxes = editor.getNodes().flatMap((n) => {
      const p = area.nodeViews.get(n.id)?.position;
      return p ? [{ left: p.x, top: p.y, right: p.x + n.width, bottom: p.y + n.height }] : [];
    });
    if (!boxes.length || !container.clientWidth || !container.clientHeight) return;
    const left = Math.min(...boxes.map((b) => b.left));
    const top = Math.min(...boxes.map((b) => b.top));
    const nodes = {
      x: left,
      y: top,
      width: Math.max(...boxes.map((b) => b.right)) - left,
      height: Math.max(...boxes.map((b) => b.bottom)) - top,
    };
    const view = { width: container.clientWidth, height: container.clientHeight };
    const t = fitView(nodes, view, minimapRect());
    area.area.transform.x = t.x;
    area.area.transform.y = t.y;
    await area.area.zoom(t.k, 0, 0);
  }
  const stopRefit = refitOnResize(container, zoomToFit);

  return {
    sync: canvas.sync,
    setSelection: (ids) => selection.set(ids),
    zoomToFit,
    async arrange() {
      await canvas.settled();
      arrangeModule ??= import('./arrange');
      const { arrangeNodes } = await arrangeModule;
      cb.onMove(await arrangeNodes(editor, area));
    },
    toCanvas: viewport.toCanvas,
    pasteTarget: viewport.pasteTarget,
    viewCenter: viewport.viewCenter,
    lastSyncMs: canvas.lastSyncMs,
    destroy() {
      viewport.destroy();
      selection.destroy();
      removeBoxSelection();
      removeMinimapDoubleClick();
      stopRefit();
      area.destroy();
    },
  };
}
