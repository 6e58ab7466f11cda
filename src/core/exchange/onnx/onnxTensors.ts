/**
 * ONNX tensors ↔ plain float arrays, over the protobuf classes of the `onnx-proto` package
 * (generated from the official `onnx.proto`). Only what Tensorweave's layers need: float32
 * weights, and the int64 shape constant of a Reshape.
 */
import onnxProto from 'onnx-proto';
import { err, ok, type Result } from '../../result';

export const { onnx } = onnxProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type ModelProtoFields = onnxProto.onnx.IModelProto;
/** A decoded model: every repeated field is an array, never undefined. */
export type DecodedModel = onnxProto.onnx.ModelProto;

/** `TensorProto.DataType` values we read or write. */
const FLOAT = 1;
const INT64 = 7;

/** protobufjs decodes int64 as a Long object when the `long` package is there, else as a number. */
type Int64 = number | { toNumber(): number };

/** An int64 field as a number (shapes and attributes are far below 2^53). */
export function toInt(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** A float32 initializer for `name` with `dims`. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  // rawData is little-endian by the spec; copying through a Uint8Array keeps the bytes as they are.
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dims: [...dims], dataType: FLOAT, rawData: raw };
}

/** An int64 tensor (for example Reshape's target shape). */
export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  return { name, dims: [values.length], dataType: INT64, int64Data: [...values] };
}

function refuseExternal(t: TensorProto): Result<void> {
  const external = t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length;
  return external
    ? err(
        `The tensor "${t.name}" is stored in a separate data file; Tensorweave reads only self-contained .onnx files (save the model without external data).`,
      )
    : ok(undefined);
}

/** A float32 tensor's shape and values, or why it cannot be read. */
export function readFloatTensor(t: TensorProto): Result<{ shape: number[]; data: Float32Array }> {
  const external = refuseExternal(t);
  if (!external.ok) return external;
  const shape = (t.dims ?? []).map(toInt);
  if (t.dataType !== FLOAT) return err(`The tensor "${t.name}" is not float32 (data type ${t.dataType}).`);
  const size = shape.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  if (t.rawData && t.rawData.length) {
    if (t.rawData.length !== size * 4)
      return err(`The tensor "${t.name}" has ${t.rawData.length} bytes for ${size} values.`);
    // Copy to a buffer of its own: rawData may be a view at any offset into the file's bytes
    // (in Node a Buffer, whose slice() does not copy).
    data = new Float32Array(new Uint8Array(t.rawData).buffer);
  } else {
    data = Float32Array.from(t.floatData ?? []);
    if (data.length !== size) return err(`The tensor "${t.name}" has ${data.length} values for ${size}.`);
  }
  return ok({ shape, data });
}

/** An int64 tensor's values as numbers, or why it cannot be read. */
export function readIntTensor(t: TensorProto): Result<number[]> {
  const external = refuseExternal(t);
  if (!external.ok) return external;
  if (t.dataType !== INT64) return err(`The tensor "${t.name}" is not int64 (data type ${t.dataType}).`);
  if (t.rawData && t.rawData.length) {
    if (t.rawData.length % 8)
      return err(`The tensor "${t.name}" has ${t.rawData.length} bytes, not whole int64 values.`);
    return ok(Array.from(new BigInt64Array(new Uint8Array(t.rawData).buffer), (v) => Number(v)));
  }
  return ok((t.int64Data ?? []).map(toInt));
}
