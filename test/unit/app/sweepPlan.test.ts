import { describe, expect, it } from 'vitest';
import {
  bestIndex,
  defaultValues,
  doublings,
  logSpaced,
  parseValues,
  sweepRunDocument,
  withValue,
  type SweepOutcome,
} from '../../../src/app/components/sweep/sweepPlan';
import { PRESETS } from '../../../src/app/presets';

const preset = (id: string) => structuredClone(PRESETS.find((p) => p.id === id)!.doc);
const outcome = (
  validationAccuracy: number,
  finalLoss: number,
  status: SweepOutcome['status'] = 'completed',
) => ({
  status,
  finalLoss,
  validationAccuracy,
  testAccuracy: validationAccuracy - 0.01,
});

describe('sweep values', () => {
  it('spreads learning rates on a log scale around the current one', () => {
    expect(logSpaced(0.001, 3)).toEqual([0.0001, 0.001, 0.01]);
    expect(logSpaced(0.1, 5)).toEqual([0.01, 0.0316, 0.1, 0.316, 1]);
    expect(logSpaced(0.5, 1)).toEqual([0.5]);
    expect(defaultValues(preset('beginner'), { setting: 'learningRate' })).toEqual([0.0001, 0.001, 0.01]);
  });

  it('doubles batch sizes and units around the current one, within their limits', () => {
    expect(defaultValues(preset('beginner'), { setting: 'batchSize' })).toEqual([50, 100, 200]);
    expect(defaultValues(preset('hidden-layer'), { setting: 'units', nodeId: 'hidden' })).toEqual([
      313, 625, 1250,
    ]);
    expect(doublings(1, 3, 1, 100)).toEqual([1, 2]);
    expect(doublings(60000, 3, 1, 60000)).toEqual([30000, 60000]);
    expect(defaultValues(preset('beginner'), { setting: 'optimizer' })).toEqual([
      'sgd',
      'momentum',
      'adam',
      'rmsprop',
    ]);
  });

  it('reads typed values and says which one is wrong', () => {
    expect(parseValues('0.01, 0.1 1', 'learningRate')).toEqual({ ok: true, value: [0.01, 0.1, 1] });
    expect(parseValues('0.01, -1', 'learningRate')).toEqual({
      ok: false,
      error: '"-1" is not a learning rate; use a number above 0, like 0.001.',
    });
    expect(parseValues('32, 64.5', 'batchSize')).toEqual({
      ok: false,
      error: '"64.5" is not a batch size; use a whole number from 1 to 60000.',
    });
    expect(parseValues('Adam, sgd', 'optimizer')).toEqual({ ok: true, value: ['adam', 'sgd'] });
    expect(parseValues('nadam, sgd', 'optimizer').ok).toBe(false);
    expect(parseValues('0.1', 'learningRate')).toEqual({
      ok: false,
      error: 'Give at least two values, separated by commas.',
    });
  });
});

describe('sweep documents', () => {
  it('sets the value, the step budget and a name that says which try it is', () => {
    const doc = sweepRunDocument(preset('beginner'), { setting: 'learningRate' }, 0.01, 200);
    expect(doc.training.learningRate).toBe(0.01);
    expect(doc.training.duration).toEqual({ unit: 'steps', steps: 200 });
    expect(doc.name).toBe('beginner · learning rate 0.01');
    const units = sweepRunDocument(preset('hidden-layer'), { setting: 'units', nodeId: 'hidden' }, 100, 50);
    expect(units.nodes.find((n) => n.id === 'hidden')!.params).toMatchObject({ units: 100, useBias: true });
    expect(units.name).toBe('hidden-layer · hidden units 100');
  });

  it('changes the optimizer with its usual defaults, and nothing else', () => {
    const before = preset('beginner');
    const after = withValue(before, { setting: 'optimizer' }, 'adam');
    expect(after.training.optimizer).toEqual({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect({ ...after.training, optimizer: before.training.optimizer }).toEqual(before.training);
    expect(after.nodes).toBe(before.nodes);
  });
});

describe('the best try', () => {
  it('is the best validation accuracy, ties broken by the lower final loss', () => {
    expect(bestIndex([outcome(0.9, 0.3), outcome(0.92, 0.4), outcome(0.91, 0.2)])).toBe(1);
    expect(bestIndex([outcome(0.92, 0.5), outcome(0.92, 0.4)])).toBe(1);
  });

  it('never is a failed run, a NaN loss or a try that has not run; -1 when none can win', () => {
    expect(
      bestIndex([outcome(0.95, 0.1, 'failed'), outcome(0.9, Number.NaN), undefined, outcome(0.5, 2)]),
    ).toBe(3);
    expect(bestIndex([undefined, outcome(0.95, 0.1, 'failed')])).toBe(-1);
    // A stopped run measured what it reached, and may win.
    expect(bestIndex([outcome(0.8, 0.6), outcome(0.85, 0.5, 'aborted')])).toBe(1);
  });

  it('falls back to the final loss without validation images', () => {
    expect(bestIndex([outcome(Number.NaN, 0.6), outcome(Number.NaN, 0.5)])).toBe(1);
  });
});
