/**
 * The Train tab's settings as field descriptors, the same kind the node specs give for their
 * parameters (`ParamField` in src/core/nodeSpec.ts), so one component (ParamField.vue) renders
 * both the inspector and the training form. What each field changes in the document's
 * `training`, and how a value is checked, is here too; the form only lays the fields out.
 */
import { zTraining, type OptimizerSettings, type TrainingSettings } from '../core/document';
import { TRAIN_FILE_IMAGES, trainImagesFor } from '../core/mnist';
import type { ParamField } from '../core/nodeSpec';
import { lossNode } from '../core/nodes/loss';
import { stepsPerEpoch } from '../core/steps';

/** A form field: the descriptor plus the names tests and screen readers know it by. */
export interface FormField {
  field: ParamField;
  /** Accessible name, when it says more than the visible label. */
  accessibleName: string;
  testId?: string;
}

/** The optimizer's own numbers are named `optimizer.<key>` (e.g. `optimizer.beta1`). */
const OPTIMIZER_PREFIX = 'optimizer.';

function lossNodeField(name: string): ParamField {
  const field = lossNode.fields.find((f) => f.name === name);
  if (!field) throw new Error(`The loss node has no field "${name}"`);
  return field;
}

/** The fixed fields of the training form, by name. */
export const TRAINING_FIELDS = {
  optimizer: {
    field: {
      kind: 'enum',
      name: 'optimizer',
      label: 'Optimizer',
      options: [
        { value: 'sgd', label: 'SGD' },
        { value: 'momentum', label: 'SGD + momentum' },
        { value: 'adam', label: 'Adam' },
        { value: 'rmsprop', label: 'RMSprop' },
      ],
    },
    accessibleName: 'Optimizer',
    testId: 'hp-optimizer',
  },
  learningRate: {
    field: { kind: 'number', name: 'learningRate', label: 'Learning rate', min: 0, max: 1e6 },
    accessibleName: 'Learning rate',
    testId: 'hp-learning-rate',
  },
  batchSize: {
    field: { kind: 'int', name: 'batchSize', label: 'Batch size', min: 1, max: TRAIN_FILE_IMAGES },
    accessibleName: 'Batch size',
    testId: 'hp-batch-size',
  },
  // The loss node's own `reduction` field, shown here because with the learning rate it sets
  // the step size.
  reduction: {
    field: { ...lossNodeField('reduction'), label: 'Loss over the batch', help: undefined },
    accessibleName: 'Loss over the batch',
    testId: 'hp-reduction',
  },
  length: {
    field: { kind: 'int', name: 'length', label: 'Train for', min: 1, max: 10_000_000 },
    accessibleName: 'Train for',
    testId: 'hp-length',
  },
  unit: {
    field: {
      kind: 'enum',
      name: 'unit',
      label: 'Unit',
      options: [
        { value: 'steps', label: 'steps' },
        { value: 'epochs', label: 'epochs' },
      ],
    },
    accessibleName: 'Unit (steps or epochs)',
    testId: 'hp-unit',
  },
  validationCount: {
    field: {
      kind: 'int',
      name: 'validationCount',
      label: 'Validation images',
      min: 0,
      max: TRAIN_FILE_IMAGES - 1000,
    },
    accessibleName: 'Validation images',
    testId: 'hp-validation',
  },
  seed: {
    field: { kind: 'int', name: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1 },
    accessibleName: 'Seed',
    testId: 'hp-seed',
  },
} as const satisfies Record<string, FormField>;

/** An optimizer's name as the form shows it: `adam` → `Adam`. */
export function optimizerLabel(type: OptimizerSettings['type']): string {
  return TRAINING_FIELDS.optimizer.field.options.find((o) => o.value === type)?.label ?? type;
}

/** The chosen optimizer's numeric settings (momentum, beta1, …) as fields. */
export function optimizerFields(optimizer: OptimizerSettings): FormField[] {
  return Object.entries(optimizer)
    .filter(([key, value]) => key !== 'type' && typeof value === 'number')
    .map(([key]) => ({
      field: { kind: 'number', name: `${OPTIMIZER_PREFIX}${key}`, label: key, min: 0, max: 1 },
      accessibleName: `Optimizer ${key}`,
    }));
}

/** A new optimizer starts from its usual defaults. */
const OPTIMIZER_DEFAULTS: Record<OptimizerSettings['type'], OptimizerSettings> = {
  sgd: { type: 'sgd' },
  momentum: { type: 'momentum', momentum: 0.9, nesterov: false },
  adam: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  rmsprop: { type: 'rmsprop', decay: 0.9, momentum: 0, epsilon: 1e-7 },
};

/** The value a training field shows (all but `reduction`, which lives on the loss node). */
export function trainingFieldValue(t: TrainingSettings, name: string): unknown {
  const d = t.duration;
  if (name === 'optimizer') return t.optimizer.type;
  if (name === 'length') return d.unit === 'steps' ? d.steps : d.epochs;
  if (name === 'unit') return d.unit;
  if (name.startsWith(OPTIMIZER_PREFIX))
    return (t.optimizer as Record<string, unknown>)[name.slice(OPTIMIZER_PREFIX.length)];
  return (t as unknown as Record<string, unknown>)[name];
}

/**
 * The settings with one field set, unchecked. A new unit keeps about the same amount of
 * training: epochs become steps over the current split and batch size, and back (rounded, at
 * least one epoch).
 */
export function withTrainingField(t: TrainingSettings, name: string, value: unknown): TrainingSettings {
  const d = t.duration;
  if (name === 'optimizer')
    return { ...t, optimizer: OPTIMIZER_DEFAULTS[value as OptimizerSettings['type']] ?? t.optimizer };
  if (name === 'length')
    return {
      ...t,
      duration:
        d.unit === 'steps'
          ? { unit: 'steps', steps: value as number }
          : { unit: 'epochs', epochs: value as number },
    };
  if (name === 'unit') {
    const perEpoch = stepsPerEpoch(trainImagesFor(t.validationCount), t.batchSize);
    const duration: TrainingSettings['duration'] =
      value === 'epochs'
        ? {
            unit: 'epochs',
            epochs: Math.max(1, Math.round((d.unit === 'steps' ? d.steps : d.epochs) / perEpoch)),
          }
        : { unit: 'steps', steps: d.unit === 'epochs' ? d.epochs * perEpoch : d.steps };
    return { ...t, duration };
  }
  if (name.startsWith(OPTIMIZER_PREFIX)) {
    const key = name.slice(OPTIMIZER_PREFIX.length);
    return { ...t, optimizer: { ...t.optimizer, [key]: value } as OptimizerSettings };
  }
  return { ...t, [name]: value };
}

/** What a field's messages call it: its label, as a subject ("Train for" reads as a verb). */
function fieldLabel(name: string): string {
  if (name === 'length') return 'Training length';
  const fixed = Object.values(TRAINING_FIELDS).find((f) => f.field.name === name);
  const label = fixed?.field.label ?? name.replace(OPTIMIZER_PREFIX, '');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The parts of a zod issue that say what was expected. */
interface SchemaIssue {
  code: string;
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  expected?: unknown;
}

/** A schema issue in the user's words: "Learning rate must be more than 0". */
export function fieldMessage(label: string, issue: SchemaIssue): string {
  const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  switch (issue.code) {
    case 'too_small':
      return `${label} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${n(issue.minimum)}`;
    case 'too_big':
      return `${label} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${n(issue.maximum)}`;
    case 'invalid_type':
      return `${label} must be ${issue.expected === 'int' ? 'a whole number' : 'a number'}`;
    default:
      return `${label}: ${issue.message}`;
  }
}

/** The settings with one field set and checked by the document schema, or why not in words. */
export function applyTrainingField(
  t: TrainingSettings,
  name: string,
  value: unknown,
): { ok: true; training: TrainingSettings } | { ok: false; message: string } {
  const parsed = zTraining.safeParse(withTrainingField(t, name, value));
  if (parsed.success) return { ok: true, training: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: issue ? fieldMessage(fieldLabel(name), issue) : `${fieldLabel(name)} is not valid`,
  };
}
