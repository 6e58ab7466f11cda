/**
 * Weight initialisers a dense or convolution layer can use, as stored in documents: their
 * schema, how formulas show them, the numbers the inspector edits, and the tfjs initialiser
 * each one becomes.
 */
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { LIMITS } from './limits';

const BOUND = LIMITS.initializerValue;

/** A mean or constant: any number within the bound, named in its messages. */
const zValue = (name: string, fallback: number) =>
  z
    .number({ error: `${name} must be a number` })
    .min(-BOUND, `${name} must be at least ${-BOUND}`)
    .max(BOUND, `${name} must be at most ${BOUND}`)
    .default(fallback);

/** A standard deviation: positive, within the bound. */
const zStddev = z
  .number({ error: 'stddev must be a number' })
  .positive('stddev must be more than 0')
  .max(BOUND, `stddev must be at most ${BOUND}`)
  .default(0.05);

export const zInitializer = z.discriminatedUnion('name', [
  z.object({ name: z.literal('zeros') }),
  z.object({ name: z.literal('normal'), mean: zValue('mean', 0), stddev: zStddev }),
  // Keras's TruncatedNormal and tf.truncated_normal: values beyond 2 stddev are drawn again.
  z.object({ name: z.literal('truncatedNormal'), mean: zValue('mean', 0), stddev: zStddev }),
  // 0.1 rather than Keras's 0 (which `zeros` already is): the bias start of "Deep MNIST for experts".
  z.object({ name: z.literal('constant'), value: zValue('value', 0.1) }),
  z.object({ name: z.literal('glorotUniform') }),
  z.object({ name: z.literal('heNormal') }),
]);
export type Initializer = z.infer<typeof zInitializer>;
export type InitializerName = Initializer['name'];

// Defined here rather than imported from nodeSpec.ts, which imports this module's types.
type Tf = typeof tfjs;

export const INITIALIZER_OPTIONS: readonly { value: InitializerName; label: string }[] = [
  { value: 'zeros', label: 'zeros' },
  { value: 'constant', label: 'constant(value)' },
  { value: 'normal', label: 'normal(mean, stddev)' },
  { value: 'truncatedNormal', label: 'truncated normal(mean, stddev)' },
  { value: 'glorotUniform', label: 'Glorot uniform' },
  { value: 'heNormal', label: 'He normal' },
];

/** One number an initialiser takes, as the inspector shows it. */
export interface InitializerNumber {
  key: 'mean' | 'stddev' | 'value';
  /** The short label beside the box. */
  label: string;
  /** What a screen reader says after the field's own label. */
  spoken: string;
  /** Smallest value the box offers (the schema has the last word). */
  min: number;
}

const MEAN: InitializerNumber = { key: 'mean', label: 'mean', spoken: 'mean', min: -BOUND };
const STDDEV: InitializerNumber = { key: 'stddev', label: 'stddev', spoken: 'standard deviation', min: 0 };

/** The numbers each initialiser takes, in the order the inspector shows them. */
export const INITIALIZER_NUMBERS: Readonly<Record<InitializerName, readonly InitializerNumber[]>> = {
  zeros: [],
  constant: [{ key: 'value', label: 'value', spoken: 'value', min: -BOUND }],
  normal: [MEAN, STDDEV],
  truncatedNormal: [MEAN, STDDEV],
  glorotUniform: [],
  heNormal: [],
};

/** `normal(0, 0.05)`, `truncatedNormal(0, 0.1)`, `constant(0.1)`, `zeros`: as formulas show it. */
export function formatInitializer(init: Initializer): string {
  switch (init.name) {
    case 'normal':
    case 'truncatedNormal':
      return `${init.name}(${init.mean}, ${init.stddev})`;
    case 'constant':
      return `constant(${init.value})`;
    default:
      return init.name;
  }
}

/** The tfjs initialiser for a stored one, seeded so runs are reproducible. */
export function makeInitializer(
  tf: Tf,
  init: Initializer,
  seed: number,
): ReturnType<typeof tfjs.initializers.zeros> {
  switch (init.name) {
    case 'zeros':
      return tf.initializers.zeros();
    case 'constant':
      return tf.initializers.constant({ value: init.value });
    case 'normal':
      return tf.initializers.randomNormal({ mean: init.mean, stddev: init.stddev, seed });
    case 'truncatedNormal':
      return tf.initializers.truncatedNormal({ mean: init.mean, stddev: init.stddev, seed });
    case 'glorotUniform':
      return tf.initializers.glorotUniform({ seed });
    case 'heNormal':
      return tf.initializers.heNormal({ seed });
  }
}
