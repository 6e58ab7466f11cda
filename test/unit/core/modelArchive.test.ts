import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { analyzeGraph } from '../../../src/core/analyze';
import { extractGraphFromSvg, renderGraphSvg } from '../../../src/core/exchange/graphSvg';
import { modelJsonToGraph, readWeights } from '../../../src/core/exchange/importLayersModel';
import { importTrainedModel } from '../../../src/core/exchange/importTrainedModel';
import {
  buildModelJson,
  unzipModel,
  zipModel,
  type ModelArtifactsLike,
} from '../../../src/core/exchange/modelArchive';
import { err, ok } from '../../../src/core/result';
import { loadPreset } from './fixtures';

/** Artifacts of the beginner preset with recognisable weights. */
function beginnerArtifacts(): { artifacts: ModelArtifactsLike; kernel: Float32Array; bias: Float32Array } {
  const kernel = Float32Array.from({ length: 7840 }, (_, i) => Math.sin(i) * 0.01);
  const bias = Float32Array.from({ length: 10 }, (_, i) => i / 7);
  const weightData = new Uint8Array(4 * 7850);
  new Float32Array(weightData.buffer).set([...kernel, ...bias]);
  const artifacts = {
    modelTopology: { class_name: 'Model', config: { layers: [] } },
    weightSpecs: [
      { name: 'dense/kernel', shape: [784, 10], dtype: 'float32' },
      { name: 'dense/bias', shape: [10], dtype: 'float32' },
    ],
    weightData,
  };
  return { artifacts, kernel, bias };
}

describe('model zip', () => {
  it('round-trips a model: the graph comes back exactly and the weights bit for bit', () => {
    const doc = loadPreset('beginner');
    const { artifacts, kernel, bias } = beginnerArtifacts();
    const zip = zipModel(artifacts, doc);
    const files = unzipModel(zip);
    expect(files.ok).toBe(true);
    if (!files.ok) return;
    expect([...files.value.keys()].sort()).toEqual(['graph.json', 'model.json', 'weights.bin']);
    const model = modelJsonToGraph(JSON.parse(new TextDecoder().decode(files.value.get('model.json'))));
    expect(model.ok && model.value.doc).toEqual(doc);
    if (!model.ok) return;
    const weights = readWeights(model.value.doc, model.value.manifest, (n) => files.value.get(n));
    expect(weights.ok).toBe(true);
    if (!weights.ok) return;
    expect(weights.value.get('dense')![0]!.data).toEqual(kernel);
    expect(weights.value.get('dense')![1]!.data).toEqual(bias);
  });

  it('refuses what is not a zip, a zip without model.json, and a zip bomb', () => {
    expect(unzipModel(new Uint8Array([1, 2, 3, 4]))).toEqual({
      ok: false,
      error: 'The file is not a zip archive.',
    });
    expect(unzipModel(zipSync({ 'x.txt': new Uint8Array([1]) }))).toEqual({
      ok: false,
      error: 'The zip archive has no model.json.',
    });
    const bomb = zipSync({ 'model.json': [new Uint8Array(300 * 1024 * 1024), { level: 9 }] });
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const r = unzipModel(bomb);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/unpacks to more than 272 MB/);
  });
});

describe('importTrainedModel', () => {
  const doc = loadPreset('beginner');

  it('opens a zip as the graph and its weights', async () => {
    const { artifacts, kernel, bias } = beginnerArtifacts();
    const model = await importTrainedModel({ zip: zipModel(artifacts, doc) });
    if (!model.ok) throw new Error(model.error);
    expect(model.value.doc).toEqual(doc);
    expect(model.value.notes).toEqual([]);
    expect(model.value.weights.get('dense')!.map((w) => w.data)).toEqual([kernel, bias]);
    expect(await importTrainedModel({ zip: new Uint8Array([1, 2, 3, 4]) })).toEqual(
      err('The file is not a zip archive.'),
    );
  });

  it('asks the reader only for the files the manifest names, once each', async () => {
    const { artifacts, kernel } = beginnerArtifacts();
    const asked: string[] = [];
    const model = await importTrainedModel({
      modelJson: JSON.stringify(buildModelJson(artifacts, doc)),
      readWeightFile: (name) => {
        asked.push(name);
        return Promise.resolve(ok(name === 'weights.bin' ? artifacts.weightData : undefined));
      },
    });
    expect(asked).toEqual(['weights.bin']);
    expect(model.ok && model.value.weights.get('dense')![0]!.data).toEqual(kernel);
  });

  it('refuses bad JSON, a missing weight file, and passes the reader’s own refusal on', async () => {
    const { artifacts } = beginnerArtifacts();
    const modelJson = JSON.stringify(buildModelJson(artifacts, doc));
    const bad = await importTrainedModel({
      modelJson: '{',
      readWeightFile: () => Promise.resolve(ok(undefined)),
    });
    expect(!bad.ok && bad.error).toMatch(/^model\.json is not valid JSON: .+\.$/);
    const missing = await importTrainedModel({
      modelJson,
      readWeightFile: () => Promise.resolve(ok(undefined)),
    });
    expect(!missing.ok && missing.error).toMatch(/^The weight file "weights\.bin" is missing/);
    const refused = await importTrainedModel({
      modelJson,
      readWeightFile: (name) => Promise.resolve(err(`"${name}" could not be read.`)),
    });
    expect(refused).toEqual(err('"weights.bin" could not be read.'));
  });
});

describe('graph pictures (SVG)', () => {
  it('draws every node and edge label and carries the document', () => {
    const doc = loadPreset('hidden-layer');
    const svg = renderGraphSvg(doc, analyzeGraph(doc));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const label of ['?×784', '?×625', '?×10', '490,625 params', 'hidden-layer · 496,885 parameters']) {
      expect(svg).toContain(label);
    }
    expect(extractGraphFromSvg(svg)).toEqual({ ok: true, value: doc });
  });

  it('escapes labels and refuses an SVG without a graph', () => {
    const doc = loadPreset('beginner');
    doc.nodes[1]!.label = '<script>alert(1)</script>';
    const svg = renderGraphSvg(doc, analyzeGraph(doc));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(extractGraphFromSvg('<svg></svg>').ok).toBe(false);
  });
});
