/**
 * The pooling node types share everything but their reduction: a square window slid over
 * each channel of a picture, keeping the largest value (max) or the mean (average).
 */
import { z } from 'zod';
import { defineNode, type NodeSpec } from '../nodeSpec';
import { LIMITS } from '../limits';
import { ok } from '../result';
import { literalArg } from './keras';
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

const POOL_FIELD = { name: 'poolSize', label: 'Pool size' };

const zPoolParams = z.object({
  poolSize: zBoundedInt('poolSize', LIMITS.kernelSize, 2),
  // Keras's default stride is the pool size; 2 matches the default pool of 2.
  strides: zBoundedInt('strides', LIMITS.stride, 2),
  padding: zPadding,
});
export type PoolParams = z.infer<typeof zPoolParams>;

export interface PoolKind {
  type: 'maxPool2d' | 'avgPool2d';
  label: string;
  description: string;
  /** The reduction in the formula: `max` or `mean`. */
  reduction: string;
  /** Keras class; tfjs's factory is its lowerCamelCase name. */
  className: 'MaxPooling2D' | 'AveragePooling2D';
}

/** A pooling node spec of one kind. */
export function poolNode(kind: PoolKind): NodeSpec<PoolParams> {
  return defineNode({
    type: kind.type,
    label: kind.label,
    category: 'layer',
    description: kind.description,
    inputs: [{ id: 'in', label: 'x' }],
    outputs: [{ id: 'out', label: 'y' }],
    params: zPoolParams,
    fields: [
      {
        kind: 'int',
        name: 'poolSize',
        label: POOL_FIELD.label,
        min: 1,
        max: LIMITS.kernelSize,
        help: 'Side of the square window, in pixels.',
      },
      strideField('Pixels the window moves per step; usually the pool size.'),
      paddingField,
    ],
    formula: (p) =>
      `y[i,j,c] = ${kind.reduction} of x over the ${p.poolSize}×${p.poolSize} window at (${p.strides}i, ${p.strides}j), ${p.padding} padding`,
    inferShape: (p, inputs) => {
      const x = pictureInput(kind.label, inputs);
      if (!x.ok) return x;
      const out = windowOutput(kind.label, POOL_FIELD, x.picture, p.poolSize, p.strides, p.padding);
      if (!out.ok) return out;
      return { ok: true, shape: [out.height, out.width, x.picture.channels] };
    },
    paramCount: () => 0,
    // One operation (compare or add) per value in each window.
    flops: (p, _inputs, out) => out.reduce((a, b) => a * b, 1) * p.poolSize * p.poolSize,
    build: (tf, p, ctx) => {
      const args = { name: ctx.name, poolSize: p.poolSize, strides: p.strides, padding: p.padding };
      return kind.type === 'maxPool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    },
    keras: {
      className: kind.className,
      args: (p) => [
        literalArg('poolSize', p.poolSize, true),
        literalArg('strides', p.strides),
        literalArg('padding', p.padding),
      ],
      fromConfig: (c, layerName) => {
        const layout = checkChannelsLast(c, layerName);
        if (!layout.ok) return layout;
        const poolSize = squareFromKeras(c.pool_size ?? 2, 'pool size', layerName);
        if (!poolSize.ok) return poolSize;
        const strides = squareFromKeras(c.strides, 'strides', layerName, poolSize.value);
        if (!strides.ok) return strides;
        const padding = paddingFromKeras(c.padding, layerName);
        if (!padding.ok) return padding;
        return ok({
          params: { poolSize: poolSize.value, strides: strides.value, padding: padding.value },
          notes: [],
        });
      },
    },
  });
}
