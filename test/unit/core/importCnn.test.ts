/**
 * Real CNNs written by tensorflowjs_converter (Keras 2.5, and Keras 2.2.4 without an
 * InputLayer) import as editable graphs with their weights and predict what Keras computes
 * for the same weights (`keras-reference.json` beside each fixture, made once by
 * `test/fixtures/external/kerasReference.py`); Keras 3 topologies import with Keras's shapes
 * and parameter count. An imported CNN trains further, and exports to a zip plain tfjs loads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import { modelJsonToGraph } from '../../../src/core/exchange/importLayersModel';
import { importTrainedModel, type TrainedModel } from '../../../src/core/exchange/importTrainedModel';
import { MODEL_JSON, unzipModel, WEIGHTS_BIN, zipModel } from '../../../src/core/exchange/modelArchive';
import { ok } from '../../../src/core/result';
import { nodeReadBytes, tf } from '../../../src/cli/nodeEnv';
import { loadMnist, makeBatch, type MnistData } from '../../../src/training/mnist';
import { TfjsStepper } from '../../../src/training/tfjsStepper';
import { applyWeights, saveArtifacts } from '../../../src/training/weights';

const external = fileURLToPath(new URL('../../fixtures/external/', import.meta.url));
const text = (path: string) => readFileSync(`${external}${path}`, 'utf8');
const beside = (folder: string) => (name: string) => {
  try {
    return Promise.resolve(ok(new Uint8Array(readFileSync(`${external}${folder}/${name}`))));
  } catch {
    return Promise.resolve(ok(undefined));
  }
};

/** The 500 images the references were computed on. */
const COUNT = 500;

let data: MnistData;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
});
afterAll(() => tf.disposeVariables());

async function importFixture(folder: string): Promise<TrainedModel> {
  const model = await importTrainedModel({
    modelJson: text(`${folder}/model.json`),
    readWeightFile: beside(folder),
  });
  if (!model.ok) throw new Error(model.error);
  return model.value;
}

function compileWithWeights(model: TrainedModel): CompiledGraph {
  const analysis = analyzeGraph(model.doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const compiled = compileGraph(tf, model.doc, analysis);
  applyWeights(tf, compiled, model.weights);
  return compiled;
}

/** Outputs for the first `count` test images, as rows of ten. */
function predict(run: (x: tf.Tensor) => tf.Tensor, count = COUNT): number[][] {
  const flat = tf.tidy(() => {
    const { xs } = makeBatch(tf, data.test, undefined, 0, count, [28, 28, 1]);
    return Array.from(run(xs).dataSync());
  });
  return Array.from({ length: count }, (_, i) => flat.slice(i * 10, i * 10 + 10));
}
const argmax = (rows: number[][]) => rows.map((r) => r.indexOf(Math.max(...r)));
const accuracy = (digits: number[]) =>
  digits.filter((d, i) => d === data.test.labels[i]).length / digits.length;

interface Reference {
  argmax: number[];
  first_outputs: number[][];
}

describe.each([
  {
    folder: 'tfjs-keras2-cnn-dropout-akanimoh',
    types:
      'input conv2d relu maxPool2d conv2d relu maxPool2d dropout flatten dense relu dense relu dense softmax loss',
    notes: [] as string[],
  },
  {
    folder: 'tfjs-keras2-cnn-avgpool-alaapsarkar',
    types: 'input conv2d relu conv2d relu maxPool2d conv2d relu avgPool2d flatten dense softmax loss',
    notes: ['The file does not say which loss it was trained with; cross-entropy (batch mean) is assumed.'],
  },
  {
    folder: 'tfjs-keras2.2.4-cnn-dropout-l2-aslamplr',
    types:
      'input conv2d relu maxPool2d dropout conv2d relu maxPool2d conv2d relu dropout flatten dense relu dense softmax loss',
    notes: ['dense_4', 'dense_5'].map(
      (id) =>
        `Dense "${id}" has a kernel regularizer (L1L2 {"l1":0,"l2":0.0010000000474974513}); it is left out: Tensorweave trains without weight penalties or constraints.`,
    ),
  },
])('the converter CNN $folder', ({ folder, types, notes }) => {
  it('imports as an editable graph whose predictions equal Keras on 500 test images', async () => {
    const before = tf.memory().numTensors;
    const model = await importFixture(folder);
    expect(model.doc.nodes.map((n) => n.type).join(' ')).toBe(types);
    // A long chain wraps into lines of four on the canvas, like the presets.
    expect(Math.max(...model.doc.nodes.map((n) => n.position.x))).toBe(900);
    expect(Math.max(...model.doc.nodes.map((n) => n.position.y))).toBeGreaterThanOrEqual(170);
    expect(model.notes).toEqual(notes);
    const reference = JSON.parse(text(`${folder}/keras-reference.json`)) as Reference;
    const compiled = compileWithWeights(model);
    const ours = predict((x) => compiled.model.predict(x) as tf.Tensor);
    expect(argmax(ours)).toEqual(reference.argmax);
    reference.first_outputs.forEach((row, i) => row.forEach((v, k) => expect(ours[i]![k]).toBeCloseTo(v, 4)));
    // So the test accuracy is Keras's too; these are trained classifiers.
    expect(accuracy(argmax(ours))).toBe(accuracy(reference.argmax));
    expect(accuracy(reference.argmax)).toBeGreaterThan(0.95);
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

interface ShapesReference {
  params: number;
  output_shapes: Record<string, number[]>;
}

/** The graph's shapes and parameter count against Keras's, which counts BatchNorm's running averages too. */
function expectKerasShapes(doc: GraphDocument, reference: ShapesReference): void {
  const analysis = analyzeGraph(doc);
  expect(analysis.valid).toBe(true);
  const runningAverages = [...analysis.nodes.values()]
    .filter((n) => n.type === 'batchNorm')
    .reduce((sum, n) => sum + 2 * n.outputShape!.at(-1)!, 0);
  expect(analysis.totalParams + runningAverages).toBe(reference.params);
  const shapes = Object.fromEntries(
    Object.keys(reference.output_shapes).map((id) => [id, analysis.nodes.get(id)?.outputShape]),
  );
  expect(shapes).toEqual(reference.output_shapes);
}

describe('Keras 3 topologies', () => {
  it.each([
    ['to_json()', 'keras3-sequential-cnn-to_json-himalrana/model_architecture.json'],
    ['.keras config.json', 'keras3-sequential-cnn-dropout-moonflower2022/config.json'],
    ['.keras config.json, a ResNet with ReLU layers', 'keras3-functional-resnet-add-ibukye/config.json'],
  ])('import (%s) with the shapes and parameter count Keras computes', (_what, path) => {
    const graph = modelJsonToGraph(JSON.parse(text(path)));
    if (!graph.ok) throw new Error(graph.error);
    const reference = JSON.parse(text(path.replace(/[^/]+$/, 'keras-reference.json'))) as ShapesReference;
    expectKerasShapes(graph.value.doc, reference);
  });
});

describe('the Keras 3 CNN made by kerasGenerated.py (ReLU layers, global average pooling, Deep MNIST initialisers)', () => {
  const folder = 'keras3-functional-gap-relu-generated';
  const reference = () =>
    JSON.parse(text(`${folder}/keras-reference.json`)) as Reference & ShapesReference & { accuracy: number };

  it('imports with its weights, initialisers and training settings, predicting as Keras within 1e-4', async () => {
    const before = tf.memory().numTensors;
    const model = await importFixture(folder);
    expect(model.doc.nodes.map((n) => n.type).join(' ')).toBe(
      'input conv2d relu maxPool2d conv2d relu maxPool2d conv2d relu globalAvgPool2d dense softmax loss',
    );
    expect(model.notes).toEqual([]);
    for (const id of ['conv1', 'conv2', 'conv3', 'probs']) {
      expect(model.doc.nodes.find((n) => n.id === id)!.params).toMatchObject({
        kernelInitializer: { name: 'truncatedNormal', mean: 0, stddev: 0.1 },
        biasInitializer: { name: 'constant', value: 0.1 },
      });
    }
    expect(model.doc.training.optimizer.type).toBe('adam');
    expect(model.doc.training.learningRate).toBeCloseTo(0.003, 8);

    const ref = reference();
    const compiled = compileWithWeights(model);
    const ours = predict((x) => compiled.model.predict(x) as tf.Tensor);
    expect(argmax(ours)).toEqual(ref.argmax);
    const largest = Math.max(
      ...ref.first_outputs.flatMap((row, i) => row.map((v, k) => Math.abs(ours[i]![k]! - v))),
    );
    expect(largest).toBeLessThan(1e-4);
    expect(accuracy(argmax(ours))).toBe(ref.accuracy);
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('imports as a bare to_json() topology with the shapes and parameter count Keras computes', () => {
    const file = JSON.parse(text(`${folder}/model.json`)) as { modelTopology: object };
    const graph = modelJsonToGraph(file.modelTopology);
    if (!graph.ok) throw new Error(graph.error);
    expectKerasShapes(graph.value.doc, reference());
  });
});

describe('an imported CNN', () => {
  const folder = 'tfjs-keras2-cnn-avgpool-alaapsarkar';

  // tfjs's cpu Conv2DBackpropFilter takes seconds per step on 16+ channels, so the CNN whose
  // second convolution is smallest trains a few small steps.
  it('trains further from its weights and stays a good classifier', async () => {
    const before = tf.memory().numTensors;
    const model = await importFixture('tfjs-keras2-cnn-dropout-akanimoh');
    const doc: GraphDocument = {
      ...model.doc,
      training: { ...model.doc.training, optimizer: { type: 'sgd' }, learningRate: 0.01 },
    };
    const compiled = compileWithWeights({ ...model, doc });
    const start = compiled.model.getLayer('conv2d_1').getWeights()[0]!.dataSync().slice();
    const stepper = new TfjsStepper(tf, compiled, data.train, 4, true);
    const order = Int32Array.from({ length: 4 * 3 }, (_, i) => 1000 + i);
    const losses = Array.from({ length: 3 }, (_, s) => stepper.step(order, s * 4, false).loss);
    stepper.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    const moved = compiled.model.getLayer('conv2d_1').getWeights()[0]!.dataSync();
    expect(moved.some((v, i) => v !== start[i])).toBe(true);
    expect(accuracy(argmax(predict((x) => compiled.forward(x, false))))).toBeGreaterThan(0.95);
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exports to a zip that plain tf.loadLayersModel reads, predicting the same', async () => {
    const model = await importFixture(folder);
    const compiled = compileWithWeights(model);
    const files = unzipModel(zipModel(await saveArtifacts(tf, compiled), model.doc));
    if (!files.ok) throw new Error(files.error);
    const modelJson = JSON.parse(new TextDecoder().decode(files.value.get(MODEL_JSON))) as {
      modelTopology: object;
      weightsManifest: { weights: never[] }[];
    };
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
        weightData: files.value.get(WEIGHTS_BIN)!.slice().buffer as ArrayBuffer,
      }),
    );
    expect(loaded.layers.map((l) => l.getClassName())).toContain('AveragePooling2D');
    const theirs = predict((x) => loaded.predict(x) as tf.Tensor, 100);
    const ours = predict((x) => compiled.model.predict(x) as tf.Tensor, 100);
    expect(theirs).toEqual(ours);
    // And back into Tensorweave: the same graph.
    const again = await importTrainedModel({ zip: zipModel(await saveArtifacts(tf, compiled), model.doc) });
    expect(again.ok && again.value.doc).toEqual(model.doc);
    loaded.dispose();
    compiled.dispose();
  });
});
