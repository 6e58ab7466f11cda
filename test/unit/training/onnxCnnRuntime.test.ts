/**
 * Convolutional graphs exported to ONNX and run in onnxruntime-web agree with tfjs on real
 * MNIST test images: the same digit, probabilities within 1e-4. Our pictures are channels last
 * and ONNX's convolutions channels first, so these also pin where the Transposes go. Real
 * convolutional ONNX files imported predict here what onnxruntime predicts from the file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/core/document';
import { artifactsToOnnx, graphToOnnx } from '../../../src/core/exchange/onnx/exportOnnx';
import { importOnnx } from '../../../src/core/exchange/onnx/importOnnx';
import { onnx } from '../../../src/core/exchange/onnx/onnxTensors';
import { tf } from '../../../src/cli/nodeEnv';
import { runSettingsOf } from '../../../src/training/options';
import { train } from '../../../src/training/train';
import { saveArtifacts } from '../../../src/training/weights';
import { chain, node } from '../core/fixtures';
import { argmaxRows, loadGraph, maxDifference, OnnxHarness, randomWeights, throughOnnx } from './onnxHarness';

const IMAGES = 200;
const TOLERANCE = 1e-4;

/** Flat input → Reshape → same-padded convolution, BatchNorm, average pool of stride 2 and the rest. */
function batchNormAvgPool(): GraphDocument {
  return chain(
    node('in', 'input', { layout: 'flat' }),
    node('rs', 'reshape', { height: 28, width: 28, channels: 1 }),
    node('c1', 'conv2d', { filters: 6, kernelSize: 3, strides: 2, padding: 'same' }),
    node('bn1', 'batchNorm', { epsilon: 0.01 }),
    node('r1', 'relu'),
    node('ap', 'avgPool2d', { poolSize: 3, strides: 2, padding: 'same' }),
    node('c2', 'conv2d', { filters: 8, kernelSize: 4, strides: 1, padding: 'same', useBias: false }),
    node('bn2', 'batchNorm', { scale: false, center: false }),
    node('mp', 'maxPool2d', { poolSize: 2, strides: 2, padding: 'same' }),
    node('dp', 'dropout', { rate: 0.5 }),
    node('fl', 'flatten'),
    node('d1', 'dense', { units: 24 }),
    node('bn3', 'batchNorm'),
    node('d2', 'dense', { units: 10 }),
    node('sm', 'softmax'),
    node('loss', 'loss'),
  );
}

/** How far any image's outputs are from the first image's: the predictions are not constant. */
function spread(outputs: Float32Array): number {
  return Math.max(...Array.from(outputs, (v, i) => Math.abs(v - outputs[i % 10]!)));
}

describe('CNN ONNX export ⇄ onnxruntime-web (Node, wasm)', () => {
  const h = new OnnxHarness(IMAGES);
  beforeAll(() => h.setUp());
  afterAll(() => h.dispose());

  async function expectSamePredictions(doc: GraphDocument, bytes: Uint8Array, ours: Float32Array) {
    const shape = doc.nodes[0]!.params.layout === 'flat' ? [784] : [28, 28, 1];
    const theirs = await h.ortPredict(bytes, shape);
    expect(argmaxRows(theirs)).toEqual(argmaxRows(ours));
    expect(maxDifference(ours, theirs)).toBeLessThan(TOLERANCE);
    // The probabilities depend on the image, by far more than the tolerance.
    expect(spread(theirs)).toBeGreaterThan(100 * TOLERANCE);
    return theirs;
  }

  it('exports the cnn preset with seeded weights: one Transpose in, one before Flatten, onnxruntime agrees', async () => {
    const doc = loadGraph('cnn');
    const weights = randomWeights(doc, 5, true);
    const bytes = graphToOnnx(doc, weights);
    if (!bytes.ok) throw new Error(bytes.error);
    const ops = onnx.ModelProto.decode(bytes.value).graph!.node!.map((n) => n.opType);
    expect(ops).toEqual([
      'Transpose',
      'Conv',
      'Relu',
      'MaxPool',
      'Conv',
      'Relu',
      'MaxPool',
      'Transpose',
      'Flatten',
      'Gemm',
      'Relu',
      'Gemm',
      'Softmax',
    ]);
    await expectSamePredictions(doc, bytes.value, h.tfjsPredict(h.compile(doc, weights), [28, 28, 1]));
  });

  it('exports the cnn preset trained 40 steps; its predictions on test images match tfjs', async () => {
    const doc = loadGraph('cnn');
    const trained = h.compile(doc);
    const settings = { ...runSettingsOf(doc.training), duration: { unit: 'steps' as const, steps: 40 } };
    await train(tf, trained, h.data, { ...settings, validationEvery: 0, evaluate: false });
    const bytes = artifactsToOnnx(await saveArtifacts(tf, trained), doc);
    if (!bytes.ok) throw new Error(bytes.error);
    const ours = h.tfjsPredict(trained, [28, 28, 1]);
    const theirs = await expectSamePredictions(doc, bytes.value, ours);
    // 40 steps of Adam already read digits: most of the 200 are right.
    const right = argmaxRows(theirs).filter((d, i) => d === h.labels()[i]).length;
    expect(right / IMAGES).toBeGreaterThan(0.6);
  });

  it('exports BatchNorm (with and without scale and shift), same-padded stride-2 conv and pools; onnxruntime agrees', async () => {
    const doc = batchNormAvgPool();
    const weights = randomWeights(doc, 9, true);
    const bytes = graphToOnnx(doc, weights);
    if (!bytes.ok) throw new Error(bytes.error);
    const model = onnx.ModelProto.decode(bytes.value);
    const ops = model.graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(2);
    expect(ops).toContain('AveragePool');
    const avg = model.graph!.node!.find((n) => n.opType === 'AveragePool')!;
    const attr = (name: string) => avg.attribute!.find((a) => a.name === name)!;
    // 14×14 by 3, stride 2: 7 outputs need 15 pixels, the odd padding pixel goes at the end.
    expect(attr('pads').ints!.map(Number)).toEqual([0, 0, 1, 1]);
    expect(Number(attr('count_include_pad').i)).toBe(0);
    await expectSamePredictions(doc, bytes.value, h.tfjsPredict(h.compile(doc, weights), [784]));
  });

  it('refuses a CNN without trained weights, naming the node and the shapes it needs', () => {
    const doc = loadGraph('cnn');
    const weights = randomWeights(doc, 5, true);
    weights.delete('conv2');
    expect(graphToOnnx(doc, weights)).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^Conv2D "conv2" has no trained weights of shape \[5, 5, 16, 32\] and \[32\]/,
      ),
    });
  });

  it('reads its own CNN export back: the same document, weights and predictions', async () => {
    const doc = batchNormAvgPool();
    const weights = randomWeights(doc, 13);
    const back = throughOnnx(doc, weights);
    expect(back.doc).toEqual(doc);
    expect(back.weights).toEqual(weights);
    const before = h.tfjsPredict(h.compile(doc, weights), [784]);
    expect(h.tfjsPredict(h.compile(back.doc, back.weights), [784])).toEqual(before);
  });

  it('reads its own CNN export without the stored document (from the operators alone) to the same predictions', async () => {
    const doc = loadGraph('cnn');
    const weights = randomWeights(doc, 21, true);
    const bytes = graphToOnnx(doc, weights);
    if (!bytes.ok) throw new Error(bytes.error);
    const model = onnx.ModelProto.decode(bytes.value);
    model.metadataProps = [];
    const bare = importOnnx(onnx.ModelProto.encode(model).finish());
    if (!bare.ok) throw new Error(bare.error);
    expect(bare.value.doc.nodes.map((n) => n.type)).toEqual(
      doc.nodes.filter((n) => n.type !== 'dropout').map((n) => n.type),
    );
    const before = h.tfjsPredict(h.compile(doc, weights), [28, 28, 1]);
    const after = h.tfjsPredict(h.compile(bare.value.doc, bare.value.weights), [28, 28, 1]);
    expect(maxDifference(after, before)).toBe(0);
  });

  // The CNTK model zoo network reads MNIST as we do and gets 99% of these 200 right. The LeNet-5
  // was trained on its repository's own image files (normalised as torchvision's examples do)
  // and is nearly saturated on MNIST's, so only its agreement with onnxruntime is checked.
  const normalise = (v: number) => (v - 0.1307) / 0.3081;
  it.each<[string, string, ((v: number) => number) | undefined, number]>([
    [
      'torch.onnx.export LeNet-5 (PyTorch 1.7)',
      'onnx-pytorch1.7-lenet5-ccoltong1215/mnist.onnx',
      normalise,
      0,
    ],
    [
      'CNTK MNIST (ONNX model zoo mnist-8)',
      'onnx-cntk2.5.1-mnist8-zoo-akinobu123/model.onnx',
      undefined,
      0.97,
    ],
  ])(
    'imports the %s and predicts what onnxruntime predicts from the file',
    async (_what, path, pixel, accuracy) => {
      const bytes = new Uint8Array(readFileSync(new URL(`../../fixtures/onnx/${path}`, import.meta.url)));
      const imported = importOnnx(bytes);
      if (!imported.ok) throw new Error(imported.error);
      const ours = h.tfjsPredict(h.compile(imported.value.doc, imported.value.weights), [28, 28, 1], pixel);
      // Both files take batches of exactly one image, channels first.
      const theirs = await h.ortPredict(bytes, [1, 28, 28], 1, pixel);
      expect(argmaxRows(ours)).toEqual(argmaxRows(theirs));
      // The CNTK file returns logits (up to about 30), so the tolerance is relative to them.
      const scale = Math.max(1, ...Array.from(theirs, Math.abs));
      expect(maxDifference(ours, theirs) / scale).toBeLessThan(TOLERANCE);
      expect(spread(theirs) / scale).toBeGreaterThan(10 * TOLERANCE);
      const right = argmaxRows(ours).filter((d, i) => d === h.labels()[i]).length;
      expect(right / IMAGES).toBeGreaterThanOrEqual(accuracy);
    },
  );
});
