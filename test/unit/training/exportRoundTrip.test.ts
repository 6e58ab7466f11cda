import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../src/core/compile';
import { importTrainedModel } from '../../../src/core/exchange/importTrainedModel';
import { zipModel } from '../../../src/core/exchange/modelArchive';
import { loadMnist, makeBatch, type MnistData } from '../../../src/training/mnist';
import { train } from '../../../src/training/train';
import { applyWeights, saveArtifacts } from '../../../src/training/weights';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import { loadPreset } from '../core/fixtures';

describe('export → import round trip (Node, wasm)', () => {
  let data: MnistData;
  let trained: CompiledGraph;
  const doc = loadPreset('hidden-layer');

  beforeAll(async () => {
    await useBackend('wasm');
    data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
    trained = compileGraph(tf, doc, analyzeGraph(doc));
    await train(tf, trained, data, {
      batchSize: 100,
      duration: { unit: 'steps', steps: 30 },
      seed: 1,
      learningRate: 0.001,
      validationEvery: 0,
      evaluate: false,
    });
  });
  afterAll(() => trained.dispose());

  function predict(model: { predict: (x: never) => unknown }, count = 100): Float32Array {
    return tf.tidy(() => {
      const { xs } = makeBatch(tf, data.test, undefined, 0, count, [784]);
      return (model.predict(xs as never) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array;
    });
  }

  it('gives bit-identical weights and identical predictions on 100 test images', async () => {
    const before = tf.memory().numTensors;
    const zip = zipModel(await saveArtifacts(tf, trained), doc);
    const imported = await importTrainedModel({ zip });
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.value.doc).toEqual(doc);

    const again = compileGraph(tf, imported.value.doc, analyzeGraph(imported.value.doc));
    applyWeights(tf, again, imported.value.weights);
    for (const [a, b] of trained.model.getWeights().map((w, i) => [w, again.model.getWeights()[i]!])) {
      expect(
        Buffer.from((b!.dataSync() as Float32Array).buffer).equals(
          Buffer.from((a!.dataSync() as Float32Array).buffer),
        ),
      ).toBe(true);
    }
    expect(predict(again.model)).toEqual(predict(trained.model));
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads with tf.loadLayersModel and predicts exactly what Tensorweave predicted', async () => {
    const artifacts = await saveArtifacts(tf, trained);
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs as never,
        weightData: artifacts.weightData.slice().buffer as ArrayBuffer,
      }),
    );
    expect(loaded.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'Activation',
      'Dense',
      'Activation',
    ]);
    const ours = tf.tidy(() => {
      const { xs } = makeBatch(tf, data.test, undefined, 0, 100, [784]);
      return trained.forward(xs, false).dataSync() as Float32Array;
    });
    // Exactly the same numbers as the trained model's own predict()…
    expect(predict(loaded)).toEqual(predict(trained.model));
    // …and as the training loop's forward pass up to float rounding (it adds the bias
    // separately instead of in the fused kernel), with the same predicted digits.
    const theirs = predict(loaded);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(theirs[i]! - ours[i]!)).toBeLessThan(1e-6);
    const argmax = (p: Float32Array) =>
      Array.from({ length: p.length / 10 }, (_, r) => {
        const row = Array.from(p.subarray(r * 10, r * 10 + 10));
        return row.indexOf(Math.max(...row));
      });
    expect(argmax(theirs)).toEqual(argmax(ours));
    loaded.dispose();
  });
});
