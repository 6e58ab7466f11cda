import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { formatInitializer, makeInitializer, zInitializer } from '../initializer';
import { LIMITS } from '../limits';
import { ok } from '../result';
import { initializerArg, initializerFromKeras, literalArg } from './keras';

/** Fully connected layer on the last axis: y = x·W + b. */
export const denseNode = defineNode({
  type: 'dense',
  label: 'Dense',
  category: 'layer',
  description:
    'Fully connected layer: every output unit is a weighted sum of every input value, plus a bias.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({
    units: z
      .number({ error: 'units must be a number' })
      .int('units must be a whole number')
      .min(1, 'units must be at least 1')
      .max(LIMITS.units, `units must be at most ${LIMITS.units}`)
      .default(10),
    useBias: z.boolean().default(true),
    kernelInitializer: zInitializer.default({ name: 'glorotUniform' }),
    biasInitializer: zInitializer.default({ name: 'zeros' }),
  }),
  fields: [
    {
      kind: 'int',
      name: 'units',
      label: 'Units',
      min: 1,
      max: LIMITS.units,
      help: 'Number of output values.',
    },
    { kind: 'boolean', name: 'useBias', label: 'Use bias' },
    { kind: 'initializer', name: 'kernelInitializer', label: 'Weights init' },
    { kind: 'initializer', name: 'biasInitializer', label: 'Bias init' },
  ],
  formula: (p) =>
    `y = x·W${p.useBias ? ' + b' : ''}   W ~ ${formatInitializer(p.kernelInitializer)}${p.useBias ? `, b ~ ${formatInitializer(p.biasInitializer)}` : ''}`,
  inferShape: (p, inputs) => {
    const x = inputs.in?.[0];
    if (!x) return { ok: false, port: 'in', message: 'Dense needs an input.' };
    return { ok: true, shape: [...x.slice(0, -1), p.units] };
  },
  paramCount: (p, inputs) => {
    const x = inputs.in?.[0];
    const fanIn = x ? x[x.length - 1]! : 0;
    return fanIn * p.units + (p.useBias ? p.units : 0);
  },
  flops: (p, inputs, out) => {
    const x = inputs.in?.[0];
    const fanIn = x ? x[x.length - 1]! : 0;
    const rows = out.slice(0, -1).reduce((a, b) => a * b, 1);
    return rows * (2 * fanIn * p.units + (p.useBias ? p.units : 0));
  },
  build: (tf, p, ctx) =>
    tf.layers.dense({
      name: ctx.name,
      units: p.units,
      useBias: p.useBias,
      kernelInitializer: makeInitializer(tf, p.kernelInitializer, ctx.seed),
      biasInitializer: makeInitializer(tf, p.biasInitializer, ctx.seed + 1),
    }),
  keras: {
    className: 'Dense',
    args: (p) => [
      literalArg('units', p.units, true),
      literalArg('useBias', p.useBias),
      initializerArg('kernelInitializer', p.kernelInitializer, 0),
      initializerArg('biasInitializer', p.biasInitializer, 500),
    ],
    fromConfig: (c) =>
      ok({
        params: {
          units: Number(c.units),
          useBias: c.use_bias !== false,
          kernelInitializer: initializerFromKeras(c.kernel_initializer),
          biasInitializer: initializerFromKeras(c.bias_initializer),
        },
        notes: [],
      }),
    weights: (p, inputs) => {
      const x = inputs.in?.[0];
      const fanIn = x ? x[x.length - 1]! : 0;
      return [
        { name: 'kernel', shape: [fanIn, p.units] },
        ...(p.useBias ? [{ name: 'bias', shape: [p.units] }] : []),
      ];
    },
  },
});
