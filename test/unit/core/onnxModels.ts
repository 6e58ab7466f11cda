/** Small ONNX models built in tests, as torch.onnx.export or tf2onnx would write them. */
import { floatTensor, onnx, type NodeProto } from '../../../src/core/exchange/onnx/onnxTensors';

/** A model of `nodes` reading input `x` of `inputDims` (batch first), for the edge cases. */
export function model(
  nodes: NodeProto[],
  initializer: ReturnType<typeof floatTensor>[],
  inputDims: (number | string)[] = ['N', 784],
  opset = 13,
  outputs = ['y'],
): Uint8Array {
  const info = (name: string, dims: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: 1,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'test',
    graph: {
      name: 'g',
      node: nodes,
      initializer,
      input: [info('x', inputDims)],
      output: outputs.map((o) => info(o, ['N', 10])),
    },
  }).finish();
}

export const ramp = (n: number, scale = 0.01) =>
  Float32Array.from({ length: n }, (_, i) => (i % 17) * scale - 0.08);
