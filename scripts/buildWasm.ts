/**
 * `npm run build:wasm`: compile the AssemblyScript kernels (`assembly/denseKernels.ts`) and
 * write them as base64 into `src/training/kernels/denseKernels.wasm.ts`, so that Node, Vite and a
 * Web Worker load the same bytes with no fetch, together with the exports' interface generated
 * from asc's declarations (never copied by hand). `--check` only compares (exit 1 on a mismatch).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileDenseKernels, renderKernelModule, renderSharedKernelModule, SHARED_FLAGS } from './wasmBuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const target = `${root}src/training/kernels/denseKernels.wasm.ts`;
const sharedTarget = `${root}src/training/kernels/denseKernelsShared.wasm.ts`;

async function main(): Promise<void> {
  const outputs: [string, string][] = [
    [target, await renderKernelModule(await compileDenseKernels())],
    [sharedTarget, await renderSharedKernelModule(await compileDenseKernels(SHARED_FLAGS))],
  ];
  for (const [file, text] of outputs) {
    if (process.argv.includes('--check')) {
      const current = await readFile(file, 'utf8').catch(() => '');
      if (current !== text) {
        process.stderr.write(`${file} is stale: run npm run build:wasm\n`);
        process.exitCode = 1;
      }
      continue;
    }
    await writeFile(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`build:wasm failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
