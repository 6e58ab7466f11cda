/**
 * A faster gradient for the `BatchMatMul` kernel, with the same maths as tfjs's own.
 *
 * Why: tfjs's stock gradient multiplies with the `transposeA`/`transposeB` flags set, and in
 * tfjs-backend-wasm those flags take a slow path that bypasses XNNPACK. Transposing the
 * operand explicitly and then multiplying without flags is the same product (a transpose is
 * exact) and measured several times faster for the hidden-layer step. See issue 6.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../core/nodeSpec';
import { runsOnConvKernels } from './convKernels/register';

type GradConfig = ReturnType<Tf['getGradient']>;

/** Transpose of the last two axes (a batch of matrices stays a batch). */
function swapLast(tf: Tf, x: tfjs.Tensor): tfjs.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(x, perm);
}

/** The gradient config: the stock formulas with every flagged transpose made explicit. */
export function fastBatchMatMulGradConfig(tf: Tf): GradConfig {
  const t = (x: tfjs.Tensor) => swapLast(tf, x);
  const mm = (a: tfjs.Tensor, b: tfjs.Tensor) => tf.matMul(a, b);
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tfjs.Tensor, tfjs.Tensor];
      const dyT = dy as tfjs.Tensor;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) {
        return { a: () => mm(dyT, t(b)), b: () => mm(t(a), dyT) };
      } else if (!transposeA && transposeB) {
        return { a: () => mm(dyT, b), b: () => mm(t(dyT), a) };
      } else if (transposeA && !transposeB) {
        return { a: () => mm(b, t(dyT)), b: () => mm(a, dyT) };
      } else {
        return { a: () => mm(t(b), t(dyT)), b: () => mm(t(dyT), t(a)) };
      }
    },
  };
}

let installs = 0;
let stock: GradConfig | undefined;

/**
 * Register the fast gradient (process-wide: gradients are global in tfjs). Returns a function
 * that undoes this install; installs are counted, so overlapping trainings are safe and the
 * stock gradient comes back when the last one ends. A no-op where the active backend's
 * BatchMatMul runs on the conv kernels: they read transposed operands as fast as plain ones, so
 * the explicit transposes would only add copies.
 */
export function installFastMatMulGrad(tf: Tf): () => void {
  if (runsOnConvKernels(tf, 'BatchMatMul')) return () => undefined;
  if (installs++ === 0) {
    stock = tf.getGradient('BatchMatMul');
    tf.registerGradient(fastBatchMatMulGradConfig(tf));
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installs === 0) {
      if (stock) tf.registerGradient(stock);
      else tf.unregisterGradient('BatchMatMul');
      stock = undefined;
    }
  };
}
