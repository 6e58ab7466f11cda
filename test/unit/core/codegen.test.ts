import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { analyzeGraph } from '../../../src/core/analyze';
import { generatePython } from '../../../src/core/codegen/python';
import { generateTypeScript } from '../../../src/core/codegen/typescript';
import { toIdentifier } from '../../../src/core/codegen/plan';
import type { GraphDocument } from '../../../src/core/document';
import { branching } from './codegenCheck';
import { loadPreset } from './fixtures';

const graphs: [string, GraphDocument][] = [
  ['beginner', loadPreset('beginner')],
  ['hidden-layer', loadPreset('hidden-layer')],
  ['branching', branching()],
];

describe('code generation', () => {
  it('names variables after node ids, avoiding keywords and clashes', () => {
    const taken = new Set<string>();
    expect(toIdentifier('dense-1', taken)).toBe('dense_1');
    expect(toIdentifier('dense_1', taken)).toBe('dense_1_2');
    expect(toIdentifier('2nd', taken)).toBe('n_2nd');
    expect(toIdentifier('input', taken)).toBe('input_');
    expect(toIdentifier('class', taken)).toBe('class_');
  });

  it('writes the tutorial settings into the hidden-layer Python script', () => {
    const doc = loadPreset('hidden-layer');
    const code = generatePython(doc, analyzeGraph(doc));
    expect(code).toContain('LEARNING_RATE = 0.001');
    expect(code).toContain('BATCH_SIZE = 100');
    expect(code).toContain('STEPS = 30000');
    expect(code).toContain('keras.losses.CategoricalCrossentropy(reduction="sum")');
    expect(code).toContain('keras.optimizers.SGD(learning_rate=learning_rate)');
    expect(code).toMatch(/ {4}hidden = keras\.layers\.Dense\(\n {8}625,/);
    expect(code).toContain('RandomNormal(mean=0, stddev=0.05, seed=seed * 1000 + 0)');
    expect(code).toContain('keras.layers.Activation("sigmoid", name="sigmoid")(hidden)');
    expect(code).toContain('model = keras.Model(input_, softmax, name=MODEL_NAME)');
    expect(code).toContain('MODEL_NAME = "hidden_layer"');
  });

  it('converts epochs to steps and keeps branches in the Python script', () => {
    const doc = branching();
    const code = generatePython(doc, analyzeGraph(doc));
    expect(code).toContain('STEPS = 1100'); // 2 epochs × ceil(55,000 / 100)
    expect(code).toContain('sum = keras.layers.Add(name="sum")([relu_a, tanh])');
    expect(code).toContain('cat = keras.layers.Concatenate(axis=-1, name="cat")([sum, relu_a])');
    expect(code).toContain('keras.losses.MeanSquaredError(reduction="sum_over_batch_size")');
    expect(code).toContain('keras.optimizers.Adam(');
    expect(code).toContain('INPUT_SHAPE = (28, 28, 1)');
  });

  it('gives both scripts the same flags, and the TypeScript one the wasm backend', () => {
    const doc = loadPreset('beginner');
    const python = generatePython(doc, analyzeGraph(doc));
    const typescript = generateTypeScript(doc, analyzeGraph(doc));
    for (const flag of ['data', 'steps', 'epochs', 'batch-size', 'lr', 'seed', 'out', 'summary-json']) {
      expect(python).toContain(`"--${flag}"`);
      expect(typescript).toContain(flag.includes('-') ? `'${flag}': {` : `${flag}: {`);
    }
    expect(python).toContain('choices=["default", "mirrored", "multiworker"]');
    expect(python).toContain('tf.distribute.MultiWorkerMirroredStrategy()');
    expect(python).toContain('"validation_batch_size": args.batch_size');
    expect(typescript).toContain("tf.setBackend('wasm')");
    expect(typescript).not.toMatch(/'cpu'/);
  });

  it('generated Python compiles (python3 -m py_compile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-py-'));
    const files = graphs.map(([name, doc]) => {
      const file = join(dir, `${name.replace(/-/g, '_')}.py`);
      writeFileSync(file, generatePython(doc, analyzeGraph(doc)));
      return file;
    });
    expect(() => execFileSync('python3', ['-m', 'py_compile', ...files], { stdio: 'pipe' })).not.toThrow();
  });

  it('generated TypeScript type-checks under strict settings', () => {
    // Inside the repository so that '@tensorflow/tfjs' resolves from node_modules.
    const dir = join(process.cwd(), '.tmp', 'codegen-test');
    mkdirSync(dir, { recursive: true });
    const files = graphs.map(([name, doc]) => {
      const file = `${name}.ts`;
      writeFileSync(join(dir, file), generateTypeScript(doc, analyzeGraph(doc)));
      return file;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        include: files,
        compilerOptions: { types: ['node'] },
      }),
    );
    let output = '';
    try {
      execFileSync(join(process.cwd(), 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], {
        stdio: 'pipe',
      });
    } catch (e) {
      output = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    expect(output).toBe('');
  });
});
