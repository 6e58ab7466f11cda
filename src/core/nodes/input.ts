import { IMAGE_SIDE, IMAGE_SIZE } from '../mnist';
import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { err, ok } from '../result';
import { declaredInputShape } from './keras';

const IMAGE_DIMS = [IMAGE_SIDE, IMAGE_SIDE, 1];

/** MNIST images: 784 values in [0, 1], flat or as a 28×28×1 picture. */
export const inputNode = defineNode({
  type: 'input',
  label: 'Input',
  category: 'input',
  description: 'MNIST images, pixels scaled to [0, 1]: a flat vector of 784 or a 28×28×1 picture.',
  inputs: [],
  outputs: [{ id: 'out', label: 'images' }],
  params: z.object({ layout: z.enum(['flat', 'image']).default('flat') }),
  fields: [
    {
      kind: 'enum',
      name: 'layout',
      label: 'Layout',
      options: [
        { value: 'flat', label: 'flat (784)' },
        { value: 'image', label: 'image (28×28×1)' },
      ],
    },
  ],
  formula: (p) => (p.layout === 'flat' ? 'x ∈ [0,1]^784' : 'x ∈ [0,1]^(28×28×1)'),
  inferShape: (p) => ({ ok: true, shape: p.layout === 'flat' ? [IMAGE_SIZE] : [...IMAGE_DIMS] }),
  paramCount: () => 0,
  flops: () => 0,
  keras: {
    className: 'InputLayer',
    fromConfig: (config, layerName) => {
      const dims = declaredInputShape(config) ?? [];
      const layout =
        dims.join() === String(IMAGE_SIZE) ? 'flat' : dims.join() === IMAGE_DIMS.join() ? 'image' : undefined;
      if (!layout) {
        return err(
          `Input "${layerName}" has shape [${dims.join(', ')}]; Tensorweave trains on MNIST: ${IMAGE_SIZE} or ${IMAGE_DIMS.join('×')}.`,
        );
      }
      return ok({ params: { layout }, notes: [] });
    },
  },
});
