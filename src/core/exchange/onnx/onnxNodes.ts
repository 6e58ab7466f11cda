/** Reading ONNX nodes' attributes and value shapes, and the one matrix operation the import needs. */
import { toInt, type AttributeProto, type NodeProto, type ValueInfoProto } from './onnxTensors';

/** A node's attribute by name, if it has it. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

/** An integer attribute, or `fallback` (the operator's default) when absent. */
export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? toInt(a.i) : fallback;
}

/** A float attribute, or `fallback` (the operator's default) when absent. */
export function floatAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? (a.f ?? fallback) : fallback;
}

/** `[rows, cols]` → `[cols, rows]`, row-major. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** Non-batch dims of the graph input, or undefined when a dimension is not a fixed number. */
export function inputDims(info: ValueInfoProto): number[] | undefined {
  const dims = info.type?.tensorType?.shape?.dim ?? [];
  const fixed = dims
    .slice(1)
    .map((d) => (d.dimValue === null || d.dimValue === undefined ? NaN : toInt(d.dimValue)));
  return fixed.some((d) => !(d > 0)) ? undefined : fixed;
}
