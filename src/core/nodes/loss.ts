import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { NUM_CLASSES } from '../mnist';
import { formatShape } from '../shape';

/** What training minimises: predictions against the one-hot digit labels. */
export const lossNode = defineNode({
  type: 'loss',
  label: 'Loss',
  category: 'loss',
  description: 'Compares the predictions with the true digit labels; training makes this number smaller.',
  inputs: [{ id: 'in', label: 'predictions' }],
  outputs: [],
  params: z.object({
    loss: z.enum(['categoricalCrossentropy', 'meanSquaredError']).default('categoricalCrossentropy'),
    reduction: z.enum(['sum', 'mean']).default('mean'),
  }),
  fields: [
    {
      kind: 'enum',
      name: 'loss',
      label: 'Loss',
      options: [
        { value: 'categoricalCrossentropy', label: 'cross-entropy' },
        { value: 'meanSquaredError', label: 'mean squared error' },
      ],
    },
    {
      kind: 'enum',
      name: 'reduction',
      label: 'Over the batch',
      options: [
        { value: 'sum', label: 'sum' },
        { value: 'mean', label: 'mean' },
      ],
      help: 'Sum makes the step grow with the batch size: the tutorial sums, with learning rate 0.001; a mean needs about 100× larger.',
    },
  ],
  formula: (p) => {
    const agg = p.reduction === 'sum' ? 'Σ_batch' : 'mean_batch';
    return p.loss === 'categoricalCrossentropy'
      ? `L = −${agg} Σ_k y_k · log(ŷ_k)`
      : `L = ${agg} (1/${NUM_CLASSES}) Σ_k (y_k − ŷ_k)²`;
  },
  inferShape: (_p, inputs) => {
    const x = inputs.in?.[0];
    if (!x) return { ok: false, port: 'in', message: 'Loss needs the predictions as input.' };
    if (x.length > 1) {
      // A picture here usually means a Flatten is missing after the convolutions: a Dense on
      // a picture applies to each pixel's channels (as in Keras) and keeps the picture.
      return {
        ok: false,
        port: 'in',
        message: `Loss needs ${NUM_CLASSES} values per image (one per digit), shape ${formatShape([NUM_CLASSES])}; it gets the picture ${formatShape(x)}. Add a Flatten, then a Dense layer of ${NUM_CLASSES} units and a Softmax, before it.`,
      };
    }
    if (x[0] !== NUM_CLASSES) {
      return {
        ok: false,
        port: 'in',
        message: `Loss needs ${NUM_CLASSES} values per image (one per digit), shape ${formatShape([NUM_CLASSES])}; it gets ${formatShape(x)}. Add or resize a Dense layer to ${NUM_CLASSES} units before it.`,
      };
    }
    return { ok: true, shape: [] };
  },
  paramCount: () => 0,
  flops: () => 3 * NUM_CLASSES,
});
export type LossParams = z.infer<typeof lossNode.params>;
