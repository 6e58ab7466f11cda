import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../src/core/exchange/onnx/importOnnx';
import { floatTensor, int64Tensor, type NodeProto } from '../../../src/core/exchange/onnx/onnxTensors';
import { model, ramp } from './onnxModels';

const fixture = (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/onnx/${path}`, import.meta.url)));

describe('ONNX import: real converter files', () => {
  it('opens the tf2onnx 1.16 Keras MLP (Reshape, MatMul+Add, Relu, Sigmoid) with its weights', () => {
    const result = importOnnx(fixture('onnx-tf2onnx1.16-keras-mlp-adimail/mnist_model.onnx'));
    if (!result.ok) throw new Error(result.error);
    const { doc, weights, notes } = result.value;
    expect(doc.nodes.map((n) => n.type)).toEqual([
      'input',
      'flatten',
      'dense',
      'relu',
      'dense',
      'sigmoid',
      'loss',
    ]);
    expect(doc.nodes[0]!.params).toEqual({ layout: 'image' });
    expect(doc.nodes.filter((n) => n.type === 'dense').map((n) => n.params)).toEqual([
      { units: 100, useBias: true },
      { units: 10, useBias: true },
    ]);
    const dense = doc.nodes.filter((n) => n.type === 'dense').map((n) => weights.get(n.id)!);
    expect(dense.map((w) => w.map((t) => t.shape))).toEqual([
      [[784, 100], [100]],
      [[100, 10], [10]],
    ]);
    // Real trained values, not zeros or a fresh initialisation.
    expect(dense[0]![0]!.data.some((v) => v !== 0)).toBe(true);
    expect(new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(doc.nodes.length);
    expect(notes.join(' ')).toMatch(/cross-entropy/);
  });

  it.each([
    ['onnx-pytorch1.10-cnn-logsoftmax-sightvanish/mnist.onnx', 'LogSoftmax'],
    ['onnx-pytorch2.9-dynamo-externaldata-zuramai/mnist.onnx', 'Shape'],
  ])('refuses the CNN %s, naming the operators it lacks', (path, ops) => {
    const result = importOnnx(fixture(path));
    expect(result).toEqual({ ok: false, error: expect.stringContaining(`cannot edit: ${ops}. Supported:`) });
  });

  it('refuses bytes that are not ONNX', () => {
    const result = importOnnx(new TextEncoder().encode('{"format": "tensorweave-graph"}'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/not an ONNX model/);
  });
});

describe('ONNX import: operator forms', () => {
  it('reads a torch Linear (Gemm, transB=1) with alpha and beta folded into the weights', () => {
    const w = ramp(10 * 784);
    const bytes = model(
      [
        {
          name: 'fc',
          opType: 'Gemm',
          input: ['x', 'fc.weight', 'fc.bias'],
          output: ['h'],
          attribute: [
            { name: 'transB', type: 2, i: 1 },
            { name: 'alpha', type: 1, f: 2 },
            { name: 'beta', type: 1, f: 0.5 },
          ],
        },
        { name: 'sm', opType: 'Softmax', input: ['h'], output: ['y'] },
      ],
      [
        floatTensor('fc.weight', [10, 784], w),
        floatTensor(
          'fc.bias',
          [10],
          Float32Array.from({ length: 10 }, (_, i) => i),
        ),
      ],
    );
    const result = importOnnx(bytes);
    if (!result.ok) throw new Error(result.error);
    const [kernel, bias] = result.value.weights.get('fc')!;
    expect(kernel!.shape).toEqual([784, 10]);
    // kernel[i][j] = alpha · W[j][i]
    expect(kernel!.data[3 * 10 + 7]).toBeCloseTo(2 * w[7 * 784 + 3]!, 6);
    expect(Array.from(bias!.data)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(result.value.doc.nodes.map((n) => n.type)).toEqual(['input', 'dense', 'softmax', 'loss']);
  });

  it('reads a Constant + Reshape flatten of an NCHW input, and Add/Concat branches', () => {
    const bytes = model(
      [
        {
          opType: 'Constant',
          output: ['shape'],
          attribute: [{ name: 'value', type: 4, t: int64Tensor('', [1, -1]) }],
        },
        { name: 'flat', opType: 'Reshape', input: ['x', 'shape'], output: ['f'] },
        { name: 'a', opType: 'Gemm', input: ['f', 'wa'], output: ['ha'] },
        { name: 'b', opType: 'MatMul', input: ['f', 'wb'], output: ['hb'] },
        { name: 'sum', opType: 'Add', input: ['ha', 'hb'], output: ['s'] },
        {
          name: 'cat',
          opType: 'Concat',
          input: ['s', 'ha'],
          output: ['c'],
          attribute: [{ name: 'axis', type: 2, i: 1 }],
        },
        { name: 'out', opType: 'Gemm', input: ['c', 'wo'], output: ['y'] },
      ],
      [
        floatTensor('wa', [784, 5], ramp(784 * 5)),
        floatTensor('wb', [784, 5], ramp(784 * 5, 0.02)),
        floatTensor('wo', [10, 10], ramp(100)),
      ],
      [1, 1, 28, 28],
      9,
    );
    const result = importOnnx(bytes);
    if (!result.ok) throw new Error(result.error);
    const { doc, notes } = result.value;
    expect(doc.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'x:input',
      'flat:flatten',
      'a:dense',
      'b:dense',
      'sum:add',
      'cat:concat',
      'out:dense',
      'loss:loss',
    ]);
    expect(doc.edges.filter((e) => e.to.node === 'cat').map((e) => e.from.node)).toEqual(['sum', 'a']);
    expect(doc.nodes.find((n) => n.id === 'b')!.params).toEqual({ units: 5, useBias: false });
    expect(notes.join(' ')).toMatch(/exactly 1 image;/);
  });

  it.each<[string, NodeProto[], string]>([
    [
      'a constant added that is no bias',
      [{ name: 'plus', opType: 'Add', input: ['x', 'c'], output: ['y'] }],
      'Add "plus" adds a constant that is not the bias of a MatMul',
    ],
    [
      'Softmax over another axis',
      [
        {
          name: 'sm',
          opType: 'Softmax',
          input: ['x'],
          output: ['y'],
          attribute: [{ name: 'axis', type: 2, i: 0 }],
        },
      ],
      'Softmax "sm" normalises over axis 0',
    ],
    [
      'a Reshape that does not flatten',
      [{ name: 'r', opType: 'Reshape', input: ['x', 's'], output: ['y'] }],
      'Reshape "r" reshapes to [-1, 28, 28]',
    ],
  ])('refuses %s', (_what, nodes, message) => {
    const result = importOnnx(
      model(nodes, [
        floatTensor('c', [784], ramp(784)),
        int64Tensor('s', [-1, 28, 28]) as ReturnType<typeof floatTensor>,
      ]),
    );
    expect(result).toEqual({ ok: false, error: expect.stringContaining(message) });
  });

  it('refuses a model with two outputs and one whose input is not an MNIST image', () => {
    const relu = [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }];
    expect(importOnnx(model(relu, [], ['N', 784], 13, ['y', 'x']))).toEqual({
      ok: false,
      error: expect.stringContaining('has 2 outputs'),
    });
    expect(importOnnx(model(relu, [], ['N', 3, 32, 32]))).toEqual({
      ok: false,
      error: expect.stringContaining('is not 784 values per image'),
    });
  });
});
