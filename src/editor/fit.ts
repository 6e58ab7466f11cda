/**
 * The view that shows the graph: the zoom and offset that fit the nodes' bounding box into the
 * canvas, beside (not under) the minimap, and never below a zoom at which the nodes can be
 * read. Pure, so the rule is tested without a browser; createEditor applies it.
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

/** Below this zoom a node's title (13 px) is under 8 px tall: the fit pans instead of shrinking. */
export const MIN_READABLE_ZOOM = 0.6;
/** The fit never enlarges past the nodes' own size. */
export const MAX_FIT_ZOOM = 1;
/** Share of the free space the graph may take, leaving a margin around it. */
const FILL = 0.92;

/**
 * Fit `nodes` (canvas coordinates) into a `view` of this size. `reserved` is a corner the nodes
 * must stay clear of (the minimap, bottom right): the graph goes left of it or above it,
 * whichever lets it be larger. When even the readable zoom cannot show everything, the graph
 * starts at its left edge (where the input is) and the user pans to the rest.
 */
export function fitView(
  nodes: Rect,
  view: { width: number; height: number },
  reserved?: Rect,
): ViewTransform {
  const areas: Rect[] = [{ x: 0, y: 0, width: view.width, height: view.height }];
  if (reserved) {
    areas.length = 0;
    areas.push({ x: 0, y: 0, width: Math.max(1, reserved.x), height: view.height });
    areas.push({ x: 0, y: 0, width: view.width, height: Math.max(1, reserved.y) });
  }
  const zoomFor = (a: Rect) =>
    Math.min((a.width * FILL) / Math.max(1, nodes.width), (a.height * FILL) / Math.max(1, nodes.height));
  const area = areas.reduce((best, a) => (zoomFor(a) > zoomFor(best) ? a : best));
  const fitted = Math.min(zoomFor(area), MAX_FIT_ZOOM);
  const k = Math.max(fitted, MIN_READABLE_ZOOM);
  const fitsWidth = nodes.width * k <= area.width;
  const margin = (area.width * (1 - FILL)) / 2;
  const x = fitsWidth
    ? area.x + (area.width - nodes.width * k) / 2 - nodes.x * k
    : area.x + margin - nodes.x * k;
  const y = area.y + (area.height - nodes.height * k) / 2 - nodes.y * k;
  return { k, x, y };
}
