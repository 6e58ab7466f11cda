/**
 * Where a new node goes: as near as possible to where the user asked, but never on top of
 * another node. Pure geometry over the nodes' fixed sizes (viewModel.ts), so it is tested
 * without a browser.
 */
import type { GraphDocument, Position } from '../core/document';
import { getNodeSpec } from '../core/registry';
import { NODE_WIDTH, PROBLEM_STRIP, nodeHeight } from './viewModel';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Space kept free around a placed node, so wires and edge labels between nodes stay readable. */
export const PLACEMENT_GAP = 24;
const STEP = 20;
const MAX_RADIUS = 1200;

/** The box a node of this type takes on the canvas (with room for a problem strip). */
export function nodeBox(type: string, at: Position): Box {
  const spec = getNodeSpec(type);
  const rows = spec ? Math.max(spec.inputs.length, spec.outputs.length) : 1;
  return { x: at.x, y: at.y, width: NODE_WIDTH, height: nodeHeight(rows, false) + PROBLEM_STRIP };
}

const overlaps = (a: Box, b: Box, gap: number): boolean =>
  a.x < b.x + b.width + gap &&
  b.x < a.x + a.width + gap &&
  a.y < b.y + b.height + gap &&
  b.y < a.y + a.height + gap;

/**
 * The top-left corner nearest to `want` where a node of `type` overlaps none of the document's
 * nodes. Candidates lie on a grid around `want`, nearest first; ties prefer below, then right.
 */
export function freePosition(doc: GraphDocument, type: string, want: Position): Position {
  const taken = doc.nodes.map((n) => nodeBox(n.type, n.position));
  const fits = (p: Position) => !taken.some((b) => overlaps(nodeBox(type, p), b, PLACEMENT_GAP));
  if (fits(want)) return want;
  for (let r = STEP; r <= MAX_RADIUS; r += STEP) {
    const ring: Position[] = [];
    for (let dx = -r; dx <= r; dx += STEP)
      for (const dy of [-r, r]) ring.push({ x: want.x + dx, y: want.y + dy });
    for (let dy = -r + STEP; dy < r; dy += STEP)
      for (const dx of [-r, r]) ring.push({ x: want.x + dx, y: want.y + dy });
    const distance = (p: Position) => Math.hypot(p.x - want.x, p.y - want.y);
    ring.sort((a, b) => distance(a) - distance(b) || b.y - a.y || b.x - a.x);
    const found = ring.find(fits);
    if (found) return found;
  }
  return want;
}
