/**
 * Where an imported graph's nodes go on the canvas (Keras, tfjs and ONNX imports carry no
 * positions): left to right by depth from the input, nodes of the same depth stacked, and the
 * columns wrapped into bands of `COLUMNS_PER_BAND` like the presets' rows, so a long sequential
 * model reads as a few lines instead of one row of tiny nodes when the canvas fits it.
 */
import type { GraphDocument } from '../document';

/** Depths per band: the presets' four nodes per line. */
export const COLUMNS_PER_BAND = 4;
/** The presets' spacing: 300 between columns, 170 between rows. */
const COLUMN_WIDTH = 300;
const ROW_HEIGHT = 170;

/** Each node's depth: the longest path from a node without inputs (edges are acyclic). */
function depths(doc: Pick<GraphDocument, 'nodes' | 'edges'>): Map<string, number> {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) incoming.set(e.to.node, [...(incoming.get(e.to.node) ?? []), e.from.node]);
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    depth.set(id, 0); // a cycle (refused later by validation) ends here instead of recursing
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(visit)) + 1;
    depth.set(id, d);
    return d;
  };
  for (const node of doc.nodes) visit(node.id);
  return depth;
}

/** Set every node's position (in place): depth columns, wrapped into bands. */
export function layoutByDepth(doc: Pick<GraphDocument, 'nodes' | 'edges'>): void {
  const depth = depths(doc);
  const rowOf = new Map<string, number>();
  const rowsAt = new Map<number, number>();
  for (const node of doc.nodes) {
    const d = depth.get(node.id)!;
    const row = rowsAt.get(d) ?? 0;
    rowsAt.set(d, row + 1);
    rowOf.set(node.id, row);
  }
  const bands = Math.floor(Math.max(0, ...rowsAt.keys()) / COLUMNS_PER_BAND) + 1;
  const bandTop: number[] = [0];
  for (let b = 0; b < bands; b++) {
    let tallest = 1;
    for (let c = 0; c < COLUMNS_PER_BAND; c++)
      tallest = Math.max(tallest, rowsAt.get(b * COLUMNS_PER_BAND + c) ?? 0);
    bandTop.push(bandTop[b]! + tallest * ROW_HEIGHT);
  }
  for (const node of doc.nodes) {
    const d = depth.get(node.id)!;
    const band = Math.floor(d / COLUMNS_PER_BAND);
    node.position = {
      x: (d % COLUMNS_PER_BAND) * COLUMN_WIDTH,
      y: bandTop[band]! + rowOf.get(node.id)! * ROW_HEIGHT,
    };
  }
}
