/**
 * When do a model's results still describe the graph on the canvas? A trained model is its
 * weights plus the exact graph it was trained as; the canvas moves on. This module is the one
 * rule that says whether the canvas still is that graph, and how the app says so.
 *
 * "Changes the model" means: the canvas would compile to another network (a node added,
 * removed or retyped, a parameter such as units, activation, dropout rate or the loss and its
 * reduction, any wire) or would train it differently (any training setting: optimizer,
 * learning rate, batch size, duration, validation images, seed). Positions, node labels, the
 * graph's name and description change nothing the model computes, so they never make it stale.
 */
import type { GraphDocument } from './document';
import { graphHash, structureHash } from './graphHash';

/** How the canvas differs from the graph a model was trained as. */
export interface ModelComparison {
  /** The canvas compiles to another network: nodes, parameters or wiring differ. */
  network: boolean;
  /** The canvas trains with other settings: any field of `training` differs. */
  training: boolean;
  /** The model's results no longer describe the canvas (either of the above). */
  stale: boolean;
}

/**
 * Compare the graph a model was trained as with the canvas. Pure; reuses the fingerprints of
 * `graphHash.ts`, so "the same model" here and "the same run" in the runs table agree.
 */
export function compareWithModel(trained: GraphDocument, canvas: GraphDocument): ModelComparison {
  const network = structureHash(trained) !== structureHash(canvas);
  // The canvas's settings on the trained network: differs from the trained graph exactly when
  // the settings do, whatever happened to the network.
  const training =
    graphHash(trained) !== graphHash({ ...canvas, nodes: trained.nodes, edges: trained.edges });
  return { network, training, stale: network || training };
}

/**
 * The count of canvas changes since the canvas last was the trained graph: 0 while it still
 * is (whatever was moved or renamed), one more for each change after that. Undoing back to
 * the trained graph brings it to 0 again. `undefined` is "unknown" (a reload forgets the edit
 * history): it stays unknown until the canvas is the trained graph again.
 */
export function editsSince(previous: number | undefined, comparison: ModelComparison): number | undefined {
  if (!comparison.stale) return 0;
  return previous === undefined ? undefined : previous + 1;
}

/**
 * The plain-words notice for a stale model: which graph it was trained as, how long ago the
 * canvas left it (when known: a reload forgets the edit history) and that the results are
 * that graph's. While the run still trains, it says the run trains the graph as it was.
 */
export function staleNotice(
  trainedName: string,
  comparison: ModelComparison,
  editsAgo: number | undefined,
  running: boolean,
): string {
  const settings = comparison.network ? '' : ' (with other training settings)';
  const ago =
    editsAgo === undefined || editsAgo < 1 ? '' : `, ${editsAgo} edit${editsAgo === 1 ? '' : 's'} ago`;
  return running
    ? `This run trains ${trainedName}${settings} as it was when Train was pressed${ago} — later edits are not part of it.`
    : `Trained as ${trainedName}${settings}${ago} — these results belong to that graph.`;
}
