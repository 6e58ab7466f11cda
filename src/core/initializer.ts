/** Weight initialisers a dense layer can use, as stored in documents. */
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';

export const zInitializer = z.discriminatedUnion('name', [
  z.object({ name: z.literal('zeros') }),
  z.object({
    name: z.literal('normal'),
    mean: z.number().min(-1e3).max(1e3).default(0),
    stddev: z.number().positive().max(1e3).default(0.05),
  }),
  z.object({ name: z.literal('glorotUniform') }),
  z.object({ name: z.literal('heNormal') }),
]);
export type Initializer = z.infer<typeof zInitializer>;
export type InitializerName = Initializer['name'];

// Defined here rather than imported from nodeSpec.ts, which imports this module's types.
type Tf = typeof tfjs;

export const INITIALIZER_OPTIONS: readonly { value: InitializerName; label: string }[] = [
  { value: 'zeros', label: 'zeros' },
  { value: 'normal', label: 'normal(mean, stddev)' },
  { value: 'glorotUniform', label: 'Glorot uniform' },
  { value: 'heNormal', label: 'He normal' },
];

/** `normal(0, 0.05)`, `zeros`: as formulas and summaries show it. */
export function formatInitializer(init: Initializer): string {
  return init.name === 'normal' ? `normal(${init.mean}, ${init.stddev})` : init.name;
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
    case 'normal':
      return tf.initializers.randomNormal({ mean: init.mean, stddev: init.stddev, seed });
    case 'glorotUniform':
      return tf.initializers.glorotUniform({ seed });
    case 'heNormal':
      return tf.initializers.heNormal({ seed });
  }
}
