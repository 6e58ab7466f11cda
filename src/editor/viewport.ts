/**
 * Screen ↔ canvas coordinates, and where the pointer last was (a paste lands under it, a
 * wire released on empty canvas opens the quick-add there).
 */
import type { AreaPlugin } from 'rete-area-plugin';
import type { Position } from '../core/document';
import type { AreaExtra, Schemes } from './types';

export interface Viewport {
  /** Screen → canvas coordinates. */
  toCanvas(clientX: number, clientY: number): Position;
  viewCenter(): Position;
  /** The pointer's last position on screen (anywhere in the window). */
  pointer(): Position;
  /** Last pointer position on the canvas, or the viewport's centre when the pointer is away. */
  pasteTarget(): Position;
  destroy(): void;
}

export function trackViewport(container: HTMLElement, area: AreaPlugin<Schemes, AreaExtra>): Viewport {
  const lastClient = { x: 0, y: 0 };
  let pointerInside = false;
  const onPointerMove = (e: PointerEvent): void => {
    lastClient.x = e.clientX;
    lastClient.y = e.clientY;
  };
  const onEnter = (): void => void (pointerInside = true);
  const onLeave = (): void => void (pointerInside = false);
  window.addEventListener('pointermove', onPointerMove, { passive: true });
  container.addEventListener('pointerenter', onEnter);
  container.addEventListener('pointerleave', onLeave);

  function toCanvas(clientX: number, clientY: number): Position {
    const rect = container.getBoundingClientRect();
    const { x, y, k } = area.area.transform;
    return { x: (clientX - rect.left - x) / k, y: (clientY - rect.top - y) / k };
  }
  function viewCenter(): Position {
    const rect = container.getBoundingClientRect();
    return toCanvas(rect.left + rect.width / 2, rect.top + rect.height / 2);
  }

  return {
    toCanvas,
    viewCenter,
    pointer: () => ({ ...lastClient }),
    pasteTarget: () => (pointerInside ? toCanvas(lastClient.x, lastClient.y) : viewCenter()),
    destroy() {
      window.removeEventListener('pointermove', onPointerMove);
      container.removeEventListener('pointerenter', onEnter);
      container.removeEventListener('pointerleave', onLeave);
    },
  };
}
