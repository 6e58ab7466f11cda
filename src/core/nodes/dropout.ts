import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { ok } from '../result';
import { shapeSize } from '../shape';
import { literalArg } from './keras';

/** Randomly zeroes a fraction of values while training; identity at evaluation. */
export const dropoutNode = defineNode({
  type: 'dropout',
  label: 'Dropout',
  category: 'layer',
  description:
    'While training, sets a random fraction of values to 0 and scales the rest up; does nothing when testing.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({
    rate: z.number().min(0, 'rate must be at least 0').max(0.95, 'rate must be at most 0.95').default(0.5),
  }),
  fields: [{ kind: 'number', name: 'rate', label: 'Drop rate', min: 0, max: 0.95, step: 0.05 }],
  formula: (p) => `y = x · mask / (1 − ${p.rate}),  mask ~ Bernoulli(${1 - p.rate})`,
  inferShape: (_p, inputs) => {
    const x = inputs.in?.[0];
    return x ? { ok: true, shape: x } : { ok: false, port: 'in', message: 'Dropout needs an input.' };
  },
  paramCount: () => 0,
  flops: (_p, _i, out) => 2 * shapeSize(out),
  build: (tf, p, ctx) => tf.layers.dropout({ name: ctx.name, rate: p.rate, seed: ctx.seed }),
  keras: {
    className: 'Dropout',
    args: (p) => [literalArg('rate', p.rate, true), { name: 'seed', value: { kind: 'seed' } }],
    fromConfig: (c) => ok({ params: { rate: Number(c.rate ?? 0.5) }, notes: [] }),
  },
});
