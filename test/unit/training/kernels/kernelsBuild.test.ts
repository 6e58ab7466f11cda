import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compileDenseKernels,
  kernelDeclarations,
  renderKernelModule,
  renderSharedKernelModule,
  SHARED_FLAGS,
} from '../../../../scripts/wasmBuild';
import { DENSE_KERNEL_ARITY } from '../../../../src/training/kernels/denseKernels.wasm';
import {
  assertDenseKernels,
  denseKernelBytes,
  denseKernelsSupported,
  instantiateDenseKernels,
} from '../../../../src/training/kernels/kernels';

const generated = fileURLToPath(
  new URL('../../../../src/training/kernels/denseKernels.wasm.ts', import.meta.url),
);

describe('the committed Tensorweave kernels', () => {
  it('are what a fresh build of assembly/ gives, bytes and typings (run npm run build:wasm if not)', async () => {
    const fresh = await compileDenseKernels();
    expect(Buffer.from(denseKernelBytes()).equals(Buffer.from(fresh.wasm))).toBe(true);
    expect(readFileSync(generated, 'utf8')).toBe(await renderKernelModule(fresh));
  });

  it('include the shared-memory build of the same kernels, as a fresh build gives it', async () => {
    const shared = fileURLToPath(
      new URL('../../../../src/training/kernels/denseKernelsShared.wasm.ts', import.meta.url),
    );
    const fresh = await compileDenseKernels(SHARED_FLAGS);
    expect(readFileSync(shared, 'utf8')).toBe(await renderSharedKernelModule(fresh));
    const module = new WebAssembly.Module(new Uint8Array(fresh.wasm));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const names = (m: WebAssembly.Module) =>
      WebAssembly.Module.exports(m)
        .map((e) => e.name)
        .sort();
    expect(names(module)).toEqual(names(new WebAssembly.Module(denseKernelBytes())));
  });

  it('validate as WebAssembly with SIMD here', () => {
    expect(denseKernelsSupported()).toBe(true);
  });

  it('export exactly the declared kernels, each with its declared number of parameters', async () => {
    const kernels = await instantiateDenseKernels();
    const module = new WebAssembly.Module(denseKernelBytes());
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
    expect(functions.map((e) => e.name).sort()).toEqual(Object.keys(DENSE_KERNEL_ARITY).sort());
    for (const [name, arity] of Object.entries(DENSE_KERNEL_ARITY)) {
      const kernel: unknown = kernels[name as keyof typeof DENSE_KERNEL_ARITY];
      expect(typeof kernel, name).toBe('function');
      expect((kernel as (...args: number[]) => unknown).length, name).toBe(arity);
    }
  });

  it('refuse an instance whose kernel lacks a parameter or is missing', async () => {
    const kernels = await instantiateDenseKernels();
    const complete = { ...kernels };
    expect(() => assertDenseKernels(complete)).not.toThrow();
    const short = { ...kernels, spmm: (a: number, b: number) => a + b };
    expect(() => assertDenseKernels(short)).toThrow(/spmm is not a function of 10 parameters/);
    const { sigmoid: _dropped, ...missing } = kernels;
    expect(() => assertDenseKernels(missing)).toThrow(/sigmoid/);
    expect(() =>
      assertDenseKernels({ ...kernels, memory: undefined as unknown as WebAssembly.Memory }),
    ).toThrow(/memory/);
  });

  it('read asc declarations and refuse an export that does not take and return numbers', () => {
    const dts = (line: string) =>
      `declare namespace __AdaptedExports {\n  /** Exported memory */\n  export const memory: WebAssembly.Memory;\n  /**\n   * doc\n   */\n  ${line}\n}\n`;
    expect(kernelDeclarations(dts('export function f(a: number, b: number): number;'))).toEqual([
      { doc: '/**\n   * doc\n   */', name: 'f', params: 'a: number, b: number', result: 'number' },
    ]);
    expect(() => kernelDeclarations(dts('export function g(s: string): void;'))).toThrow(/unexpected export/);
  });
});
