/**
 * TensorFlow.js backends in the browser: WebAssembly (SIMD; threads when the page is
 * cross-origin isolated), WebGL and the plain CPU. The .wasm files are bundled by Vite, so
 * nothing is fetched from outside the app.
 */
import * as tf from '@tensorflow/tfjs';
// Registers the WebGPU backend; it is only initialised when chosen or measured.
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { afterBackendStart } from '../training/backend';

export type ConcreteBackend = 'wasm' | 'webgl' | 'webgpu' | 'cpu';

let wasmStarted = false;

/**
 * tfjs's threaded wasm build caps its thread pool at half of `navigator.hardwareConcurrency`,
 * read once while the module starts (its backend.cc assumes two hardware threads per core): on
 * a 2-core machine that is 1 thread, and `setThreadsCount` cannot raise it. Training runs in a
 * worker with the page idle, so while the module starts this worker reports twice its cores
 * and the pool gets one thread per core. Returns the undo; a no-op where the property cannot
 * be shadowed.
 */
function claimAllCoresForWasm(): () => void {
  const cores = navigator.hardwareConcurrency || 1;
  setThreadsCount(cores);
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: cores * 2, configurable: true });
  } catch {
    return () => undefined;
  }
  return () => {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/** Switch to a backend; false when this browser cannot run it. */
export async function activateBackend(name: ConcreteBackend): Promise<boolean> {
  // The wasm module starts once: the paths and the thread count must be set before that.
  const firstWasm = name === 'wasm' && !wasmStarted;
  if (firstWasm) {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    });
    wasmStarted = true;
  }
  const restore = firstWasm ? claimAllCoresForWasm() : () => undefined;
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    restore(); // before the conv kernels start their helper thread from the real core count
    await afterBackendStart(tf, name);
    return true;
  } catch {
    return false;
  } finally {
    restore();
  }
}

/** How the backend that runs is described to the user: `wasm (SIMD, 2 threads)`. */
export function describeBackend(name: string): string {
  if (name !== 'wasm') return name;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? getThreadsCount() : 1;
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

/** Whether this WebGL is drawn by a software renderer (SwiftShader, llvmpipe): no GPU behind it. */
function softwareWebgl(gl: WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return /swiftshader|llvmpipe|software/i.test(String(renderer));
}

/**
 * Backends worth measuring for "auto": always wasm; WebGL when a WebGL2 context exists (for a
 * `convolutional` graph only on a real GPU: software WebGL trains a CNN far slower than wasm with
 * Tensorweave's conv kernels, and measuring it would cost many seconds); WebGPU only on a real
 * adapter (the software fallback is 14–48× slower than wasm here, so measuring it would only
 * cost time).
 */
export async function autoCandidates(options: { convolutional?: boolean } = {}): Promise<ConcreteBackend[]> {
  const candidates: ConcreteBackend[] = ['wasm'];
  try {
    const gl = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1).getContext('webgl2') : null;
    if (gl !== null && !(options.convolutional && softwareWebgl(gl))) candidates.push('webgl');
  } catch {
    // No WebGL in this worker.
  }
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter && !adapter.isFallbackAdapter && !adapter.info?.isFallbackAdapter)
        candidates.push('webgpu');
    } catch {
      // No usable WebGPU adapter.
    }
  }
  return candidates;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean };
}
