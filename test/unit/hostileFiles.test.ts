/**
 * The CLI's file reading under issue 11: only regular files, sizes checked before reading,
 * weight files confined to the model's folder, and a `weightsManifest` of the wrong type
 * refused with a sentence rather than `manifest.flatMap is not a function`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kerasModel, weightBytes } from '../../scripts/hostileModels';
import { readRegularFile, resolveInside } from '../../src/cli/boundedRead';
import { fileLoadHandler } from '../../src/cli/modelFiles';
import { err, ok } from '../../src/core/result';

const dir = mkdtempSync(path.join(tmpdir(), 'tensorweave-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file and refuses one over the limit before reading it', async () => {
    const file = path.join(dir, 'small.json');
    writeFileSync(file, '{"a":1}');
    expect(await readRegularFile(file, 100)).toEqual(ok(new TextEncoder().encode('{"a":1}')));
    expect(await readRegularFile(file, 3)).toEqual(err('is 0.0 MB; at most 0.0 MB is accepted.'));
  });

  it('refuses a FIFO at once (no writer needed), a device and a folder', async () => {
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await readRegularFile(fifo, 100)).toEqual(
      err('is a named pipe (FIFO), not a regular file; refusing to read it.'),
    );
    expect(await readRegularFile('/dev/zero', 100)).toEqual(
      err('is a device, not a regular file; refusing to read it.'),
    );
    expect(await readRegularFile(dir, 100)).toEqual(err('is a folder, not a file.'));
    expect(await readRegularFile(path.join(dir, 'nope'), 100)).toEqual(err('file not found.'));
  });
});

describe('resolveInside', () => {
  it('follows links inside the folder, refuses links out of it, and reports missing files', async () => {
    const model = path.join(dir, 'model');
    mkdirSync(model);
    writeFileSync(path.join(model, 'real.bin'), 'x');
    symlinkSync('real.bin', path.join(model, 'inside.bin'));
    symlinkSync('/etc/passwd', path.join(model, 'outside.bin'));
    expect(await resolveInside(model, 'inside.bin')).toEqual(ok(path.join(model, 'real.bin')));
    expect(await resolveInside(model, 'outside.bin')).toEqual(
      err(`"outside.bin" points outside the model's folder; refusing to read it.`),
    );
    expect(await resolveInside(model, 'missing.bin')).toEqual(ok(undefined));
  });
});

describe('fileLoadHandler', () => {
  // `load` is optional on tf.io handlers; ours always has it.
  const loadModel = (file: string) => fileLoadHandler(file).load!();

  function modelDir(name: string, json: unknown, weights?: string): string {
    const folder = path.join(dir, name);
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'model.json'), JSON.stringify(json));
    if (weights) symlinkSync(weights, path.join(folder, 'weights.bin'));
    else writeFileSync(path.join(folder, 'weights.bin'), weightBytes());
    return path.join(folder, 'model.json');
  }

  it('refuses a weightsManifest that is an object, with a sentence', async () => {
    const file = modelDir('object-manifest', {
      ...kerasModel(2),
      weightsManifest: { paths: ['weights.bin'] },
    });
    await expect(loadModel(file)).rejects.toThrow(`${file}: "weightsManifest" must be a list.`);
  });

  it('refuses weights linked to /dev/zero outside the folder', async () => {
    const file = modelDir('zero-weights', kerasModel(2), '/dev/zero');
    await expect(loadModel(file)).rejects.toThrow(/points outside the model's folder/);
  });

  it('loads a model whose weights are in its folder', async () => {
    const artifacts = await loadModel(modelDir('good', kerasModel(2)));
    expect(artifacts.weightSpecs?.map((w) => w.name)).toEqual(['dense/kernel', 'dense/bias']);
    expect(
      artifacts.weightData && 'byteLength' in artifacts.weightData && artifacts.weightData.byteLength,
    ).toBe(4 * 7850);
  });
});
