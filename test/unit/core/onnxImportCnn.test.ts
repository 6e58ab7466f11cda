/**
 * Convolutional ONNX files open as editable graphs: the real torch.onnx.export LeNet-5 fixture
 * (NCHW, Conv/MaxPool, a flatten of channels-first maps into Gemm), hand-built files for each
 * padding and layout rule, and refusals that name the operator and what to change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../src/core/exchange/onnx/importOnnx';
import { floatTensor, onnx, type NodeProto } from '../../../src/core/exchange/onnx/onnxTensors';
import { model, ramp } from './onnxModels';

const LENET = 'onnx-pytorch1.7-lenet5-ccoltong1215/mnist.onnx';
const fixture = (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/onnx/${path}`, import.meta.url)));

describe('ONNX import of convolutional models', () => {
  it('opens the torch.onnx.export LeNet-5 as Conv2D, MaxPool2D, Flatten and Dense nodes with its weights', () => {
    const result = importOnnx(fixture(LENET));
    if (!result.ok) throw new Error(result.error);
    const { doc, weights } = result.value;
    // Wrapped into lines of four, the loss node included, like the presets.
    expect(new Set(doc.nodes.map((n) => n.position.x))).toEqual(new Set([0, 300, 600, 900]));
    expect(doc.nodes.at(-1)!.type).toBe('loss');
    expect(doc.nodes.map((n) => n.type)).toEqual([
      'input',
      'conv2d',
      'relu',
      'maxPool2d',
      'conv2d',
      'relu',
      'maxPool2d',
      'flatten',
      'dense',
      'relu',
      'dense',
      'relu',
      'dense',
      'softmax',
      'loss',
    ]);
    const convs = doc.nodes.filter((n) => n.type === 'conv2d');
    expect(convs.map((n) => n.params)).toEqual([
      { filters: 6, kernelSize: 5, strides: 1, padding: 'same', useBias: true },
      { filters: 16, kernelSize: 5, strides: 1, padding: 'valid', useBias: true },
    ]);
    expect(convs.map((n) => weights.get(n.id)!.map((w) => w.shape))).toEqual([
      [[5, 5, 1, 6], [6]],
      [[5, 5, 6, 16], [16]],
    ]);
    // torch flattens channels first ([16, 5, 5]); our Flatten is channels last, so the first
    // Dense's rows are reordered: our row (y·5 + x)·16 + c is the file's row (c·5 + y)·5 + x.
    const file = fixtureWeights('head.fc1.weight') as Float32Array;
    const [fc1] = weights.get('Gemm_8')!;
    const [c, y, x, unit] = [3, 2, 4, 7];
    expect(fc1!.data[((y * 5 + x) * 16 + c) * 120 + unit]).toBe(file[unit * 400 + (c * 5 + y) * 5 + x]);
  });

  it('opens the CNTK model zoo MNIST: auto_pad SAME_UPPER, biases as Add, a reshaped Dense kernel', () => {
    const result = importOnnx(fixture('onnx-cntk2.5.1-mnist8-zoo-akinobu123/model.onnx'));
    if (!result.ok) throw new Error(result.error);
    const { doc } = result.value;
    expect(doc.nodes.map((n) => [n.type, n.params])).toEqual([
      ['input', { layout: 'image' }],
      ['conv2d', { filters: 8, kernelSize: 5, strides: 1, padding: 'same', useBias: true }],
      ['relu', {}],
      ['maxPool2d', { poolSize: 2, strides: 2, padding: 'valid' }],
      ['conv2d', { filters: 16, kernelSize: 5, strides: 1, padding: 'same', useBias: true }],
      ['relu', {}],
      ['maxPool2d', { poolSize: 3, strides: 3, padding: 'valid' }],
      ['flatten', {}],
      ['dense', { units: 10, useBias: true }],
      ['loss', { loss: 'categoricalCrossentropy', reduction: 'mean' }],
    ]);
  });

  const picture = [1, 1, 28, 28];
  const convWith = (attribute: NodeProto['attribute'], opType = 'Conv'): NodeProto[] => [
    { name: 'op', opType, input: opType === 'Conv' ? ['x', 'w'] : ['x'], output: ['c'], attribute },
    { name: 'flat', opType: 'Flatten', input: ['c'], output: ['f'] },
    {
      name: 'fc',
      opType: 'Gemm',
      input: ['f', 'fc'],
      output: ['y'],
      attribute: [{ name: 'transB', type: 2, i: 1 }],
    },
  ];
  const ints = (name: string, values: number[]) => ({ name, type: 7, ints: values });
  const refusal = (nodes: NodeProto[], fcInputs = 4 * 14 * 14) =>
    importOnnx(
      model(
        nodes,
        [floatTensor('w', [4, 1, 3, 3], ramp(36)), floatTensor('fc', [10, fcInputs], ramp(10 * fcInputs))],
        picture,
      ),
    );

  it('reads torch padding 1 on a 3×3 stride-1 convolution as same, and refuses a padding tfjs does not make', () => {
    const same = refusal(convWith([ints('pads', [1, 1, 1, 1])]), 4 * 28 * 28);
    if (!same.ok) throw new Error(same.error);
    expect(same.value.doc.nodes[1]!.params).toMatchObject({ padding: 'same', kernelSize: 3, filters: 4 });
    // Stride 2: torch pads 1 on each side, tfjs 0 before and 1 after: another alignment.
    expect(refusal(convWith([ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])]))).toEqual({
      ok: false,
      error:
        'Conv "op" pads the picture by [1, 1, 1, 1]; Tensorweave pads as tfjs does: nothing (valid) or [0, 0, 1, 1] here (same).',
    });
  });

  it.each<[string, NodeProto[], string]>([
    ['grouped convolutions', convWith([{ name: 'group', type: 2, i: 2 }]), 'Conv "op" convolves in groups'],
    [
      'rectangular windows',
      convWith([ints('kernel_shape', [3, 1])], 'MaxPool'),
      'MaxPool "op" has a 3×1 window; Tensorweave\'s windows are square.',
    ],
    [
      'averages over padding',
      convWith(
        [
          ints('kernel_shape', [3, 3]),
          ints('pads', [1, 1, 1, 1]),
          { name: 'count_include_pad', type: 2, i: 1 },
        ],
        'AveragePool',
      ),
      'AveragePool "op" counts the padding zeros in its averages',
    ],
    [
      'a flattened channels-first map read by Softmax',
      [
        {
          name: 'op',
          opType: 'Conv',
          input: ['x', 'w'],
          output: ['c'],
          attribute: [ints('strides', [2, 2])],
        },
        { name: 'flat', opType: 'Flatten', input: ['c'], output: ['f'] },
        { name: 'sm', opType: 'Softmax', input: ['f'], output: ['y'] },
      ],
      'Softmax "sm" normalises over axis -1',
    ],
  ])('refuses %s, naming the operator', (_what, nodes, message) => {
    expect(refusal(nodes)).toEqual({ ok: false, error: expect.stringContaining(message) });
  });

  it('refuses a convolution on a flat input, saying what it needs', () => {
    const result = importOnnx(model(convWith([]), [floatTensor('w', [4, 1, 3, 3], ramp(36))], ['N', 784]));
    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining(
        'Conv "op" reads a value of shape [batch, 784] that is not a picture laid out [batch, channels, height, width]',
      ),
    });
  });
});

/** An initializer of the LeNet-5 fixture, as the file stores it. */
function fixtureWeights(name: string): Float32Array {
  const graph = onnx.ModelProto.decode(fixture(LENET)).graph!;
  const t = graph.initializer!.find((i) => i.name === name)!;
  return new Float32Array(new Uint8Array(t.rawData!).buffer);
}
