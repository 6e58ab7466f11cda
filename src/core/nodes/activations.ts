/** Element-wise activations and softmax: no parameters, shape unchanged. */
import { z } from 'zod';
import { defineNode, type NodeSpec } from '../nodeSpec';
import { shapeSize } from '../shape';
import { literalArg, noParams } from './keras';

type ActivationName = 'sigmoid' | 'softmax' | 'relu' | 'tanh';

function activationNode(
  type: ActivationName,
  label: string,
  description: string,
  formula: string,
  flopsPerValue: number,
): NodeSpec<Record<string, never>> {
  return defineNode({
    type,
    label,
    category: 'activation',
    description,
    inputs: [{ id: 'in', label: 'x' }],
    outputs: [{ id: 'out', label: 'y' }],
    params: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    fields: [],
    formula: () => formula,
    inferShape: (_p, inputs) => {
      const x = inputs.in?.[0];
      return x ? { ok: true, shape: x } : { ok: false, port: 'in', message: `${label} needs an input.` };
    },
    paramCount: () => 0,
    flops: (_p, _i, out) => flopsPerValue * shapeSize(out),
    build: (tf, _p, ctx) => tf.layers.activation({ name: ctx.name, activation: type }),
    keras: {
      className: 'Activation',
      args: () => [literalArg('activation', type, true)],
      fromConfig: (c) => (c.activation === type ? noParams() : undefined),
    },
  });
}

export const sigmoidNode = activationNode(
  'sigmoid',
  'Sigmoid',
  'Squashes every value into (0, 1).',
  'y = 1 / (1 + e^(−x))',
  4,
);
export const softmaxNode = activationNode(
  'softmax',
  'Softmax',
  'Turns scores into probabilities that sum to 1 (over the last axis).',
  'y_i = e^(x_i) / Σ_j e^(x_j)',
  5,
);
export const reluNode = activationNode(
  'relu',
  'ReLU',
  'Keeps positive values, sets negative ones to 0.',
  'y = max(0, x)',
  1,
);
export const tanhNode = activationNode(
  'tanh',
  'Tanh',
  'Squashes every value into (−1, 1).',
  'y = tanh(x)',
  4,
);
