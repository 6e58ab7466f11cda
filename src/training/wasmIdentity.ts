/**
 * tfjs's wasm backend copies a tensor's bytes for `Identity`, the kernel behind `clone()`, and
 * the gradient tape clones every tensor an op saves for its backward pass: on the first cnn preset (5×5×32 and 5×5×64 filters)
 * that is ~8 ms of copies per step (each convolution's and ReLU's output, 1.8 M floats for the
 * first). The cpu backend shares the data instead (one more reference to the same bytes), and
 * so does the wasm backend's own Reshape; nothing writes a tensor's bytes in place, so sharing
 * is safe. This registers that sharing Identity for wasm, and keeps the original to restore.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../core/nodeSpec';

type KernelArgs = Parameters<tfjs.KernelFunc>[0];

/** The backend methods sharing needs (tfjs's BackendWasm has both). */
interface RefCounted {
  incRef(dataId: object): void;
}

let original: tfjs.KernelConfig | undefined;

/** Identity as a new reference to the same bytes (strings keep tfjs's copy). */
function sharedIdentity(fallback: tfjs.KernelFunc): tfjs.KernelFunc {
  return (args: KernelArgs) => {
    const x = (args.inputs as { x: tfjs.TensorInfo }).x;
    if (x.dtype === 'string') return fallback(args);
    (args.backend as unknown as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Make the wasm backend's Identity share data; idempotent. */
export function registerSharedIdentity(tf: Tf): void {
  if (original) return;
  const current = tf.getKernel('Identity', 'wasm');
  if (!current) return;
  original = current;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...current, kernelFunc: sharedIdentity(current.kernelFunc) });
}

/** tfjs's own Identity again (tests compare both). */
export function restoreTfjsIdentity(tf: Tf): void {
  if (!original) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(original);
  original = undefined;
}
