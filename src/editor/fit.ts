/**
 * The view that shows the graph: the zoom and offset that fit the nodes' bounding box into the
 * canvas, beside (not under) the minimap, whole whenever a readable zoom allows it. Pure, so the rule is tested without a browser; createEditor applies it.
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

/**
 * The fit goes no lower than this: a node's title (13 px) is 6.5 px tall. A graph that would need
 * less (a tall graph in a canvas shortened by the results dock) is cut instead, keeping its top.
 */
export const MIN_READABLE_ZOOM = 0.5;
/** The fit never enlarges past the nodes' own size. */
export const MAX_FIT_ZOOM = 1;
/** Share of the free space the graph may take, leaving a margin around it. */
const FILL = 0.92;

/**
 * Fit `nodes` (canvas coordinates) into a `view` of this size. `reserved` is a corner the nodes
 * must stay clear of (the minimap, bottom right): the graph goes left of it or above it,
 * whichever shows it whole, and larger when both do. A short canvas (the results dock open)
 * shrinks the graph down to the readable zoom so that every node stays in sight; past that the
 * graph keeps the readable zoom and is cut at the bottom (its start, at the top, stays in
 * sight), and the dock can be made smaller. A graph wider than the canvas is fitted to its width.
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
  const wholeZoom = (a: Rect) => Math.min(widthZoom(a), heightZoom(a), MAX_FIT_ZOOM);
  const zoomFor = (a: Rect) => Math.max(wholeZoom(a), Math.min(widthZoom(a), MIN_READABLE_ZOOM));
  const whole = (a: Rect) => zoomFor(a) <= wholeZoom(a);
  const better = (a: Rect, b: Rect) => (whole(a) !== whole(b) ? whole(a) : zoomFor(a) > zoomFor(b));
  const area = areas.reduce((best, a) => (better(a, best) ? a : best));
  const k = zoomFor(area);
  const x = area.x + (area.width - nodes.width * k) / 2 - nodes.x * k;
  const y = whole(area)
    ? area.y + (area.height - nodes.height * k) / 2 - nodes.y * k
    : area.y + (area.height * (1 - FILL)) / 2 - nodes.y * k;
  return { k, x, y };
}
