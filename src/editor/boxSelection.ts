/**
 * Box selection: Shift + drag on empty canvas draws a rectangle and adds the nodes it touches
 * to the selection. Rete has no such extension, so it is plain DOM on the container.
 */
import type { Position } from '../core/document';

/** A node's box in canvas coordinates. */
export interface NodeBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BoxSelectionOptions {
  /** True for an element the box must not start on (a node, the minimap). */
  isExempt(target: Element): boolean;
  toCanvas(clientX: number, clientY: number): Position;
  /** The nodes drawn now, with their boxes. */
  nodeBoxes(): NodeBox[];
  /** Called with the ids the box touches when it is released. */
  onSelect(ids: string[]): void;
}

/** Installs box selection on `container`; returns the function that removes it. */
export function installBoxSelection(container: HTMLElement, options: BoxSelectionOptions): () => void {
  const box = document.createElement('div');
  box.className = 'tw-selection-box';
  box.dataset.testid = 'selection-box';
  box.hidden = true;
  container.appendChild(box);

  const onPointerDown = (e: PointerEvent): void => {
    if (!e.shiftKey || e.button !== 0 || options.isExempt(e.target as Element)) return;
    // Captured before Rete sees it: a Shift-drag must not pan the canvas.
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
      const a = options.toCanvas(e.clientX, e.clientY);
      const b = options.toCanvas(ev.clientX, ev.clientY);
      const [left, right] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
      const [top, bottom] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
      const hit = options
        .nodeBoxes()
        .filter((n) => n.x < right && n.x + n.width > left && n.y < bottom && n.y + n.height > top);
      options.onSelect(hit.map((n) => n.id));
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  container.addEventListener('pointerdown', onPointerDown, { capture: true });
  return () => container.removeEventListener('pointerdown', onPointerDown, { capture: true });
}
