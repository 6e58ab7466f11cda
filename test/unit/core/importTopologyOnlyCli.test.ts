/**
 * The train command on a topology-only `model.json` (a real converter file without its
 * weights): `--dry-run` opens it as a graph and says the weights are fresh; `--eval-only`
 * refuses it, naming the missing weights.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrain as run } from '../cli/runCli';

const mlp = fileURLToPath(new URL('../../fixtures/external/tfjs-keras2-mlp-88v88/', import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), 'tensorweave-topology-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The converter's model.json alone in a folder (its .bin left behind). */
const withoutBin = path.join(tmp, 'no-bin', 'model.json');
/** The converter's model.json with its weightsManifest removed. */
const noManifest = path.join(tmp, 'no-manifest.json');

describe('train CLI on a topology-only model.json', () => {
  beforeAll(() => {
    const file = JSON.parse(readFileSync(path.join(mlp, 'model.json'), 'utf8')) as Record<string, unknown>;
    mkdirSync(path.dirname(withoutBin));
    copyFileSync(path.join(mlp, 'model.json'), withoutBin);
    delete file.weightsManifest;
    writeFileSync(noManifest, JSON.stringify(file));
  });

  it.each([
    ['its .bin is missing', withoutBin, /The weight file "group1-shard1of1\.bin" is missing/],
    ['it has no weightsManifest', noManifest, /model\.json lists no weights/],
  ])('--dry-run opens it when %s, with a note on fresh weights', async (_what, input, reason) => {
    const r = await run(input, '--dry-run');
    expect(r.code).toBe(0);
    const note = r.stdout.split('\n').find((l) => l.includes('freshly initialised'));
    expect(note).toMatch(reason);
    expect(note!.startsWith(`${input}: note: `)).toBe(true);
    expect(r.stdout).toMatch(/sequential_20: 101,770 parameters/);
    expect(r.stdout).toMatch(/dry run: nothing trained\./);
  });

  it('--eval-only refuses it, naming the missing weights', async () => {
    const r = await run(withoutBin, '--eval-only');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${withoutBin}: --eval-only needs the trained weights: The weight file "group1-shard1of1.bin" is missing: it must come with model.json (beside it, selected with it, or in the same zip).\n`,
    );
    const none = await run(noManifest, '--eval-only');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--eval-only needs the trained weights: model\.json lists no weights/);
  });

  it('reads a bare Keras 3 to_json() CNN as a model with fresh weights', async () => {
    const keras3 = fileURLToPath(
      new URL(
        '../../fixtures/external/keras3-sequential-cnn-to_json-himalrana/model_architecture.json',
        import.meta.url,
      ),
    );
    const r = await run(keras3, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/179,926 parameters/);
    expect(r.stdout).toMatch(/max_pooling2d_1 +maxPool2d +\?×5×5×64/);
  });
});
