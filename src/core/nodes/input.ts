import { IMAGE_SIDE, IMAGE_SIZE } from '../mnist';
import { z } from 'zod';
import { defineNode } from '../nodeSpec';

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
  inferShape: (p) => ({ ok: true, shape: p.layout === 'flat' ? [IMAGE_SIZE] : [IMAGE_SIDE, IMAGE_SIDE, 1] }),
  paramCount: () => 0,
  flops: () => 0,
});
