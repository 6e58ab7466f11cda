/**
 * Choosing the TensorFlow.js backend, for the browser worker and for Node alike. Importing
 * `@tensorflow/tfjs-backend-wasm` registers the wasm backend; its `.wasm` files are loaded from
 * `wasmPaths` (a URL prefix in the browser, a folder path ending in a separator in Node).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../core/nodeSpec';
import { registerConvKernels } from './convKernels/register';
import { registerSharedIdentity } from './wasmIdentity';

export type BackendName = 'wasm' | 'cpu' | 'webgl';

export interface BackendOptions {
  /** Where the wasm backend finds its `.wasm` files; leave undefined to keep tfjs's default. */
  wasmPaths?: string;
}

let wasmPathsSet: string | undefined;

/**
 * Switch `tf` to the backend `name` and wait until it is ready. Throws a plain sentence when
 * the backend cannot start (e.g. no WebGL), so the caller can offer another one.
 */
export async function useBackend(tf: Tf, name: BackendName, options: BackendOptions = {}): Promise<void> {
  if (name === 'wasm' && options.wasmPaths !== undefined && wasmPathsSet !== options.wasmPaths) {
    setWasmPaths(options.wasmPaths);
    wasmPathsSet = options.wasmPaths;
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`The TensorFlow.js backend "${name}" could not be started on this machine.`);
  await tf.ready();
  await afterBackendStart(tf, name);
}

/**
 * What every backend start needs once tfjs is ready, in Node and in the browser worker alike:
 * on wasm, Tensorweave's convolution kernels (Conv2DBackpropFilter, which tfjs's wasm backend
 * lacks, and faster Conv2DBackpropInput and MaxPoolGrad; see `convKernels/`), and an Identity
 * that shares bytes instead of copying them (`wasmIdentity.ts`).
 */
export async function afterBackendStart(tf: Tf, name: string): Promise<void> {
  if (name !== 'wasm') return;
  await registerConvKernels(tf);
  registerSharedIdentity(tf);
}
