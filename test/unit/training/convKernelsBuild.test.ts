import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compileKernelEntry,
  CONV_MODULE,
  CONV_SHARED_MODULE,
  renderModule,
  renderSharedKernelModule,
  SHARED_FLAGS,
} from '../../../scripts/wasmBuild';
import { CONV_KERNEL_ARITY } from '../../../src/training/convKernels/convKernels.wasm';
import {
  assertConvKernels,
  convKernelBytes,
  convKernelsSupported,
  instantiateConvKernels,
} from '../../../src/training/convKernels/convModule';

const generated = fileURLToPath(new URL(`../../../${CONV_MODULE.target}`, import.meta.url));

describe('the committed conv kernels', () => {
  it('are what a fresh build of assembly/conv gives, bytes and typings (run npm run build:wasm if not)', async () => {
    const fresh = await compileKernelEntry(CONV_MODULE.entry);
    expect(Buffer.from(convKernelBytes()).equals(Buffer.from(fresh.wasm))).toBe(true);
    expect(readFileSync(generated, 'utf8')).toBe(await renderModule(fresh, CONV_MODULE));
  });

  it('include the shared-memory build of the same kernels (two threads), as a fresh build gives it', async () => {
    const fresh = await compileKernelEntry(CONV_SHARED_MODULE.entry, SHARED_FLAGS);
    const target = fileURLToPath(new URL(`../../../${CONV_SHARED_MODULE.target}`, import.meta.url));
    expect(readFileSync(target, 'utf8')).toBe(await renderSharedKernelModule(fresh, CONV_SHARED_MODULE));
    const module = new WebAssembly.Module(new Uint8Array(fresh.wasm));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const names = (m: WebAssembly.Module) =>
      WebAssembly.Module.exports(m)
        .map((e) => e.name)
        .sort();
    expect(names(module)).toEqual(names(new WebAssembly.Module(convKernelBytes())));
  });

  it('validate as WebAssembly with SIMD here and export exactly the declared kernels', async () => {
    expect(convKernelsSupported()).toBe(true);
    await instantiateConvKernels();
    const functions = WebAssembly.Module.exports(new WebAssembly.Module(convKernelBytes())).filter(
      (e) => e.kind === 'function',
    );
    expect(functions.map((e) => e.name).sort()).toEqual(Object.keys(CONV_KERNEL_ARITY).sort());
  });

  it('refuse an instance whose kernel lacks a parameter', async () => {
    const kernels = await instantiateConvKernels();
    expect(() => assertConvKernels({ ...kernels })).not.toThrow();
    expect(() => assertConvKernels({ ...kernels, maxPoolGrad: (a: number) => a })).toThrow(
      /maxPoolGrad is not a function of 15 parameters/,
    );
  });
});
