import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { err, ok } from '../result';
import { safeText } from '../util/safeText';
import { checkChannelsLast, pictureInput } from './spatial';

const LABEL = 'GlobalAvgPool2D';

/**
 * Global average pooling: the mean of each channel over the whole picture, so h×w×c becomes
 * c. It replaces Flatten → Dense at the end of a convolutional network without weights.
 */
export const globalAvgPool2dNode = defineNode({
  type: 'globalAvgPool2d',
  label: LABEL,
  category: 'layer',
  description: 'Averages each channel over the whole picture: h×w×c becomes c values, one per channel.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  fields: [],
  formula: () => 'y[c] = mean of x[i, j, c] over every row i and column j',
  inferShape: (_p, inputs) => {
    const x = pictureInput(LABEL, inputs);
    if (!x.ok) return x;
    return { ok: true, shape: [x.picture.channels] };
  },
  paramCount: () => 0,
  // One add per input value, one division per channel.
  flops: (_p, inputs, out) => {
    const x = inputs.in?.[0] ?? [];
    return x.reduce((a, b) => a * b, 1) + (out[0] ?? 0);
  },
  build: (tf, _p, ctx) => tf.layers.globalAveragePooling2d({ name: ctx.name, dataFormat: 'channelsLast' }),
  keras: {
    className: 'GlobalAveragePooling2D',
    args: () => [],
    fromConfig: (c, layerName) => {
      const layout = checkChannelsLast(c, layerName);
      if (!layout.ok) return layout;
      if (c.keepdims !== undefined && c.keepdims !== null && c.keepdims !== false) {
        return err(
          `Layer "${layerName}" (GlobalAveragePooling2D) sets keepdims to ${safeText(c.keepdims)}, which keeps a 1×1 picture; Tensorweave's ${LABEL} gives one value per channel. Save the model with keepdims=False (a Reshape after it can restore 1×1×channels).`,
        );
      }
      return ok({ params: {}, notes: [] });
    },
  },
});
