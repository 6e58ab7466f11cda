/**
 * Flatten and Reshape between flat vectors and pictures. A picture held channels first
 * flattens in another order than ours; the flow then carries that order for the Dense after it.
 */
import { err, ok, type Result } from '../../result';
import type { Flow, OpContext } from './importPictureOps';
import { chwToHwcOrder, intAttr } from './onnxNodes';
import { readIntTensor, type NodeProto, type TensorProto } from './onnxTensors';

/** What a Flatten or Reshape makes: a flat vector, or a picture of one channel or channels last. */
type Reshaped = 'flatten' | { height: number; width: number; channels: number; channelsFirst: boolean };

/**
 * What `op` (Flatten, or Reshape to a constant shape) does to `f`, or why Tensorweave cannot:
 * it flattens from axis 1 (to `[batch, -1]`), or lays flat values out as a picture — `[batch,
 * h, w, c]` as ours, or `[batch, 1, h, w]` (torch's `view(-1, 1, 28, 28)`), the same values
 * when there is one channel.
 */
function flattenOrPicture(
  op: NodeProto,
  label: string,
  f: Flow,
  constAt: (i: number) => Result<TensorProto>,
): Result<Reshaped> {
  const size = f.dims.reduce((a, b) => a * b, 1);
  if (op.opType === 'Flatten') {
    const axis = intAttr(op, 'axis', 1);
    return axis === 1
      ? ok('flatten')
      : err(`${label} flattens from axis ${axis}; Tensorweave flattens from axis 1.`);
  }
  const shapeTensor = constAt(1);
  if (!shapeTensor.ok) return shapeTensor;
  const target = readIntTensor(shapeTensor.value);
  if (!target.ok) return target;
  const [batch = NaN, ...rest] = target.value;
  const known = rest.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const sides = rest.map((d) => (d === -1 ? size / known : d));
  const fits = batch >= -1 && sides.reduce((a, b) => a * b, 1) === size && sides.every((d) => d >= 1);
  if (fits && sides.length === 1) return ok('flatten');
  if (fits && sides.length === 3 && f.dims.length === 1 && !f.order) {
    const [a, b, c] = sides as [number, number, number];
    return ok(
      a === 1
        ? { height: b, width: c, channels: 1, channelsFirst: true }
        : { height: a, width: b, channels: c, channelsFirst: false },
    );
  }
  return err(
    `${label} reshapes to [${target.value.join(', ')}]; Tensorweave only flattens, or lays a flat vector out as a picture.`,
  );
}

/** `Flatten`, or `Reshape` to a constant shape → a Flatten or Reshape node (or nothing). */
export function convertFlattenOrReshape(ctx: OpContext): Result<Flow> {
  const f = ctx.flowAt(0);
  if (!f.ok) return f;
  const reshaped = flattenOrPicture(ctx.op, ctx.label, f.value, ctx.constAt);
  if (!reshaped.ok) return reshaped;
  if (reshaped.value !== 'flatten') {
    const { height, width, channels, channelsFirst } = reshaped.value;
    const node = ctx.add('reshape', { height, width, channels }, ctx.name, [f.value]);
    return ok({ node, dims: [height, width, channels], exact: !channelsFirst, channelsFirst });
  }
  if (f.value.dims.length === 1) return f;
  const [h, w, c] = f.value.dims as [number, number, number];
  // Channels first, the values flatten in another order unless there is one channel.
  const order = f.value.channelsFirst && c > 1 ? chwToHwcOrder(h, w, c) : undefined;
  const size = f.value.dims.reduce((a, b) => a * b, 1);
  return ok({ node: ctx.add('flatten', {}, ctx.name, [f.value]), dims: [size], exact: !order, order });
}
