/**
 * Pieces of the Keras mapping that several node specs share: constructor arguments for the
 * generated scripts, and reading initialisers and shapes from a Keras layer config.
 */
import { safeText } from '../util/safeText';
import type { Initializer } from '../initializer';
import type { FromKerasResult, KerasLayerConfig, LayerArgument } from '../nodeSpec';
import { ok } from '../result';

/** A plain value argument: `units: 625` / `625` (positional) or `use_bias=True`. */
export function literalArg(
  name: string,
  value: number | boolean | string,
  positional = false,
): LayerArgument {
  return { name, value: { kind: 'literal', value }, ...(positional && { positional }) };
}

/** A seeded initialiser argument. */
export function initializerArg(name: string, value: Initializer, seedOffset: number): LayerArgument {
  return { name, value: { kind: 'initializer', value, seedOffset } };
}

/** Parameters that need no reading: the layer has nothing Tensorweave keeps. */
export const noParams = (): FromKerasResult => ok({ params: {}, notes: [] });

/** A JSON object (not an array, not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number from a Keras config, or Keras's default when it is absent or not a finite number. */
function kerasNumber(raw: unknown, fallback: number): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/**
 * The stored initialiser for a Keras one. tfjs saves He normal and Glorot uniform as the
 * `VarianceScaling` they are made of, so that is recognised by its settings; anything
 * unknown becomes Glorot uniform, Keras's default. Missing numbers take Keras's defaults.
 */
export function initializerFromKeras(raw: unknown): Initializer {
  const name = isRecord(raw) ? safeText(raw.class_name) : '';
  const config = isRecord(raw) && isRecord(raw.config) ? raw.config : {};
  switch (name) {
    case 'Zeros':
      return { name: 'zeros' };
    case 'Constant':
      return { name: 'constant', value: kerasNumber(config.value, 0) };
    case 'Ones':
      return { name: 'constant', value: 1 };
    case 'RandomNormal':
      return { name: 'normal', mean: kerasNumber(config.mean, 0), stddev: kerasNumber(config.stddev, 0.05) };
    case 'TruncatedNormal':
      return {
        name: 'truncatedNormal',
        mean: kerasNumber(config.mean, 0),
        stddev: kerasNumber(config.stddev, 0.05),
      };
    case 'HeNormal':
      return { name: 'heNormal' };
    case 'VarianceScaling':
      return Number(config.scale) === 2 &&
        config.mode === 'fan_in' &&
        /^(truncated_)?normal$/.test(safeText(config.distribution))
        ? { name: 'heNormal' }
        : { name: 'glorotUniform' };
    default:
      return { name: 'glorotUniform' };
  }
}

/** The per-example input shape an input layer declares (Keras 2 or Keras 3 key). */
export function declaredInputShape(config: KerasLayerConfig): number[] | undefined {
  const shape = config.batch_input_shape ?? config.batch_shape;
  return Array.isArray(shape) ? shape.slice(1).map(Number) : undefined;
}
