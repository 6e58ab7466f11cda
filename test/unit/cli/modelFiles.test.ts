import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import { fileLoadHandler, fileSaveHandler } from '../../../src/cli/modelFiles';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { loadPreset } from '../core/fixtures';

const tmp = mkdtempSync(path.join(tmpdir(), 'tensorweave-model-'));
beforeAll(() => useBackend('cpu'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('saves a compiled model as model.json + weights.bin and loads it back with identical predictions', async () => {
  const doc = loadPreset('hidden-layer');
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  await compiled.model.save(fileSaveHandler(tmp));
  const loaded = await tf.loadLayersModel(fileLoadHandler(path.join(tmp, 'model.json')));
  const x = tf.randomUniform([4, 784], 0, 1, 'float32', 5);
  const a = (compiled.model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.predict(x) as tf.Tensor).dataSync();
  expect([...b]).toEqual([...a]);
  expect(loaded.layers.map((l) => l.name)).toEqual(['input', 'hidden', 'sigmoid', 'output', 'softmax']);
  compiled.dispose();
  loaded.dispose();
});
