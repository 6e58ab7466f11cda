/**
 * What the app calls a run or an opened model, in one place: the runs table (its rows,
 * checkboxes and chart legends), the results banner's undo label, Export → Trained model and
 * every notice about a model say the same words.
 */
import type { RunRecord } from './runTypes';

/** The parts of a record its name is made of. */
export type Nameable = Pick<RunRecord, 'id' | 'graphName' | 'openedFrom'>;

/**
 * `beginner · run 3` for the third training run kept (counted from the oldest, among runs
 * only), `mnist-cnn · from mnist-cnn.zip` for a model opened from a file; undefined when `id`
 * is neither.
 *
 * @param runs the training runs, newest first (as the runs store holds them)
 * @param opened the opened models
 */
export function runName(
  id: string,
  runs: readonly Nameable[],
  opened: readonly Nameable[] = [],
): string | undefined {
  const i = runs.findIndex((r) => r.id === id);
  if (i >= 0) return `${runs[i]!.graphName} · run ${runs.length - i}`;
  const model = opened.find((r) => r.id === id);
  return model && `${model.graphName} · from ${model.openedFrom ?? 'a file'}`;
}
