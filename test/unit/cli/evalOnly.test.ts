import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { main } from '../../../src/cli/train';
import { cliRunner, scratchFolder } from './runCli';

const tmp = scratchFolder('tensorweave-eval-');

const run = cliRunner(main);

describe('train CLI with a trained model', () => {
  const out = path.join(tmp, 'beginner');
  let trained: { testAccuracy: number; validationAccuracy: number };

  beforeAll(async () => {
    const r = await run('graphs/beginner.json', '--steps', '300', '--out', out, '--json');
    expect(r.code).toBe(0);
    trained = JSON.parse(r.stdout.trim().split('\n').pop()!);
  });

  it('--eval-only on model.json reproduces the accuracies the training run reported', async () => {
    const r = await run(path.join(out, 'model.json'), '--eval-only', '--json');
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim());
    expect(line).toMatchObject({ graph: 'beginner', evalOnly: true });
    expect(line.testAccuracy).toBe(trained.testAccuracy);
    expect(line.validationAccuracy).toBe(trained.validationAccuracy);
    expect(r.stderr).toMatch(/per digit: 0 \d+\.\d+%/);
  });

  it('--eval-only on a zip of the model gives the same result', async () => {
    const zip = path.join(tmp, 'beginner.zip');
    writeFileSync(
      zip,
      zipSync({
        'beginner/model.json': readFileSync(path.join(out, 'model.json')),
        'beginner/weights.bin': readFileSync(path.join(out, 'weights.bin')),
      }),
    );
    const r = await run(zip, '--eval-only', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim()).testAccuracy).toBe(trained.testAccuracy);
  });

  it.each([
    ['a graph, not a model', ['graphs/beginner.json', '--eval-only'], /--eval-only needs a trained model/],
    [
      'a model without its weights',
      ['lonely/model.json', '--eval-only'],
      /The weight file "weights\.bin" is missing/,
    ],
    [
      'a truncated weights file',
      ['short/model.json', '--eval-only'],
      /holds 100 bytes; the manifest needs 31,400\. The file is truncated/,
    ],
    ['a zip that is not one', ['bad.zip', '--eval-only'], /not a zip archive/],
  ])('refuses %s with exit code 2', async (_what, argv, message) => {
    for (const dir of ['lonely', 'short']) {
      const d = path.join(tmp, dir);
      rmSync(d, { recursive: true, force: true });
      rmSync(d, { force: true });
      mkdirSync(d, { recursive: true });
      copyFileSync(path.join(out, 'model.json'), path.join(d, 'model.json'));
    }
    writeFileSync(path.join(tmp, 'short', 'weights.bin'), new Uint8Array(100));
    writeFileSync(path.join(tmp, 'bad.zip'), 'not a zip');
    const args = argv.map((a, i) => (i === 0 && !a.startsWith('graphs/') ? path.join(tmp, a) : a));
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
