/**
 * Registering the conv kernels with the tfjs wasm backend: called whenever that backend starts
 * (`../backend.ts`, the one place), in Node and in the browser worker alike.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../core/nodeSpec';
import type { ConvThreads } from './convThreads';
import { convKernelsSupported } from './convModule';
import { batchMatMulKernel } from './matMulKernel';
import { filterGradKernel, inputGradKernel, maxPoolGradKernel } from './wasmConvKernels';
import { ConvWorkspace } from './workspace';

/** The kernel names this module provides for the wasm backend. */
export const CONV_KERNEL_NAMES = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'BatchMatMul',
] as const;

/** The workspaces made so far, by thread count (one per process each). */
const workspaces = new Map<1 | 2, Promise<ConvWorkspace>>();
/** The kernel functions registered last and their workspace, to tell ours from another registration. */
const registered = new Map<string, { kernelFunc: unknown; ws: ConvWorkspace }>();
/** tfjs's own kernels that ours replaced, for `restoreTfjsConvKernels`. */
const originals = new Map<string, tfjs.KernelConfig>();

/**
 * Make the wasm backend run `CONV_KERNEL_NAMES` on the conv kernels, on `threads` threads
 * (default 2: a helper thread where SharedArrayBuffer and workers allow, see `convThreads.ts`;
 * 1 for comparisons). Idempotent; a no-op where WebAssembly SIMD is missing (tfjs's own kernels
 * stay, and Conv2DBackpropFilter stays absent).
 * @returns whether the kernels are registered.
 */
export async function registerConvKernels(tf: Tf, threads: 1 | 2 = 2): Promise<boolean> {
  if (!convKernelsSupported()) return false;
  let made = workspaces.get(threads);
  if (!made) workspaces.set(threads, (made = ConvWorkspace.create(threads)));
  const ws = await made;
  await ws.threads.reattach();
  const makers = {
    Conv2DBackpropFilter: filterGradKernel,
    Conv2DBackpropInput: inputGradKernel,
    MaxPoolGrad: maxPoolGradKernel,
    BatchMatMul: (t: Tf, w: ConvWorkspace) =>
      batchMatMulKernel(t, w, originals.get('BatchMatMul')?.kernelFunc),
  } satisfies Record<(typeof CONV_KERNEL_NAMES)[number], unknown>;
  for (const name of CONV_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    const ours = registered.get(name);
    const isOurs = current !== undefined && ours?.kernelFunc === current.kernelFunc;
    if (isOurs && ours.ws === ws) continue;
    // tfjs's own (slower) kernel, if any, is replaced: registerKernel refuses a duplicate.
    if (current) {
      if (!isOurs) originals.set(name, current);
      tf.unregisterKernel(name, 'wasm');
    }
    const kernelFunc = makers[name](tf, ws);
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
    registered.set(name, { kernelFunc, ws });
  }
  active = ws;
  return true;
}

/** The workspace whose kernels are registered now. */
let active: ConvWorkspace | undefined;

/**
 * The threads the registered conv kernels run on (`support`: one, with the reason, where two
 * cannot be had; `splits`: calls split so far); undefined before `registerConvKernels`.
 */
export function convKernelThreads(): ConvThreads | undefined {
  return active?.threads;
}

/** Whether the active backend runs kernel `name` on the conv kernels now. */
export function runsOnConvKernels(tf: Tf, name: (typeof CONV_KERNEL_NAMES)[number]): boolean {
  const current = tf.getKernel(name, tf.getBackend());
  return current !== undefined && registered.get(name)?.kernelFunc === current.kernelFunc;
}

/** Put tfjs's own kernels back (A/B runs in the bench and the tests); `registerConvKernels` undoes it. */
export function restoreTfjsConvKernels(tf: Tf): void {
  for (const name of CONV_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    if (!current || registered.get(name)?.kernelFunc !== current.kernelFunc) continue;
    tf.unregisterKernel(name, 'wasm');
    const original = originals.get(name);
    if (original) tf.registerKernel(original);
  }
}
