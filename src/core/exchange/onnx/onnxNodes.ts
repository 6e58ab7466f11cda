/** Reading ONNX nodes' attributes and value shapes, and the few array rearrangements import and export need. */
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

/** An integer-list attribute, or `fallback` (the operator's default) when absent. */
export function intsAttr(node: NodeProto, name: string, fallback: readonly number[]): number[] {
  const a = attribute(node, name);
  return a?.ints?.length ? a.ints.map(toInt) : [...fallback];
}

/** A string attribute (`auto_pad`), or `fallback` when absent. */
export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const bytes = attribute(node, name)?.s;
  return bytes?.length ? new TextDecoder().decode(bytes) : fallback;
}

/**
 * A float attribute as the short decimal it was written from: attributes are float32, so
 * 0.001 arrives as 0.0010000000474974513.
 */
export function shortFloatAttr(node: NodeProto, name: string, fallback: number): number {
  return Number(floatAttr(node, name, fallback).toPrecision(7));
}

/** `[kh, kw, in, out]` (tfjs) → `[out, in, kh, kw]` (ONNX Conv's W). */
export function kernelToOihw(data: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < cin!; i++)
        for (let o = 0; o < cout!; o++)
          out[((o * cin! + i) * kh! + y) * kw! + x] = data[((y * kw! + x) * cin! + i) * cout! + o]!;
  return out;
}

/** `[out, in, kh, kw]` (ONNX Conv's W) → `[kh, kw, in, out]` (tfjs). */
export function kernelToHwio(data: Float32Array, [cout, cin, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < cout!; o++)
    for (let i = 0; i < cin!; i++)
      for (let y = 0; y < kh!; y++)
        for (let x = 0; x < kw!; x++)
          out[((y * kw! + x) * cin! + i) * cout! + o] = data[((o * cin! + i) * kh! + y) * kw! + x]!;
  return out;
}

/**
 * Where each value of a channels-first picture `[c, h, w]`, flattened as ONNX flattens it,
 * sits in our channels-last flattening of the same picture.
 */
export function chwToHwcOrder(height: number, width: number, channels: number): Int32Array {
  const order = new Int32Array(height * width * channels);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) order[(c * height + y) * width + x] = (y * width + x) * channels + c;
  return order;
}

/**
 * Padding before and after one side, as tfjs computes 'same': enough for every output position,
 * half before, the rest (the odd one) after.
 */
export function samePads(side: number, out: number, size: number, stride: number): [number, number] {
  const total = Math.max((out - 1) * stride + size - side, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
