import { describe, expect, it } from 'vitest';
import { defaultTraining } from '../../../src/core/document';
import {
  TRAINING_FIELDS,
  applyTrainingField,
  optimizerFields,
  trainingFieldValue,
  withTrainingField,
} from '../../../src/app/trainingFields';

describe('training form fields', () => {
  const t = defaultTraining(); // sgd, lr 0.001, batch 100, 30,000 steps, 5,000 held out, seed 1

  it('shows each setting under its field name', () => {
    expect(trainingFieldValue(t, 'optimizer')).toBe('sgd');
    expect(trainingFieldValue(t, 'learningRate')).toBe(0.1);
    expect(trainingFieldValue(t, 'length')).toBe(30000);
    expect(trainingFieldValue(t, 'unit')).toBe('steps');
    expect(trainingFieldValue(t, 'seed')).toBe(1);
    const adam = withTrainingField(t, 'optimizer', 'adam');
    expect(trainingFieldValue(adam, 'optimizer.beta2')).toBe(0.999);
  });

  it('a new optimizer starts from its defaults, and its numbers become fields', () => {
    const momentum = withTrainingField(t, 'optimizer', 'momentum');
    expect(momentum.optimizer).toEqual({ type: 'momentum', momentum: 0.9, nesterov: false });
    // nesterov is a boolean: not a number field
    expect(optimizerFields(momentum.optimizer).map((f) => [f.field.name, f.accessibleName])).toEqual([
      ['optimizer.momentum', 'Optimizer momentum'],
    ]);
    expect(optimizerFields(t.optimizer)).toEqual([]);
    const changed = withTrainingField(momentum, 'optimizer.momentum', 0.5);
    expect(changed.optimizer).toEqual({ type: 'momentum', momentum: 0.5, nesterov: false });
  });

  it('switching the unit keeps about the same amount of training', () => {
    // 55,000 training images in batches of 100: 550 steps per epoch
    const epochs = withTrainingField(t, 'unit', 'epochs');
    expect(epochs.duration).toEqual({ unit: 'epochs', epochs: 55 });
    expect(withTrainingField(epochs, 'unit', 'steps').duration).toEqual({ unit: 'steps', steps: 30250 });
    expect(withTrainingField(epochs, 'length', 3).duration).toEqual({ unit: 'epochs', epochs: 3 });
  });

  it('checks a value with the document schema and returns its message', () => {
    const ok = applyTrainingField(t, 'batchSize', 50);
    expect(ok).toEqual({ ok: true, training: { ...t, batchSize: 50 } });
    const bad = applyTrainingField(t, 'seed', -1);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toBe('Seed must be at least 0');
    expect(applyTrainingField(t, 'batchSize', 2.5).ok).toBe(false);
    expect(applyTrainingField(t, 'length', 0).ok).toBe(false);
  });

  it('says what is wrong in the words of the form', () => {
    const message = (name: string, value: unknown) => {
      const result = applyTrainingField(t, name, value);
      return result.ok ? 'accepted' : result.message;
    };
    expect(message('learningRate', 0)).toBe('Learning rate must be more than 0');
    expect(message('learningRate', Number.NaN)).toBe('Learning rate must be a number');
    expect(message('batchSize', 2.5)).toBe('Batch size must be a whole number');
    expect(message('length', 0)).toBe('Training length must be at least 1');
    expect(message('validationCount', 1e9)).toBe('Validation images must be at most 59,000');
    const momentum = withTrainingField(t, 'optimizer', 'momentum');
    const bad = applyTrainingField(momentum, 'optimizer.momentum', 2);
    expect(bad.ok ? 'accepted' : bad.message).toBe('Momentum must be at most 1');
  });

  it('each accessible name starts with the label on screen', () => {
    for (const { field, accessibleName } of Object.values(TRAINING_FIELDS))
      expect(accessibleName.startsWith(field.label)).toBe(true);
  });

  it('keeps the names the page and the tests know the fields by', () => {
    expect(Object.values(TRAINING_FIELDS).map((f) => f.testId)).toEqual([
      'hp-optimizer',
      'hp-learning-rate',
      'hp-batch-size',
      'hp-reduction',
      'hp-length',
      'hp-unit',
      'hp-validation',
      'hp-seed',
    ]);
    const reduction = TRAINING_FIELDS.reduction.field;
    expect(reduction.label).toBe('Loss over the batch');
    expect(reduction.kind === 'enum' && reduction.options.map((o) => o.value)).toEqual(['sum', 'mean']);
  });
});
