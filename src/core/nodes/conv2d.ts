import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { formatInitializer, makeInitializer, zInitializer } from '../initializer';
import { LIMITS } from '../limits';
import { err, ok } from '../result';
import { initializerArg, initializerFromKeras, literalArg } from './keras';
import {
  checkChannelsLast,
  paddingField,
  paddingFromKeras,
  pictureInput,
  squareFromKeras,
  strideField,
  windowOutput,
  zBoundedInt,
  zPadding,
} from './spatial';

const KERNEL_FIELD = { name: 'kernelSize', label: 'Kernel size' };

/** Input channels of a conv2d whose input inferred (0 before that, like Dense's fan-in). */
const channelsIn = (inputs: Parameters<typeof pictureInput>[1]): number => {
  const x = inputs.in?.[0];
  return x?.length === 3 ? x[2]! : 0;
};

/** 2-D convolution over a picture: `filters` square kernels slid over height and width. */
export const conv2dNode = defineNode({
  type: 'conv2d',
  label: 'Conv2D',
  category: 'layer',
  description:
    'Slides small square filters over the picture; each filter makes one output channel that lights up where its pattern appears.',
  inputs: [{ id: 'in', label: 'x' }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({
    filters: zBoundedInt('filters', LIMITS.filters, 8),
    kernelSize: zBoundedInt('kernelSize', LIMITS.kernelSize, 3),
    strides: zBoundedInt('strides', LIMITS.stride, 1),
    padding: zPadding,
    useBias: z.boolean().default(true),
    kernelInitializer: zInitializer.default({ name: 'glorotUniform' }),
    biasInitializer: zInitializer.default({ name: 'zeros' }),
  }),
  fields: [
    { kind: 'int', name: 'filters', label: 'Filters', min: 1, max: LIMITS.filters, help: 'Output channels.' },
    {
      kind: 'int',
      name: 'kernelSize',
      label: KERNEL_FIELD.label,
      min: 1,
      max: LIMITS.kernelSize,
      help: 'Side of each square filter, in pixels.',
    },
    strideField('Pixels the filter moves per step; 2 halves the map.'),
    paddingField,
    { kind: 'boolean', name: 'useBias', label: 'Use bias' },
    { kind: 'initializer', name: 'kernelInitializer', label: 'Weights init' },
    { kind: 'initializer', name: 'biasInitializer', label: 'Bias init' },
  ],
  formula: (p) =>
    `y = conv(x, W, ${p.kernelSize}×${p.kernelSize}, stride ${p.strides}, ${p.padding})${p.useBias ? ' + b' : ''}   W: ${p.kernelSize}×${p.kernelSize}×c×${p.filters} ~ ${formatInitializer(p.kernelInitializer)}${p.useBias ? `, b ~ ${formatInitializer(p.biasInitializer)}` : ''}`,
  inferShape: (p, inputs) => {
    const x = pictureInput('Conv2D', inputs);
    if (!x.ok) return x;
    const out = windowOutput('Conv2D', KERNEL_FIELD, x.picture, p.kernelSize, p.strides, p.padding);
    if (!out.ok) return out;
    return { ok: true, shape: [out.height, out.width, p.filters] };
  },
  paramCount: (p, inputs) =>
    p.kernelSize * p.kernelSize * channelsIn(inputs) * p.filters + (p.useBias ? p.filters : 0),
  flops: (p, inputs, out) => {
    const positions = (out[0] ?? 0) * (out[1] ?? 0);
    const perFilter = 2 * p.kernelSize * p.kernelSize * channelsIn(inputs) + (p.useBias ? 1 : 0);
    return positions * p.filters * perFilter;
  },
  build: (tf, p, ctx) =>
    tf.layers.conv2d({
      name: ctx.name,
      filters: p.filters,
      kernelSize: p.kernelSize,
      strides: p.strides,
      padding: p.padding,
      useBias: p.useBias,
      kernelInitializer: makeInitializer(tf, p.kernelInitializer, ctx.seed),
      biasInitializer: makeInitializer(tf, p.biasInitializer, ctx.seed + 1),
    }),
  keras: {
    className: 'Conv2D',
    args: (p) => [
      literalArg('filters', p.filters, true),
      literalArg('kernelSize', p.kernelSize),
      literalArg('strides', p.strides),
      literalArg('padding', p.padding),
      literalArg('useBias', p.useBias),
      initializerArg('kernelInitializer', p.kernelInitializer, 0),
      initializerArg('biasInitializer', p.biasInitializer, 500),
    ],
    fromConfig: (c, layerName) => {
      const layout = checkChannelsLast(c, layerName);
      if (!layout.ok) return layout;
      const kernelSize = squareFromKeras(c.kernel_size, 'kernel size', layerName);
      if (!kernelSize.ok) return kernelSize;
      const strides = squareFromKeras(c.strides, 'strides', layerName, 1);
      if (!strides.ok) return strides;
      const padding = paddingFromKeras(c.padding, layerName);
      if (!padding.ok) return padding;
      if (c.filters === undefined)
        return err(`Conv2D layer "${layerName}" does not say its number of filters.`);
      return ok({
        params: {
          filters: Number(c.filters),
          kernelSize: kernelSize.value,
          strides: strides.value,
          padding: padding.value,
          useBias: c.use_bias !== false,
          kernelInitializer: initializerFromKeras(c.kernel_initializer),
          biasInitializer: initializerFromKeras(c.bias_initializer),
        },
        notes: [],
      });
    },
    weights: (p, inputs) => [
      { name: 'kernel', shape: [p.kernelSize, p.kernelSize, channelsIn(inputs), p.filters] },
      ...(p.useBias ? [{ name: 'bias', shape: [p.filters] }] : []),
    ],
  },
});
