import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readGraphOrModel } from '../../../src/cli/modelFiles';

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/onnx/${path}`, import.meta.url));

describe('the command line opens .onnx files', () => {
  it('reads an ONNX model as a graph with its weights', async () => {
    const result = await readGraphOrModel(fixture('onnx-tf2onnx1.16-keras-mlp-adimail/mnist_model.onnx'));
    if (!result.ok) throw new Error(result.error);
    expect(result.value.doc.nodes.filter((n) => n.type === 'dense')).toHaveLength(2);
    expect([...result.value.weights!.values()].map((w) => w[0]!.shape)).toEqual([
      [784, 100],
      [100, 10],
    ]);
  });

  it('reads a CNN (the CNTK model zoo MNIST) with its convolutions, and refuses one with an operator it lacks', async () => {
    const cnn = await readGraphOrModel(fixture('onnx-cntk2.5.1-mnist8-zoo-akinobu123/model.onnx'));
    if (!cnn.ok) throw new Error(cnn.error);
    expect(
      cnn.value.doc.nodes
        .filter((n) => n.type === 'conv2d')
        .map((n) => cnn.value.weights!.get(n.id)![0]!.shape),
    ).toEqual([
      [5, 5, 1, 8],
      [5, 5, 8, 16],
    ]);
    const result = await readGraphOrModel(fixture('onnx-pytorch1.10-cnn-logsoftmax-sightvanish/mnist.onnx'));
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/cannot edit: LogSoftmax\./) });
  });
});
