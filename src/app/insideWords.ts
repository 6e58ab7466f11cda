/**
 * The words of the "see inside" views that are pure logic: which input the views show, and
 * what changed the weights since the results dock's evaluation (so the dock never passes off
 * an earlier evaluation as these weights').
 */
import { formatPercent } from '../core/util/format';

export type InputSource = 'drawn' | 'test';

/** What changed the weights since the last evaluation: a reset, then `steps` single steps. */
export interface WeightChanges {
  reset: boolean;
  steps: number;
}

/** One more single step. */
export function addStep(changes: WeightChanges | undefined): WeightChanges {
  return { reset: changes?.reset ?? false, steps: (changes?.steps ?? 0) + 1 };
}

/** Index of the largest value (the first one on ties); -1 when there is none. */
export function argMax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i]! > values[best]!) best = i;
  return best;
}

/** "test digit #4821, a 7 predicted as 9", "your drawing", or undefined without an input. */
export function describeInput(
  source: InputSource,
  digit: { index: number; label: number } | undefined,
  predicted: number | undefined,
): string | undefined {
  if (source === 'drawn') return 'your drawing';
  if (!digit) return undefined;
  const what = `test digit #${digit.index}, a ${digit.label}`;
  if (predicted === undefined) return what;
  return predicted === digit.label ? `${what}, predicted right` : `${what} predicted as ${predicted}`;
}

const steps = (n: number) => `${n.toLocaleString('en-US')} step${n === 1 ? '' : 's'}`;

/**
 * What the results dock says in place of an evaluation the weights have left behind, e.g.
 * "Weights reset, then 3 steps trained. Evaluate to see this model's accuracy (the last
 * evaluation, 96.6%, was of the weights before)."
 */
export function staleEvaluationNote(changes: WeightChanges, previousAccuracy: number | undefined): string {
  const what = changes.reset
    ? changes.steps
      ? `Weights reset, then ${steps(changes.steps)} trained.`
      : 'Weights reset: this model is untrained.'
    : `${steps(changes.steps)} trained since the last evaluation.`;
  const before =
    previousAccuracy === undefined
      ? ''
      : ` (the last evaluation, ${formatPercent(previousAccuracy, 1)}, was of the weights before)`;
  return `${what[0]!.toUpperCase()}${what.slice(1)} Evaluate to see this model's accuracy${before}.`;
}
