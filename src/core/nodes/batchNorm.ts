import { z } from 'zod';
import { defineNode, type PortShapes } from '../nodeSpec';
import { ok } from '../result';
import { shapeSize } from '../shape';
import { literalArg } from './keras';

/** Channels: the last axis, which batch normalisation keeps one mean and variance for. */
const channels = (inputs: PortShapes): number => {
  const x = inputs.in?.[0];
  return x && x.length ? x[x.length - 1]! : 0;
};

/**
 * Batch normalisation over the last axis. While training it normalises with the batch's own
 * statistics and moves the stored averages towards them (`compile.ts` does this step itself);
 * when testing it uses the stored averages.
 */
export const batchNormNode = defineNode({
  type: 'batchNorm',
  label: 'BatchNorm',
  category: 'layer',
  description:
    'Rescales every channel to mean 0 and variance 1 (the batch’s while training, running averages when testing), then applies a learned scale and shift.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({
    momentum: z
      .number({ error: 'momentum must be a number' })
      .min(0, 'momentum must be at least 0')
      .max(0.999, 'momentum must be at most 0.999')
      .default(0.99),
    epsilon: z
      .number({ error: 'epsilon must be a number' })
      .min(1e-6, 'epsilon must be at least 0.000001')
      .max(1, 'epsilon must be at most 1')
      .default(0.001),
    center: z.boolean().default(true),
    scale: z.boolean().default(true),
  }),
  fields: [
    {
      kind: 'number',
      name: 'momentum',
      label: 'Momentum',
      min: 0,
      max: 0.999,
      step: 0.01,
      help: 'How slowly the running averages used for testing follow the batches.',
    },
    { kind: 'number', name: 'epsilon', label: 'Epsilon', min: 1e-6, max: 1, step: 0.001 },
    { kind: 'boolean', name: 'center', label: 'Learn a shift (β)' },
    { kind: 'boolean', name: 'scale', label: 'Learn a scale (γ)' },
  ],
  formula: (p) =>
    `y = ${p.scale ? 'γ · ' : ''}(x − μ) / √(σ² + ${p.epsilon})${p.center ? ' + β' : ''}   μ, σ²: the batch's while training, running averages (momentum ${p.momentum}) when testing`,
  inferShape: (_p, inputs) => {
    const x = inputs.in?.[0];
    return x ? { ok: true, shape: x } : { ok: false, port: 'in', message: 'BatchNorm needs an input.' };
  },
  paramCount: (p, inputs) => channels(inputs) * (Number(p.center) + Number(p.scale)),
  // Subtract, divide, then scale and shift: 4 per value (the statistics are per channel).
  flops: (_p, _inputs, out) => 4 * shapeSize(out),
  build: (tf, p, ctx) =>
    tf.layers.batchNormalization({
      name: ctx.name,
      axis: -1,
      momentum: p.momentum,
      epsilon: p.epsilon,
      center: p.center,
      scale: p.scale,
    }),
  keras: {
    className: 'BatchNormalization',
    args: (p) => [
      literalArg('momentum', p.momentum),
      literalArg('epsilon', p.epsilon),
      literalArg('center', p.center),
      literalArg('scale', p.scale),
    ],
    fromConfig: (c, layerName) => {
      const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
      // −1, or the last axis written out: 3 for a picture (batch, h, w, c), 1 for a vector.
      const notes =
        axis.length === 1 && [-1, 1, 3].includes(Number(axis[0]))
          ? []
          : [
              `BatchNormalization "${layerName}" normalises axis ${JSON.stringify(c.axis)}; Tensorweave normalises the last axis (channels).`,
            ];
      return ok({
        params: {
          momentum: Number(c.momentum ?? 0.99),
          epsilon: Number(c.epsilon ?? 0.001),
          center: c.center !== false,
          scale: c.scale !== false,
        },
        notes,
      });
    },
    weights: (p, inputs) => {
      const shape = [channels(inputs)];
      return [
        ...(p.scale ? [{ name: 'gamma', shape }] : []),
        ...(p.center ? [{ name: 'beta', shape }] : []),
        { name: 'moving_mean', shape },
        { name: 'moving_variance', shape },
      ];
    },
  },
});

export type BatchNormParams = z.infer<typeof batchNormNode.params>;
