/**
 * What a sweep tries, and which try won: pure functions over a document, so the store only
 * sequences runs. One setting (learning rate, batch size, a Dense node's units, optimizer),
 * a few values, the same short step budget for each.
 */
import type { GraphDocument, OptimizerType } from '../../../core/document';
import { LIMITS } from '../../../core/limits';
import { TRAIN_FILE_IMAGES } from '../../../core/mnist';
import { err, ok, type Result } from '../../../core/result';
import { withTrainingField } from '../../trainingFields';

export type SweepSetting = 'learningRate' | 'batchSize' | 'units' | 'optimizer';
export type SweepValue = number | OptimizerType;

export const SWEEP_SETTINGS: readonly { value: SweepSetting; label: string }[] = [
  { value: 'learningRate', label: 'Learning rate' },
  { value: 'batchSize', label: 'Batch size' },
  { value: 'units', label: 'Units of a Dense node' },
  { value: 'optimizer', label: 'Optimizer' },
];

const OPTIMIZERS: readonly OptimizerType[] = ['sgd', 'momentum', 'adam', 'rmsprop'];

/** What is swept: the setting and, for `units`, which Dense node. */
export interface SweepTarget {
  setting: SweepSetting;
  nodeId?: string;
}

/** Three significant digits: `0.000316`, not `0.00031622776601683794`. */
const round3 = (v: number) => Number(v.toPrecision(3));

/**
 * `count` values spread evenly on a log scale from `center / span` to `center × span`
 * (learning rate: 0.0001, 0.001, 0.01 around 0.001).
 */
export function logSpaced(center: number, count: number, span = 10): number[] {
  if (count <= 1) return [round3(center)];
  return Array.from({ length: count }, (_, i) => round3(center * span ** ((2 * i) / (count - 1) - 1)));
}

/** Whole numbers doubling around `center` (batch 50, 100, 200), within [min, max], no repeats. */
export function doublings(center: number, count: number, min: number, max: number): number[] {
  const half = Math.floor(count / 2);
  const values = Array.from({ length: count }, (_, i) =>
    Math.min(max, Math.max(min, Math.round(center * 2 ** (i - half)))),
  );
  return [...new Set(values)];
}

/** The setting's value in `doc` now, or undefined (a `units` target that is not a Dense node). */
export function currentValue(doc: GraphDocument, target: SweepTarget): SweepValue | undefined {
  const t = doc.training;
  switch (target.setting) {
    case 'learningRate':
      return t.learningRate;
    case 'batchSize':
      return t.batchSize;
    case 'optimizer':
      return t.optimizer.type;
    case 'units': {
      const units = doc.nodes.find((n) => n.id === target.nodeId && n.type === 'dense')?.params.units;
      return typeof units === 'number' ? units : undefined;
    }
  }
}

/** The values a sweep proposes: around the current one (log-spaced for the learning rate). */
export function defaultValues(doc: GraphDocument, target: SweepTarget, count = 3): SweepValue[] {
  const now = currentValue(doc, target);
  switch (target.setting) {
    case 'learningRate':
      return logSpaced(typeof now === 'number' ? now : 0.01, count);
    case 'batchSize':
      return doublings(typeof now === 'number' ? now : 100, count, 1, TRAIN_FILE_IMAGES);
    case 'units':
      return doublings(typeof now === 'number' ? now : 64, count, 1, LIMITS.units);
    case 'optimizer':
      return [...OPTIMIZERS];
  }
}

/** Values as the user edits them: `0.0001, 0.001, 0.01`. */
export const formatValues = (values: readonly SweepValue[]): string => values.join(', ');

/** The values typed in, checked for the setting; the error says which one is wrong and why. */
export function parseValues(text: string, setting: SweepSetting): Result<SweepValue[]> {
  const parts = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length < 2) return err('Give at least two values, separated by commas.');
  if (parts.length > 8) return err('Give at most 8 values: each one is a training run.');
  const values: SweepValue[] = [];
  for (const part of parts) {
    if (setting === 'optimizer') {
      const o = OPTIMIZERS.find((name) => name === part.toLowerCase());
      if (!o) return err(`"${part}" is not an optimizer; use ${OPTIMIZERS.join(', ')}.`);
      values.push(o);
      continue;
    }
    const n = Number(part);
    if (setting === 'learningRate') {
      if (!Number.isFinite(n) || n <= 0 || n > 1e6)
        return err(`"${part}" is not a learning rate; use a number above 0, like 0.001.`);
    } else {
      const max = setting === 'units' ? LIMITS.units : TRAIN_FILE_IMAGES;
      if (!Number.isInteger(n) || n < 1 || n > max)
        return err(
          `"${part}" is not a ${setting === 'units' ? 'unit count' : 'batch size'}; use a whole number from 1 to ${max}.`,
        );
    }
    values.push(n);
  }
  return ok([...new Set(values)]);
}

/** The document with the setting at `value` (the caller applies it to the graph, or trains it). */
export function withValue(doc: GraphDocument, target: SweepTarget, value: SweepValue): GraphDocument {
  if (target.setting === 'units')
    return {
      ...doc,
      nodes: doc.nodes.map((n) =>
        n.id === target.nodeId ? { ...n, params: { ...n.params, units: value } } : n,
      ),
    };
  const field = target.setting === 'optimizer' ? 'optimizer' : target.setting;
  return { ...doc, training: withTrainingField(doc.training, field, value) };
}

/** `learning rate`, `hidden units`: the swept setting in a run's name or an undo label. */
export function settingLabel(target: SweepTarget): string {
  if (target.setting === 'units') return `${target.nodeId} units`;
  return SWEEP_SETTINGS.find((s) => s.value === target.setting)!.label.toLowerCase();
}

/** The graph of one sweep run: the value, the step budget, and a name that says both. */
export function sweepRunDocument(
  doc: GraphDocument,
  target: SweepTarget,
  value: SweepValue,
  steps: number,
): GraphDocument {
  const next = withValue(doc, target, value);
  return {
    ...next,
    name: `${doc.name} · ${settingLabel(target)} ${value}`,
    training: { ...next.training, duration: { unit: 'steps', steps } },
  };
}

/** What a finished try measured. */
export interface SweepOutcome {
  status: 'completed' | 'aborted' | 'failed';
  finalLoss: number;
  validationAccuracy: number;
  testAccuracy: number;
}

/**
 * The winner: the best validation accuracy (the split held out for choosing; the test split
 * stays for the final word), ties and runs without validation images decided by the lower
 * final loss. Failed runs and runs whose loss is not a number never win. -1 when none can.
 */
export function bestIndex(outcomes: readonly (SweepOutcome | undefined)[]): number {
  let best = -1;
  const score = (o: SweepOutcome) => (Number.isFinite(o.validationAccuracy) ? o.validationAccuracy : -1);
  outcomes.forEach((o, i) => {
    if (!o || o.status === 'failed' || !Number.isFinite(o.finalLoss)) return;
    const b = best >= 0 ? outcomes[best]! : undefined;
    if (!b || score(o) > score(b) || (score(o) === score(b) && o.finalLoss < b.finalLoss)) best = i;
  });
  return best;
}
