/**
 * `npm run build:wasm`: compile the AssemblyScript kernels — the dense chains'
 * (`assembly/denseKernels.ts` → `src/training/kernels/denseKernels.wasm.ts`) and the
 * convolutions' (`assembly/conv/convKernels.ts` → `src/training/convKernels/convKernels.wasm.ts`)
 * — and write each as base64, so that Node, Vite and a Web Worker load the same bytes with no
 * fetch, together with the exports' interface generated from asc's declarations (never copied
 * by hand). `--check` only compares (exit 1 on a mismatch).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileKernelEntry, CONV_MODULE, DENSE_MODULE, renderModule } from './wasmBuild';

const root = fileURLToPath(new URL('../', import.meta.url));

async function main(): Promise<void> {
  for (const module of [DENSE_MODULE, CONV_MODULE]) {
    const target = `${root}${module.target}`;
    const text = await renderModule(await compileKernelEntry(module.entry), module);
    if (process.argv.includes('--check')) {
      const current = await readFile(target, 'utf8').catch(() => '');
      if (current !== text) {
        process.stderr.write(`${target} is stale: run npm run build:wasm\n`);
        process.exitCode = 1;
      }
      continue;
    }
    await writeFile(target, text);
    process.stdout.write(`wrote ${target}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`build:wasm failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
