/**
 * ONNX both ways against onnxruntime-web (running in Node on its wasm backend): Tensorweave's
 * models exported and run there, and ONNX files imported and run here, agree on 1,000 MNIST
 * test images.
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
import { edge, graph, loadPreset, node } from '../core/fixtures';
import { maxDifference, OnnxHarness, randomWeights } from './onnxHarness';

const IMAGES = 1000;
const TOLERANCE = 1e-5;

/** Every node type, two branches joined by Add and Concat, and a Dense on the picture itself. */
function everyNodeType(): GraphDocument {
  return graph(
    [
      node('in', 'input', { layout: 'image' }),
      node('px', 'dense', { units: 3 }),
      node('pr', 'relu'),
      node('fl', 'flatten'),
      node('d1', 'dense', { units: 32 }),
      node('r1', 'relu'),
      node('dp', 'dropout', { rate: 0.3 }),
      node('d2', 'dense', { units: 32 }),
      node('t2', 'tanh'),
      node('sum', 'add'),
      node('d3', 'dense', { units: 16, useBias: false }),
      node('s3', 'sigmoid'),
      node('cat', 'concat'),
      node('out', 'dense', { units: 10 }),
      node('sm', 'softmax'),
      node('loss', 'loss'),
    ],
    [
      edge('in', 'px'),
      edge('px', 'pr'),
      edge('pr', 'fl'),
      edge('fl', 'd1'),
      edge('d1', 'r1'),
      edge('r1', 'dp'),
      edge('fl', 'd2'),
      edge('d2', 't2'),
      edge('dp', 'sum'),
      edge('t2', 'sum'),
      edge('fl', 'd3'),
      edge('d3', 's3'),
      edge('sum', 'cat'),
      edge('s3', 'cat'),
      edge('cat', 'out'),
      edge('out', 'sm'),
      edge('sm', 'loss'),
    ],
  );
}

describe('ONNX ⇄ onnxruntime-web (Node, wasm)', () => {
  const h = new OnnxHarness(IMAGES);
  beforeAll(() => h.setUp());
  afterAll(() => h.dispose());
  const compile = h.compile.bind(h);
  const tfjsPredict = h.tfjsPredict.bind(h);
  const ortPredict = h.ortPredict.bind(h);

  it('exports a briefly trained hidden-layer model that onnxruntime runs to within 1e-5 on 1,000 test images', async () => {
    const doc = loadPreset('hidden-layer');
    const trained = compile(doc);
    // The preset's own settings (SGD, learning rate 0.001, batches of 100), for 30 steps.
    const settings = { ...runSettingsOf(doc.training), duration: { unit: 'steps' as const, steps: 30 } };
    await train(tf, trained, h.data, { ...settings, validationEvery: 0, evaluate: false });
    const bytes = artifactsToOnnx(await saveArtifacts(tf, trained), doc);
    if (!bytes.ok) throw new Error(bytes.error);
    const decoded = onnx.ModelProto.decode(bytes.value);
    expect(Number(decoded.opsetImport[0]!.version)).toBeGreaterThanOrEqual(13);
    expect(decoded.graph!.node!.map((n) => n.opType)).toEqual(['Gemm', 'Sigmoid', 'Gemm', 'Softmax']);

    const ours = tfjsPredict(trained, [784]);
    const theirs = await ortPredict(bytes.value, [784]);
    expect(maxDifference(ours, theirs)).toBeLessThan(TOLERANCE);
    // Not a constant: the rows are real, differing predictions.
    expect(new Set(Array.from(theirs.subarray(0, 50), (v) => v.toFixed(3))).size).toBeGreaterThan(10);
  });

  it('exports every node type and both merges; Dropout is dropped, and onnxruntime agrees to 1e-5', async () => {
    const doc = everyNodeType();
    const weights = randomWeights(doc, 7);
    const bytes = graphToOnnx(doc, weights);
    if (!bytes.ok) throw new Error(bytes.error);
    const ops = onnx.ModelProto.decode(bytes.value).graph!.node!.map((n) => n.opType);
    expect(ops).not.toContain('Dropout');
    expect(new Set(ops)).toEqual(
      new Set(['MatMul', 'Add', 'Relu', 'Flatten', 'Gemm', 'Tanh', 'Sigmoid', 'Concat', 'Softmax']),
    );
    const ours = tfjsPredict(compile(doc, weights), [28, 28, 1]);
    expect(maxDifference(ours, await ortPredict(bytes.value, [28, 28, 1]))).toBeLessThan(TOLERANCE);
  });

  it('imports the tf2onnx Keras MLP and predicts what onnxruntime predicts, to 1e-5', async () => {
    const bytes = new Uint8Array(
      readFileSync(
        new URL('../../fixtures/onnx/onnx-tf2onnx1.16-keras-mlp-adimail/mnist_model.onnx', import.meta.url),
      ),
    );
    const imported = importOnnx(bytes);
    if (!imported.ok) throw new Error(imported.error);
    const ours = tfjsPredict(compile(imported.value.doc, imported.value.weights), [28, 28, 1]);
    const theirs = await ortPredict(bytes, [28, 28]);
    expect(maxDifference(ours, theirs)).toBeLessThan(TOLERANCE);
  });

  it('round-trips our export through our import: the same document, weights and predictions', async () => {
    const doc = everyNodeType();
    const weights = randomWeights(doc, 11);
    const bytes = graphToOnnx(doc, weights);
    if (!bytes.ok) throw new Error(bytes.error);
    const back = importOnnx(bytes.value);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.doc).toEqual(doc);
    expect(back.value.weights).toEqual(weights);
    expect(back.value.notes).toEqual([]);
    const before = tfjsPredict(compile(doc, weights), [28, 28, 1]);
    expect(tfjsPredict(compile(back.value.doc, back.value.weights), [28, 28, 1])).toEqual(before);

    // Without the stored document the operators alone give the same layers (less the Dropout).
    const model = onnx.ModelProto.decode(bytes.value);
    model.metadataProps = [];
    const bare = importOnnx(onnx.ModelProto.encode(model).finish());
    if (!bare.ok) throw new Error(bare.error);
    // (in the operators' topological order rather than the document's)
    expect(bare.value.doc.nodes.map((n) => `${n.id}:${n.type}`).sort()).toEqual(
      doc.nodes
        .filter((n) => n.type !== 'dropout')
        .map((n) => `${n.id}:${n.type}`)
        .sort(),
    );
    expect(bare.value.doc.edges.find((e) => e.to.node === 'sum')!.from.node).toBe('r1');
    const again = tfjsPredict(compile(bare.value.doc, bare.value.weights), [28, 28, 1]);
    expect(maxDifference(again, before)).toBe(0);
  });
});
