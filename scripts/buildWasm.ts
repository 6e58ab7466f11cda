/**
 * `npm run build:wasm`: compile the AssemblyScript kernels — the dense chains'
 * (`assembly/denseKernels.ts` → `src/training/kernels/denseKernels.wasm.ts`, and the same on a
 * shared memory for two threads → `denseKernelsShared.wasm.ts`) and the convolutions'
 * (`assembly/conv/convKernels.ts` → `src/training/convKernels/convKernels.wasm.ts`, and
 * `convKernelsShared.wasm.ts` on a shared memory) — and write
 * each as base64, so that Node, Vite and a Web Worker load the same bytes with no fetch,
 * together with the exports' interface generated from asc's declarations (never copied by
 * hand). `--check` only compares (exit 1 on a mismatch).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  compileKernelEntry,
  CONV_MODULE,
  CONV_SHARED_MODULE,
  DENSE_MODULE,
  DENSE_SHARED_MODULE,
  renderModule,
  renderSharedKernelModule,
  SHARED_FLAGS,
} from './wasmBuild';

const root = fileURLToPath(new URL('../', import.meta.url));

async function main(): Promise<void> {
  const outputs: [string, string][] = [];
  for (const module of [DENSE_MODULE, CONV_MODULE]) {
    outputs.push([
      `${root}${module.target}`,
      await renderModule(await compileKernelEntry(module.entry), module),
    ]);
  }
  for (const module of [DENSE_SHARED_MODULE, CONV_SHARED_MODULE]) {
    outputs.push([
      `${root}${module.target}`,
      await renderSharedKernelModule(await compileKernelEntry(module.entry, SHARED_FLAGS), module),
    ]);
  }
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
