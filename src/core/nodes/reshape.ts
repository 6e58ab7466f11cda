import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { LIMITS } from '../limits';
import { err, ok } from '../result';
import { formatShape, shapeSize } from '../shape';
import { safeText } from '../util/safeText';
import { zBoundedInt } from './spatial';

/**
 * Lays values out as a picture of `height × width × channels` (784 → 28×28×1 for the
 * convolutions); the value count must stay the same. Flattening back is Flatten's job.
 */
export const reshapeNode = defineNode({
  type: 'reshape',
  label: 'Reshape',
  category: 'layer',
  description: 'Lays the values out as a picture (784 → 28×28×1), so that convolutions can read them.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({
    height: zBoundedInt('height', LIMITS.reshapeSide, 28),
    width: zBoundedInt('width', LIMITS.reshapeSide, 28),
    channels: zBoundedInt('channels', LIMITS.reshapeSide, 1),
  }),
  fields: [
    { kind: 'int', name: 'height', label: 'Height', min: 1, max: LIMITS.reshapeSide },
    { kind: 'int', name: 'width', label: 'Width', min: 1, max: LIMITS.reshapeSide },
    {
      kind: 'int',
      name: 'channels',
      label: 'Channels',
      min: 1,
      max: LIMITS.reshapeSide,
      help: 'Height × width × channels must equal the number of values coming in (784 for an image).',
    },
  ],
  formula: (p) => `y = reshape(x, [${p.height}, ${p.width}, ${p.channels}])`,
  inferShape: (p, inputs) => {
    const x = inputs.in?.[0];
    if (!x) return { ok: false, port: 'in', message: 'Reshape needs an input.' };
    const values = shapeSize(x);
    const target = [p.height, p.width, p.channels];
    if (shapeSize(target) !== values) {
      return {
        ok: false,
        field: 'height',
        message: `Reshape cannot lay out the ${values.toLocaleString('en-US')} values of ${formatShape(x)} as ${target.join('×')} = ${shapeSize(target).toLocaleString('en-US')} values. Choose a height, width and channels whose product is ${values.toLocaleString('en-US')}${values === 784 ? ' (28×28×1 for an MNIST image)' : ''}.`,
      };
    }
    return { ok: true, shape: target };
  },
  paramCount: () => 0,
  flops: () => 0,
  build: (tf, p, ctx) => tf.layers.reshape({ name: ctx.name, targetShape: [p.height, p.width, p.channels] }),
  keras: {
    className: 'Reshape',
    args: (p) => [
      {
        name: 'targetShape',
        value: { kind: 'shape', value: [p.height, p.width, p.channels] },
        positional: true,
      },
    ],
    fromConfig: (c, layerName) => {
      const target = Array.isArray(c.target_shape) ? c.target_shape.map(Number) : [];
      if (target.length !== 3 || !target.every((d) => Number.isInteger(d) && d > 0)) {
        return err(
          `Reshape layer "${layerName}" makes the shape ${safeText(c.target_shape)}; Tensorweave's Reshape makes a picture with every side given (height × width × channels). To flatten, use a Flatten layer.`,
        );
      }
      const [height, width, channels] = target;
      return ok({ params: { height, width, channels }, notes: [] });
    },
  },
});
