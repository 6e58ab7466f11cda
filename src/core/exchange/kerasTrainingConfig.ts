/**
 * What a Keras training config says about training: the loss (for the Loss node) and the
 * optimizer with its learning rate (for the graph's training settings). Keras 2 and the
 * converter write `{loss, metrics, optimizer_config}`; Keras 3 writes `compile_config`
 * `{loss, metrics, optimizer}`. Names come as strings (`"mse"`), as class configs
 * (`{class_name: "MeanSquaredError", config: {reduction}}`) or as Keras 3 function
 * references (`{class_name: "function", config: "categorical_crossentropy"}`). Anything
 * Tensorweave lacks falls back to its defaults, with a note saying so; metrics are ignored.
 */
import { safeText } from '../util/safeText';
import { zOptimizer, type OptimizerSettings } from '../document';
import { isRecord } from '../nodes/keras';
import type { LossParams } from '../nodes/loss';

/** The training settings read from a Keras training config. */
export interface KerasTrainingSettings {
  loss: LossParams;
  /** Absent when the config names no optimizer Tensorweave has. */
  optimizer?: { settings: OptimizerSettings; learningRate: number };
  /** What was assumed or left out. */
  notes: string[];
}

/** A loss or optimizer name as written, and its class config when it has one. */
interface Named {
  name: string;
  config: Record<string, unknown>;
}

/** The name of a Keras object given as a string, a class config or a function reference. */
function named(raw: unknown): Named | undefined {
  if (typeof raw === 'string') return { name: raw, config: {} };
  // One loss per output ({probs: "mse"} or ["mse"]): a one-output model has one.
  if (Array.isArray(raw)) return raw.length === 1 ? named(raw[0]) : undefined;
  if (!isRecord(raw)) return undefined;
  if (typeof raw.class_name !== 'string') {
    const values = Object.values(raw);
    return values.length === 1 ? named(values[0]) : undefined;
  }
  if (raw.class_name === 'function' && typeof raw.config === 'string')
    return { name: raw.config, config: {} };
  return { name: raw.class_name, config: isRecord(raw.config) ? raw.config : {} };
}

/** `categorical_crossentropy`, `CategoricalCrossentropy` and `categoricalCrossentropy` alike. */
const canonical = (name: string) => name.replace(/_/g, '').toLowerCase();

const CROSS_ENTROPY: LossParams = { loss: 'categoricalCrossentropy', reduction: 'mean' };

function readLoss(raw: unknown): { loss: LossParams; notes: string[] } {
  const loss = named(raw);
  if (!loss) {
    return {
      loss: CROSS_ENTROPY,
      notes: ['The file does not say which loss it was trained with; cross-entropy (batch mean) is assumed.'],
    };
  }
  // Keras reduces over the batch with a mean unless told to sum.
  const reduction = loss.config.reduction === 'sum' ? 'sum' : 'mean';
  const notes: string[] = [];
  if (loss.config.from_logits === true) {
    notes.push(
      `The loss "${loss.name}" was computed from logits; Tensorweave's Loss reads probabilities, so it needs a Softmax before it.`,
    );
  }
  switch (canonical(loss.name)) {
    case 'categoricalcrossentropy':
      return { loss: { loss: 'categoricalCrossentropy', reduction }, notes };
    case 'sparsecategoricalcrossentropy':
      notes.push(
        'The loss is sparse categorical cross-entropy; Tensorweave trains with one-hot labels, where categorical cross-entropy is the same loss.',
      );
      return { loss: { loss: 'categoricalCrossentropy', reduction }, notes };
    case 'mse':
    case 'meansquarederror':
      return { loss: { loss: 'meanSquaredError', reduction }, notes };
    default:
      notes.push(
        `The loss "${loss.name}" is not one Tensorweave has; cross-entropy (batch mean) is used instead.`,
      );
      return { loss: CROSS_ENTROPY, notes };
  }
}

/** Keras's default learning rates, for an optimizer named by a bare string. */
const DEFAULT_LEARNING_RATE: Record<string, number> = { sgd: 0.01, adam: 0.001, rmsprop: 0.001 };

/** The learning rate of an optimizer config: a number, or a schedule's starting value. */
function learningRateOf(
  config: Record<string, unknown>,
  fallback: number,
): { rate: number; notes: string[] } {
  const raw = config.learning_rate ?? config.lr;
  if (typeof raw === 'number') return { rate: raw, notes: [] };
  const schedule = named(raw);
  const start = schedule?.config.initial_learning_rate;
  if (schedule && typeof start === 'number') {
    return {
      rate: start,
      notes: [
        `The learning rate follows a ${schedule.name} schedule; Tensorweave keeps its initial value ${start}.`,
      ],
    };
  }
  return { rate: fallback, notes: [] };
}

/** Keras optimizer settings as Tensorweave's, or undefined for one it does not have. */
function optimizerSettings(kind: string, c: Record<string, unknown>): unknown {
  switch (kind) {
    case 'sgd':
      return Number(c.momentum ?? 0) > 0
        ? { type: 'momentum', momentum: c.momentum, nesterov: c.nesterov === true }
        : { type: 'sgd' };
    case 'adam':
      return { type: 'adam', beta1: c.beta_1, beta2: c.beta_2, epsilon: c.epsilon };
    case 'rmsprop':
      return { type: 'rmsprop', decay: c.rho, momentum: c.momentum, epsilon: c.epsilon };
    default:
      return undefined;
  }
}

function readOptimizer(raw: unknown): Pick<KerasTrainingSettings, 'optimizer' | 'notes'> {
  const optimizer = named(raw);
  if (!optimizer) return { notes: [] };
  const kind = canonical(optimizer.name);
  const wanted = optimizerSettings(kind, optimizer.config);
  // Absent keys take Tensorweave's defaults, which are Keras's.
  const settings = wanted === undefined ? undefined : zOptimizer.safeParse(stripUndefined(wanted));
  const { rate, notes } = learningRateOf(optimizer.config, DEFAULT_LEARNING_RATE[kind] ?? 0.01);
  if (!settings?.success || !(rate > 0 && rate <= 1e6)) {
    return {
      notes: [
        `The optimizer "${optimizer.name}" (learning rate ${safeText(rate)}) is not one Tensorweave can use; the training settings keep their defaults.`,
      ],
    };
  }
  return { optimizer: { settings: settings.data, learningRate: rate }, notes };
}

function stripUndefined(value: unknown): unknown {
  return isRecord(value)
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null))
    : value;
}

/**
 * The loss, optimizer and learning rate of a Keras training config (`training_config`,
 * tfjs's `trainingConfig` or Keras 3's `compile_config`), or cross-entropy and no optimizer
 * when there is none.
 */
export function readKerasTrainingConfig(config: Record<string, unknown> | undefined): KerasTrainingSettings {
  const loss = readLoss(config?.loss);
  const optimizer = readOptimizer(config?.optimizer_config ?? config?.optimizer);
  return {
    loss: loss.loss,
    ...(optimizer.optimizer && { optimizer: optimizer.optimizer }),
    notes: [...loss.notes, ...optimizer.notes],
  };
}
