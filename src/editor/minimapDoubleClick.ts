/**
 * Double-clicking a spot on the minimap centres the canvas on it. rete's minimap does this
 * itself, but the minimap lets the pointer through to the canvas (so that clicks reach the
 * nodes under it, see styles.css), so its own handler only hears double-clicks on its viewport
 * box. The canvas hears the others: those inside the minimap's box go to the minimap's `point`
 * here, and never reach the area's double-click zoom.
 */
import type { AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, Schemes } from './types';

/** Install on the canvas container; returns the uninstaller. */
export function centreOnMinimapDoubleClick(
  container: HTMLElement,
  area: AreaPlugin<Schemes, AreaExtra>,
): () => void {
  // The minimap sends a fresh `point` with every redraw (it closes over the current scale).
  let point: ((x: number, y: number) => void) | undefined;
  area.addPipe((ctx) => {
    if (ctx.type === 'render' && ctx.data.type === 'minimap') point = ctx.data.point;
    return ctx;
  });
  const onDoubleClick = (e: MouseEvent): void => {
    const map = container.querySelector<HTMLElement>('.minimap');
    if (!map || !point || map.contains(e.target as Node)) return;
    const box = map.getBoundingClientRect();
    const inside =
      e.clientX >= box.left && e.clientX <= box.right && e.clientY >= box.top && e.clientY <= box.bottom;
    if (!inside) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    // The minimap draws both axes in units of its inner width, from its padding box.
    point(
      (e.clientX - box.left - map.clientLeft) / map.clientWidth,
      (e.clientY - box.top - map.clientTop) / map.clientWidth,
    );
  };
  container.addEventListener('dblclick', onDoubleClick, true);
  return () => container.removeEventListener('dblclick', onDoubleClick, true);
}
