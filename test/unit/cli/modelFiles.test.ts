import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import { zipModel } from '../../../src/core/exchange/modelArchive';
import { fileLoadHandler, readGraphOrModel, writeModelFiles } from '../../../src/cli/modelFiles';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { saveArtifacts } from '../../../src/training/weights';
import { loadPreset } from '../core/fixtures';

const tmp = mkdtempSync(path.join(tmpdir(), 'tensorweave-model-'));
beforeAll(() => useBackend('cpu'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('model files on disk', () => {
  const doc = loadPreset('hidden-layer');

  it('writes model.json + weights.bin that tf.loadLayersModel predicts identically from', async () => {
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const dir = path.join(tmp, 'written');
    const written = await writeModelFiles(dir, await saveArtifacts(tf, compiled), doc);
    expect(written).toBe(path.join(dir, 'model.json'));
    const json = JSON.parse(readFileSync(written, 'utf8'));
    expect(json).toMatchObject({
      format: 'layers-model',
      generatedBy: 'Tensorweave',
      weightsManifest: [{ paths: ['./weights.bin'] }],
      userDefinedMetadata: { tensorweaveGraph: { name: 'hidden-layer' } },
    });
    expect(readFileSync(path.join(dir, 'weights.bin')).byteLength).toBe(496_885 * 4);

    const loaded = await tf.loadLayersModel(fileLoadHandler(written));
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 5);
    const a = compiled.model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect([...b.dataSync()]).toEqual([...a.dataSync()]);
    expect(loaded.layers.map((l) => l.name)).toEqual(['input', 'hidden', 'sigmoid', 'output', 'softmax']);
    tf.dispose([x, a, b]);
    compiled.dispose();
    loaded.dispose();
  });

  it('reads back the graph and bit-identical weights from model.json and from a zip', async () => {
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const artifacts = await saveArtifacts(tf, compiled);
    const kernel = compiled.model.getLayer('hidden').getWeights()[0]!;
    const expected = [...(kernel.dataSync() as Float32Array)];
    compiled.dispose();
    const modelJson = await writeModelFiles(path.join(tmp, 'read'), artifacts, doc);
    const zip = path.join(tmp, 'model.zip');
    writeFileSync(zip, zipModel(artifacts, doc));

    for (const file of [modelJson, zip]) {
      const read = await readGraphOrModel(file);
      if (!read.ok) throw new Error(read.error);
      expect(read.value.doc).toEqual(doc);
      expect(read.value.notes).toEqual([]);
      expect([...read.value.weights!.keys()]).toEqual(['hidden', 'output']);
      expect([...read.value.weights!.get('hidden')![0]!.data]).toEqual(expected);
    }
  });

  it('reads a graph document without weights, and refuses what is not a file', async () => {
    const read = await readGraphOrModel('graphs/beginner.json');
    expect(read.ok && read.value.weights).toBeUndefined();
    expect(read.ok && read.value.doc.name).toBe('beginner');
    mkdirSync(path.join(tmp, 'folder.json'), { recursive: true });
    expect(await readGraphOrModel(path.join(tmp, 'folder.json'))).toEqual({
      ok: false,
      error: 'is a folder, not a file.',
    });
    expect(await readGraphOrModel(path.join(tmp, 'absent.json'))).toEqual({
      ok: false,
      error: 'file not found.',
    });
  });

  it('never reads a weight file outside the folder of model.json', async () => {
    const dir = path.join(tmp, 'escape');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(tmp, 'outside.bin'), new Uint8Array(4 * 7850));
    const json = JSON.parse(readFileSync('graphs/beginner.json', 'utf8'));
    writeFileSync(
      path.join(dir, 'model.json'),
      JSON.stringify({
        format: 'layers-model',
        modelTopology: { class_name: 'Model', config: { layers: [] } },
        weightsManifest: [{ paths: ['../outside.bin'], weights: [] }],
        userDefinedMetadata: { tensorweaveGraph: json },
      }),
    );
    const read = await readGraphOrModel(path.join(dir, 'model.json'));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(/"\.\.\/outside\.bin" is not a plain file name; refusing it/);
  });
});
