/**
 * Loading the convolution kernels (WebAssembly SIMD, built from `assembly/conv/convKernels.ts`).
 * The bytes are embedded as base64, so Node, a Vite page and a Web Worker instantiate the same
 * module with no fetch and no file path.
 */
import { CONV_KERNEL_ARITY, CONV_KERNELS_WASM_BASE64, type ConvKernelExports } from './convKernels.wasm';

/** The module's exports: kernels over float32 buffers at byte addresses in its own memory. */
export type ConvKernels = ConvKernelExports;

/** The raw .wasm bytes. */
export function convKernelBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(CONV_KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** True where WebAssembly with SIMD is available (all current browsers, Node ≥ 16.4). */
export function convKernelsSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(convKernelBytes());
  } catch {
    return false;
  }
}

/** A fresh instance (own memory) of the kernels, checked against the generated interface. */
export async function instantiateConvKernels(): Promise<ConvKernels> {
  const { instance } = await WebAssembly.instantiate(convKernelBytes(), {});
  const exports = instance.exports;
  assertConvKernels(exports);
  return exports;
}

/**
 * The memory, and every kernel as a function with the declared number of parameters (a missing
 * argument would otherwise arrive as 0, a null pointer, without an error).
 */
export function assertConvKernels(
  exports: WebAssembly.Exports,
): asserts exports is WebAssembly.Exports & ConvKernels {
  if (!(exports['memory'] instanceof WebAssembly.Memory)) throw new Error('conv kernels: no exported memory');
  for (const [name, arity] of Object.entries(CONV_KERNEL_ARITY)) {
    const kernel = exports[name];
    if (typeof kernel !== 'function' || kernel.length !== arity) {
      throw new Error(`conv kernels: ${name} is not a function of ${arity} parameters`);
    }
  }
}
