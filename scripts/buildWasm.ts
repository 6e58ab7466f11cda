/**
 * `npm run build:wasm`: compile the AssemblyScript kernels (`assembly/denseKernels.ts`) and
 * write them as base64 into `src/training/kernels/denseKernels.wasm.ts`, so that Node, Vite and a
 * Web Worker load the same bytes with no fetch, together with the exports' interface generated
 * from asc's declarations (never copied by hand). `--check` only compares (exit 1 on a mismatch).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileDenseKernels, renderKernelModule } from './wasmBuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const target = `${root}src/training/kernels/denseKernels.wasm.ts`;

async function main(): Promise<void> {
  const text = await renderKernelModule(await compileDenseKernels());
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${target} is stale: run npm run build:wasm\n`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(target, text);
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`build:wasm failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
