/**
 * Which nodes are selected, and telling the app. Rete's selectable-nodes extension keeps the
 * selection; this module decides when Shift/Ctrl/Cmd add to it, reports it once it settles,
 * reports drags of the selected nodes as moves, and applies the store's selection.
 */
import type { NodeEditor } from 'rete';
import { AreaExtensions, type AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, EditorCallbacks, EditorNode, NodeMove, Schemes } from './types';

export interface CanvasSelection {
  /** The selected nodes' ids. */
  ids(): string[];
  /** Select exactly `ids`; reported to the app only when the user made it (box select). */
  set(ids: readonly string[], report?: boolean): Promise<void>;
  /** A node is leaving the canvas: drop it from the selection without telling the app. */
  forget(node: EditorNode): Promise<void>;
  /**
   * Report selection changes and drags from now on. Called once the other plugins are wired,
   * so that this pipe runs after theirs.
   */
  reportChanges(): void;
  destroy(): void;
}

export function createSelection(
  editor: NodeEditor<Schemes>,
  area: AreaPlugin<Schemes, AreaExtra>,
  container: HTMLElement,
  callbacks: Pick<EditorCallbacks, 'onSelect' | 'onMove'>,
): CanvasSelection {
  const selector = AreaExtensions.selector();
  // Shift, Ctrl or Cmd add to the selection; read from the pointer event that picked the node.
  let accumulate = false;
  const selectable = AreaExtensions.selectableNodes(area, selector, {
    accumulating: { active: () => accumulate },
  });
  const onPointerDown = (e: PointerEvent): void => {
    accumulate = e.shiftKey || e.ctrlKey || e.metaKey;
  };
  container.addEventListener('pointerdown', onPointerDown, { capture: true });

  const ids = (): string[] =>
    [...selector.entities.values()].filter((e) => e.label === 'node').map((e) => e.id);
  // What the app last heard, so that only a changed selection is reported.
  let reported = '';
  const keyOf = (list: readonly string[]): string => list.join('\u0000');
  function report(): void {
    const current = ids();
    const key = keyOf(current);
    if (key === reported) return;
    reported = key;
    callbacks.onSelect(current);
  }

  return {
    ids,
    async set(wanted, reportIt = false) {
      const want = new Set(wanted.filter((id) => editor.getNode(id)));
      const have = ids();
      if (!(have.length === want.size && have.every((id) => want.has(id)))) {
        for (const id of have) if (!want.has(id)) await selectable.unselect(id);
        for (const id of want) if (!have.includes(id)) await selectable.select(id, true);
      }
      if (reportIt) report();
      else reported = keyOf(ids());
    },
    async forget(node) {
      if (node.selected) await selectable.unselect(node.id);
      reported = keyOf(ids());
    },
    reportChanges() {
      // The selectable extension's pipe runs before this one, so the selection has settled.
      area.addPipe((ctx) => {
        if (ctx.type === 'nodepicked' || ctx.type === 'pointerup') report();
        if (ctx.type === 'nodedragged') {
          // Dragging a selected node moves the whole selection: one report for all of it.
          const moved = new Set([...ids(), ctx.data.id]);
          const moves: NodeMove[] = [];
          for (const id of moved) {
            const view = area.nodeViews.get(id);
            if (view) moves.push({ id, position: { ...view.position } });
          }
          callbacks.onMove(moves);
        }
        return ctx;
      });
    },
    destroy() {
      container.removeEventListener('pointerdown', onPointerDown, { capture: true });
    },
  };
}
