/**
 * Loading Tensorweave's kernels (WebAssembly SIMD, built from `assembly/denseKernels.ts`).
 * The bytes are embedded as base64, so Node, a Vite page and a Web Worker instantiate the same
 * module with no fetch and no file path.
 */
import { DENSE_KERNEL_ARITY, DENSE_KERNELS_WASM_BASE64, type DenseKernelExports } from './denseKernels.wasm';

/**
 * The module's exports: kernels over float32 buffers at byte addresses. The interface is
 * generated from asc's declarations of `assembly/` (see `scripts/wasmBuild.ts`).
 */
export type DenseKernels = DenseKernelExports;

/** The raw .wasm bytes. */
export function denseKernelBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(DENSE_KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** True where WebAssembly with SIMD is available (all current browsers, Node ≥ 16.4). */
export function denseKernelsSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(denseKernelBytes());
  } catch {
    return false;
  }
}

/** A fresh instance (own memory) of the kernels; the module is compiled once per process. */
export async function instantiateDenseKernels(): Promise<DenseKernels> {
  compiled ??= WebAssembly.compile(denseKernelBytes());
  const instance = await WebAssembly.instantiate(await compiled, {});
  const exports = instance.exports;
  assertDenseKernels(exports);
  return exports;
}

/**
 * Check the instance against the generated interface before it is used as one: the memory, and
 * every kernel as a function with the declared number of parameters (a missing argument would
 * otherwise arrive as 0, a null pointer, without an error).
 */
export function assertDenseKernels(
  exports: WebAssembly.Exports,
): asserts exports is WebAssembly.Exports & DenseKernels {
  if (!(exports['memory'] instanceof WebAssembly.Memory))
    throw new Error('dense kernels: no exported memory');
  for (const [name, arity] of Object.entries(DENSE_KERNEL_ARITY)) {
    const kernel = exports[name];
    if (typeof kernel !== 'function' || kernel.length !== arity) {
      throw new Error(`dense kernels: ${name} is not a function of ${arity} parameters`);
    }
  }
}
