/**
 * The importer against real files written by Keras and tensorflowjs_converter
 * (test/fixtures/external, each with its SOURCE.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import { modelJsonToGraph } from '../../../src/core/exchange/importLayersModel';
import { importTrainedModel, openTrainedModel } from '../../../src/core/exchange/importTrainedModel';
import { loadMnist, makeBatch, type MnistData } from '../../../src/training/mnist';
import { applyWeights } from '../../../src/training/weights';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import { ok } from '../../../src/core/result';

const external = fileURLToPath(new URL('../../fixtures/external/', import.meta.url));
const text = (path: string) => readFileSync(`${external}${path}`, 'utf8');
const json = (path: string): unknown => JSON.parse(text(path));
const bytes = (path: string) => new Uint8Array(readFileSync(`${external}${path}`));

const MLP = 'tfjs-keras2-mlp-88v88/';

/** A weight reader over one fixture folder, as the CLI reads files beside model.json. */
const beside = (folder: string) => (name: string) => {
  try {
    return Promise.resolve(ok(bytes(`${folder}${name}`)));
  } catch {
    return Promise.resolve(ok(undefined));
  }
};

describe('tensorflowjs_converter files', () => {
  it('imports the Keras 2.4 MLP with its loss and optimizer from the inner training_config', async () => {
    const model = await importTrainedModel({
      modelJson: text(`${MLP}model.json`),
      readWeightFile: beside(MLP),
    });
    if (!model.ok) throw new Error(model.error);
    const { doc, weights, notes } = model.value;
    expect(doc.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'flatten_20_input:input',
      'flatten_20:flatten',
      'dense_41:dense',
      'dense_41_relu:relu',
      'dense_42:dense',
      'dense_42_softmax:softmax',
      'loss:loss',
    ]);
    expect(doc.nodes.find((n) => n.type === 'loss')!.params).toEqual({
      loss: 'categoricalCrossentropy',
      reduction: 'mean',
    });
    // Adam as saved, including the decayed learning rate the notebook left behind.
    expect(doc.training.optimizer).toEqual({
      type: 'adam',
      beta1: 0.8999999761581421,
      beta2: 0.9990000128746033,
      epsilon: 1e-7,
    });
    expect(doc.training.learningRate).toBe(2.969525667029238e-12);
    expect(notes).toEqual([
      'Input "flatten_20_input" is 28×28 without a channel axis; it is read as 28×28×1 (the same pixels after Flatten).',
    ]);
    expect(analyzeGraph(doc).valid).toBe(true);
    expect([...weights.keys()]).toEqual(['dense_41', 'dense_42']);
    expect(weights.get('dense_41')!.map((w) => w.shape)).toEqual([[784, 128], [128]]);
  });

  it('refuses the Keras 2.9 MLP naming Rescaling, which Tensorweave has no node for', () => {
    const r = modelJsonToGraph(json('tfjs-keras2.9-mlp-rescaling-nakanochuo/model.json'));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatch(/^The model uses layers Tensorweave cannot edit: Rescaling\. Supported:/);
  });
});

describe('Keras 3 files', () => {
  it('reads the functional ResNet (flat triples, Keras 3 inbound nodes, Add of a list, ReLU layers, global pooling)', () => {
    const r = modelJsonToGraph(json('keras3-functional-resnet-add-ibukye/config.json'));
    if (!r.ok) throw new Error(r.error);
    const { doc, notes } = r.value;
    const typeOf = (id: string) => doc.nodes.find((n) => n.id === id)?.type;
    expect([typeOf('re_lu'), typeOf('re_lu_1'), typeOf('global_average_pooling2d')]).toEqual([
      'relu',
      'relu',
      'globalAvgPool2d',
    ]);
    // The residual join: the block's input and its last batch norm both feed the Add.
    const into = (id: string) => doc.edges.filter((e) => e.to.node === id).map((e) => e.from.node);
    expect(into('add_1')).toEqual(['re_lu', 'batch_normalization_4']);
    expect(into('global_average_pooling2d')).toEqual(['re_lu_1']);
    expect(notes).toEqual([]);
    expect(analyzeGraph(doc).valid).toBe(true);
  });
});

describe('a topology-only converter file', () => {
  const topologyOnly = () => {
    const file = json(`${MLP}model.json`) as Record<string, unknown>;
    delete file.weightsManifest;
    return JSON.stringify(file);
  };

  it('opens with freshly initialised weights when the manifest is absent, and says so', async () => {
    const opened = await openTrainedModel({ modelJson: topologyOnly(), readWeightFile: beside(MLP) });
    if (!opened.ok) throw new Error(opened.error);
    expect(opened.value.weights).toBeUndefined();
    expect(opened.value.missingWeights).toMatch(/lists no weights \(it has no "weightsManifest"\)/);
    expect(opened.value.notes.at(-1)).toMatch(/The graph opens with freshly initialised weights\.$/);
    expect(analyzeGraph(opened.value.doc).valid).toBe(true);
  });

  it('opens without weights when its .bin is missing, naming the file; importTrainedModel refuses', async () => {
    const source = { modelJson: text(`${MLP}model.json`), readWeightFile: beside('nowhere/') };
    const opened = await openTrainedModel(source);
    expect(opened.ok && opened.value.missingWeights).toBe(
      'The weight file "group1-shard1of1.bin" is missing: it must come with model.json (beside it, selected with it, or in the same zip).',
    );
    expect(opened.ok && opened.value.weights).toBeUndefined();
    const strict = await importTrainedModel(source);
    expect(!strict.ok && strict.error).toMatch(/^The weight file "group1-shard1of1\.bin" is missing/);
  });

  it('still refuses a truncated .bin instead of opening without weights', async () => {
    const opened = await openTrainedModel({
      modelJson: text(`${MLP}model.json`),
      readWeightFile: () => Promise.resolve(ok(bytes(`${MLP}group1-shard1of1.bin`).subarray(0, 1000))),
    });
    expect(!opened.ok && opened.error).toMatch(
      /holds 1,000 bytes; the manifest needs 407,080\. The file is truncated/,
    );
  });
});

describe('predictions of an imported converter file (Node, cpu)', () => {
  let data: MnistData;
  beforeAll(async () => {
    await useBackend('cpu');
    data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
  });
  afterAll(() => tf.disposeVariables());

  it('equal plain tf.loadLayersModel on the same files for 100 test images', async () => {
    const before = tf.memory().numTensors;
    const file = json(`${MLP}model.json`) as {
      modelTopology: object;
      weightsManifest: { weights: never[] }[];
    };
    const weightData = bytes(`${MLP}group1-shard1of1.bin`).slice().buffer as ArrayBuffer;
    const reference = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: file.modelTopology,
        weightSpecs: file.weightsManifest.flatMap((g) => g.weights),
        weightData,
      }),
    );
    const model = await importTrainedModel({
      modelJson: text(`${MLP}model.json`),
      readWeightFile: beside(MLP),
    });
    if (!model.ok) throw new Error(model.error);
    const compiled = compileGraph(tf, model.value.doc, analyzeGraph(model.value.doc));
    applyWeights(tf, compiled, model.value.weights);

    const [theirs, ours] = tf.tidy(() => {
      const { xs } = makeBatch(tf, data.test, undefined, 0, 100, [28, 28]);
      const a = (reference.predict(xs) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array;
      const b = (
        compiled.model.predict(xs.reshape([100, ...compiled.inputShape])) as ReturnType<typeof tf.tensor>
      ).dataSync() as Float32Array;
      return [a, b];
    });
    expect(ours.length).toBe(1000);
    expect(Array.from(ours)).toEqual(Array.from(theirs));
    // A real, trained classifier: most of the 100 digits are right.
    let correct = 0;
    for (let i = 0; i < 100; i++) {
      const row = Array.from(ours.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === data.test.labels[i]) correct++;
    }
    expect(correct).toBeGreaterThan(90);

    reference.dispose();
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
