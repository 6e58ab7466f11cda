import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { formatShape, shapeSize } from '../shape';
import { noParams } from './keras';

/** Reshapes a picture into a vector. */
export const flattenNode = defineNode({
  type: 'flatten',
  label: 'Flatten',
  category: 'layer',
  description: 'Lays all values out in one row: 28×28×1 becomes 784.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  fields: [],
  formula: () => 'y = reshape(x, [−1])',
  inferShape: (_p, inputs) => {
    const x = inputs.in?.[0];
    if (!x) return { ok: false, port: 'in', message: 'Flatten needs an input.' };
    // tfjs's Flatten refuses a single axis, so it is caught here rather than when compiling.
    if (x.length < 2) {
      return {
        ok: false,
        port: 'in',
        message: `Flatten needs a picture (more than one axis); it gets ${formatShape(x)}, which is already flat. Delete the Flatten node.`,
      };
    }
    return { ok: true, shape: [shapeSize(x)] };
  },
  paramCount: () => 0,
  flops: () => 0,
  build: (tf, _p, ctx) => tf.layers.flatten({ name: ctx.name }),
  keras: { className: 'Flatten', args: () => [], fromConfig: noParams },
});
