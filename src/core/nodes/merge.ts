/** Nodes that join branches: element-wise sum and concatenation on the last axis. */
import { z } from 'zod';
import { defineNode } from '../nodeSpec';
import { ok } from '../result';
import { formatShape, sameShape, shapeSize } from '../shape';
import { literalArg, noParams } from './keras';

export const addNode = defineNode({
  type: 'add',
  label: 'Add',
  category: 'merge',
  description: 'Adds two or more tensors of the same shape, value by value.',
  inputs: [{ id: 'in', label: 'x₁…xₙ', multiple: true, minEdges: 2 }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  fields: [],
  formula: () => 'y = x₁ + x₂ + … + xₙ',
  inferShape: (_p, inputs) => {
    const xs = inputs.in ?? [];
    if (xs.length < 2)
      return { ok: false, port: 'in', message: `Add needs at least 2 inputs; it has ${xs.length}.` };
    const first = xs[0]!;
    const other = xs.find((s) => !sameShape(s, first));
    if (other) {
      return {
        ok: false,
        port: 'in',
        message: `Add needs inputs of the same shape; got ${formatShape(first)} and ${formatShape(other)}.`,
      };
    }
    return { ok: true, shape: first };
  },
  paramCount: () => 0,
  flops: (_p, inputs, out) => Math.max(0, (inputs.in?.length ?? 0) - 1) * shapeSize(out),
  build: (tf, _p, ctx) => tf.layers.add({ name: ctx.name }),
  keras: { className: 'Add', args: () => [], fromConfig: noParams },
});

export const concatNode = defineNode({
  type: 'concat',
  label: 'Concat',
  category: 'merge',
  description: 'Joins two or more tensors end to end along their last axis.',
  inputs: [{ id: 'in', label: 'x₁…xₙ', multiple: true, minEdges: 2 }],
  outputs: [{ id: 'out', label: 'y' }],
  params: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  fields: [],
  formula: () => 'y = [x₁, x₂, …, xₙ]  (last axis)',
  inferShape: (_p, inputs) => {
    const xs = inputs.in ?? [];
    if (xs.length < 2)
      return { ok: false, port: 'in', message: `Concat needs at least 2 inputs; it has ${xs.length}.` };
    const first = xs[0]!;
    const lead = first.slice(0, -1);
    const other = xs.find((s) => s.length !== first.length || !sameShape(s.slice(0, -1), lead));
    if (other) {
      return {
        ok: false,
        port: 'in',
        message: `Concat needs inputs that differ only in their last axis; got ${formatShape(first)} and ${formatShape(other)}.`,
      };
    }
    const last = xs.reduce((sum, s) => sum + s[s.length - 1]!, 0);
    return { ok: true, shape: [...lead, last] };
  },
  paramCount: () => 0,
  flops: () => 0,
  build: (tf, _p, ctx) => tf.layers.concatenate({ name: ctx.name, axis: -1 }),
  keras: {
    className: 'Concatenate',
    args: () => [literalArg('axis', -1)],
    fromConfig: (c, layerName) => {
      const axis = c.axis === undefined ? -1 : Number(c.axis);
      const notes =
        axis === -1
          ? []
          : [`Concatenate "${layerName}" joins axis ${axis}; Tensorweave joins the last axis.`];
      return ok({ params: {}, notes });
    },
  },
});
