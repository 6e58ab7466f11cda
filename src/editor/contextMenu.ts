/**
 * Right clicks on the canvas, a node or a wire become a context-menu request to the app,
 * which draws the menu; the browser's own menu is suppressed.
 */
import type { AreaPlugin } from 'rete-area-plugin';
import type { Position } from '../core/document';
import { EditorNode, type AreaExtra, type ContextRequest, type ContextTarget, type Schemes } from './types';

export function requestContextMenus(
  area: AreaPlugin<Schemes, AreaExtra>,
  toCanvas: (clientX: number, clientY: number) => Position,
  onContextMenu: (request: ContextRequest) => void,
): void {
  // A right click on a node bubbles to the canvas and is signalled twice; answer the first.
  const answered = new WeakSet<MouseEvent>();
  area.addPipe((ctx) => {
    if (ctx.type !== 'contextmenu') return ctx;
    const { event, context } = ctx.data;
    event.preventDefault();
    if (answered.has(event)) return ctx;
    answered.add(event);
    const target: ContextTarget =
      context === 'root'
        ? { kind: 'root' }
        : context instanceof EditorNode
          ? { kind: 'node', id: context.id }
          : { kind: 'edge', id: context.id };
    onContextMenu({
      target,
      at: toCanvas(event.clientX, event.clientY),
      client: { x: event.clientX, y: event.clientY },
    });
    return ctx;
  });
}
