import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileDenseKernels, renderKernelModule } from '../../../../scripts/wasmBuild';
import { denseKernelBytes, denseKernelsSupported } from '../../../../src/training/kernels/kernels';

const generated = fileURLToPath(
  new URL('../../../../src/training/kernels/denseKernels.wasm.ts', import.meta.url),
);

describe('the committed dense kernels', () => {
  it('are what a fresh build of assembly/denseKernels.ts gives (run npm run build:wasm if not)', async () => {
    const fresh = await compileDenseKernels();
    expect(Buffer.from(denseKernelBytes()).equals(Buffer.from(fresh))).toBe(true);
    expect(readFileSync(generated, 'utf8')).toBe(renderKernelModule(fresh));
  });

  it('validate as WebAssembly with SIMD here', () => {
    expect(denseKernelsSupported()).toBe(true);
  });
});
