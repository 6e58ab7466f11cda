/**
 * The view that shows the graph: the zoom and offset that fit the nodes' bounding box into the
 * canvas, beside (not under) the minimap, and not shrunk below a readable zoom by a short
 * canvas. Pure, so the rule is tested without a browser; createEditor applies it.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Screen = canvas × k + (x, y). */
export interface ViewTransform {
  k: number;
  x: number;
  y: number;
}

/** Below this zoom a node's title (13 px) is under 8 px tall. */
export const MIN_READABLE_ZOOM = 0.6;
/** The fit never enlarges past the nodes' own size. */
export const MAX_FIT_ZOOM = 1;
/** Share of the free space the graph may take, leaving a margin around it. */
const FILL = 0.92;

/**
 * Fit `nodes` (canvas coordinates) into a `view` of this size. `reserved` is a corner the nodes
 * must stay clear of (the minimap, bottom right): the graph goes left of it or above it,
 * whichever lets it be larger. A short canvas (the results dock open) never shrinks the graph
 * below the readable zoom while its width still fits: it is cut at the top and bottom instead,
 * and the dock can be made smaller. A graph wider than the canvas is fitted to its width.
 */
export function fitView(
  nodes: Rect,
  view: { width: number; height: number },
  reserved?: Rect,
): ViewTransform {
  const areas: Rect[] = reserved
    ? [
        { x: 0, y: 0, width: Math.max(1, reserved.x), height: view.height },
        { x: 0, y: 0, width: view.width, height: Math.max(1, reserved.y) },
      ]
    : [{ x: 0, y: 0, width: view.width, height: view.height }];
  const widthZoom = (a: Rect) => (a.width * FILL) / Math.max(1, nodes.width);
  const heightZoom = (a: Rect) => (a.height * FILL) / Math.max(1, nodes.height);
  const zoomFor = (a: Rect) =>
    Math.max(Math.min(widthZoom(a), heightZoom(a)), Math.min(widthZoom(a), MIN_READABLE_ZOOM));
  const area = areas.reduce((best, a) => (zoomFor(a) > zoomFor(best) ? a : best));
  const k = Math.min(zoomFor(area), MAX_FIT_ZOOM);
  const x = area.x + (area.width - nodes.width * k) / 2 - nodes.x * k;
  const y = area.y + (area.height - nodes.height * k) / 2 - nodes.y * k;
  return { k, x, y };
}
