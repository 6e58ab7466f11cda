/**
 * Registering the conv kernels with the tfjs wasm backend: called whenever that backend starts
 * (`../backend.ts`, the one place), in Node and in the browser worker alike.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../core/nodeSpec';
import { convKernelsSupported, instantiateConvKernels } from './convModule';
import { filterGradKernel, inputGradKernel, maxPoolGradKernel } from './wasmConvKernels';
import { ConvWorkspace } from './workspace';

/** The kernel names this module provides for the wasm backend. */
export const CONV_KERNEL_NAMES = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'] as const;

let workspace: Promise<ConvWorkspace> | undefined;
/** The kernel functions registered last, to tell ours from another registration. */
const registered = new Map<string, unknown>();
/** tfjs's own kernels that ours replaced, for `restoreTfjsConvKernels`. */
const originals = new Map<string, tfjs.KernelConfig>();

/**
 * Make the wasm backend run `CONV_KERNEL_NAMES` on the conv kernels. Idempotent; a no-op where
 * WebAssembly SIMD is missing (tfjs's own kernels stay, and Conv2DBackpropFilter stays absent).
 * @returns whether the kernels are registered.
 */
export async function registerConvKernels(tf: Tf): Promise<boolean> {
  if (!convKernelsSupported()) return false;
  workspace ??= instantiateConvKernels().then((k) => new ConvWorkspace(k));
  const ws = await workspace;
  const makers = {
    Conv2DBackpropFilter: filterGradKernel,
    Conv2DBackpropInput: inputGradKernel,
    MaxPoolGrad: maxPoolGradKernel,
  } satisfies Record<(typeof CONV_KERNEL_NAMES)[number], unknown>;
  for (const name of CONV_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    if (current && registered.get(name) === current.kernelFunc) continue;
    // tfjs's own (slower) kernel, if any, is replaced: registerKernel refuses a duplicate.
    if (current) {
      originals.set(name, current);
      tf.unregisterKernel(name, 'wasm');
    }
    const kernelFunc = makers[name](tf, ws);
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
    registered.set(name, kernelFunc);
  }
  return true;
}

/** Put tfjs's own kernels back (A/B runs in the bench and the tests); `registerConvKernels` undoes it. */
export function restoreTfjsConvKernels(tf: Tf): void {
  for (const name of CONV_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    if (!current || registered.get(name) !== current.kernelFunc) continue;
    tf.unregisterKernel(name, 'wasm');
    const original = originals.get(name);
    if (original) tf.registerKernel(original);
  }
}
