import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/export';
import { readGraphOrModel, writeModelFiles } from '../../../src/cli/modelFiles';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import {
  decodeShareToken,
  extractGraphFromPng,
  shareTokenFromHash,
} from '../../../src/core/exchange/graphCarriers';
import { extractGraphFromSvg } from '../../../src/core/exchange/graphSvg';
import { saveArtifacts } from '../../../src/training/weights';
import { loadPreset } from '../core/fixtures';
import { cliRunner, scratchFolder } from './runCli';

const tmp = scratchFolder('tensorweave-export-');

const run = cliRunner(main);

describe('export CLI: bad input exits 2 naming the file and field, failures exit 1', () => {
  it.each([
    ['a missing file', ['graphs/nope.json', '--to', 'svg'], /^graphs\/nope\.json: file not found\.$/m],
    ['no --to', ['graphs/beginner.json'], /--to is required: one of zip, onnx, keras-py/],
    ['an unknown --to', ['graphs/beginner.json', '--to', 'jpg'], /--to must be one of .*; got "jpg"/],
    ['two inputs', ['graphs/beginner.json', 'graphs/hidden-layer.json', '--to', 'svg'], /Give one file/],
    ['a bad --base', ['graphs/beginner.json', '--to', 'link', '--base', 'nowhere'], /--base must be a URL/],
    [
      'a graph for --to zip',
      ['graphs/beginner.json', '--to', 'zip'],
      /^graphs\/beginner\.json: --to zip needs a trained model/m,
    ],
  ])('%s', async (_, argv, message) => {
    const { code, stderr, stdout } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('an invalid graph names the file, the node and the field, and writes nothing', async () => {
    const file = 'test/fixtures/invalid/invalid-param.json';
    const out = path.join(tmp, 'invalid.py');
    const { code, stderr } = await run(file, '--to', 'keras-py', '--out', out);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${file}: error (node "dense", field "units"): units: units must be a whole number`,
    );
    expect(stderr).toContain('--to keras-py needs a valid graph; nothing was written.');
    expect(existsSync(out)).toBe(false);
  });

  it('an unwritable --out is a failure (exit 1) naming it', async () => {
    const out = path.join(tmp, 'no-such-folder', 'x.svg');
    const { code, stderr } = await run('graphs/beginner.json', '--to', 'svg', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain(`${out}: could not write:`);
  });
});

describe('export CLI: graphs to code, pictures and links', () => {
  it('writes the Keras script to stdout and the TypeScript one to --out', async () => {
    const python = await run('graphs/hidden-layer.json', '--to', 'keras-py');
    expect(python.code).toBe(0);
    expect(python.stdout).toContain('def build_model(seed, learning_rate):');
    expect(python.stdout).toContain('STEPS = 30000');
    const out = path.join(tmp, 'hidden.ts');
    const ts = await run('graphs/hidden-layer.json', '--to', 'tfjs-ts', '--out', out);
    expect(ts).toMatchObject({ code: 0, stdout: '' });
    expect(ts.stderr).toContain(`wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toContain("tf.setBackend('wasm')");
  });

  it('makes an SVG and a share link that carry the graph back', async () => {
    const doc = loadPreset('hidden-layer');
    const svg = await run('graphs/hidden-layer.json', '--to', 'svg');
    expect(svg.code).toBe(0);
    const fromSvg = extractGraphFromSvg(svg.stdout);
    expect(fromSvg.ok && fromSvg.value).toEqual(doc);

    const link = await run('graphs/hidden-layer.json', '--to', 'link', '--base', 'https://example.org/tw/');
    expect(link.code).toBe(0);
    const url = new URL(link.stdout.trim());
    expect(url.origin + url.pathname).toBe('https://example.org/tw/');
    const fromLink = decodeShareToken(shareTokenFromHash(url.hash) ?? '');
    expect(fromLink.ok && fromLink.value).toEqual(doc);
  });

  it('draws a PNG (with resvg-wasm) that carries the graph back', async () => {
    const doc = loadPreset('beginner');
    const out = path.join(tmp, 'beginner.png');
    const { code, stderr, stdout } = await run('graphs/beginner.json', '--to', 'png', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`wrote ${out}`);
    const png = new Uint8Array(readFileSync(out));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // The first chunk is IHDR: width and height are big-endian at bytes 16 and 20.
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    expect(view.getUint32(16)).toBeGreaterThan(100);
    expect(view.getUint32(20)).toBeGreaterThan(100);
    const back = extractGraphFromPng(png);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.name).toBe(doc.name);
    expect(back.value.nodes.map((n) => n.id)).toEqual(doc.nodes.map((n) => n.id));
    expect(back.value.nodes.map((n) => n.params)).toEqual(doc.nodes.map((n) => n.params));
    expect(back.value).toEqual(doc);
  });

  it('runs as `npm run export` does, under plain Node (lz-string and meta-png are UMD packages)', async () => {
    const root = process.cwd();
    const args = ['src/cli/export.ts', 'graphs/beginner.json', '--to', 'link'];
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(path.join(root, 'node_modules/.bin/tsx'), args, { cwd: root }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    const decoded = decodeShareToken(shareTokenFromHash(new URL(result.stdout.trim()).hash) ?? '');
    expect(decoded.ok && decoded.value.name).toBe('beginner');
  });
});

describe('export CLI: trained models', () => {
  let modelJson = '';
  let kernel: Float32Array;
  beforeAll(async () => {
    await useBackend('cpu');
    const doc = loadPreset('beginner');
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    try {
      kernel = (compiled.model.getLayer('dense').getWeights()[0]!.dataSync() as Float32Array).slice();
      modelJson = await writeModelFiles(path.join(tmp, 'model'), await saveArtifacts(tf, compiled), doc);
    } finally {
      compiled.dispose();
    }
  });

  it('turns a model.json with its weights into the app’s zip, weights unchanged', async () => {
    const out = path.join(tmp, 'beginner.zip');
    const { code, stderr } = await run(modelJson, '--to', 'zip', '--out', out);
    expect(code, stderr).toBe(0);
    const back = await readGraphOrModel(out);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.doc.name).toBe('beginner');
    expect(back.value.weights?.get('dense')?.[0]?.data).toEqual(kernel);
  });

  it('turns a model.json with its weights into an ONNX model that opens back with the same weights', async () => {
    const out = path.join(tmp, 'beginner.onnx');
    const { code, stderr } = await run(modelJson, '--to', 'onnx', '--out', out);
    expect(code, stderr).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.length).toBeGreaterThan(kernel.length * 4);
    const back = await readGraphOrModel(out);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.doc.nodes.map((n) => n.type)).toEqual(
      expect.arrayContaining(['input', 'dense', 'softmax', 'loss']),
    );
    expect(back.value.weights?.get('dense')?.[0]?.data).toEqual(kernel);
  });
});
