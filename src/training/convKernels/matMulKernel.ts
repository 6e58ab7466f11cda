/**
 * tfjs's BatchMatMul on the wasm backend, for one float32 matrix product (every dense layer and
 * its gradients): computed by the conv module's `matMul` (`assembly/conv/matMul.ts`) on two threads.
 *
 * Why: tfjs hands the product to XNNPACK as a fully-connected layer whose weights are the right
 * operand, and XNNPACK repacks those weights whenever their tensor is new — every training step,
 * since the optimizer replaces the weights. Measured in Node on Deep MNIST's dense layer
 * (50 × 3136 by 3136 × 1024): 29 ms with the same weights, 87 ms with new ones, and its input
 * gradient 100 ms. Here the operands are copied (memory speed) and packed per cache block, whatever
 * the transpose flags, so a training step costs about the arithmetic.
 *
 * Anything else — batches of matrices, other dtypes, both operands transposed, empty operands —
 * goes to tfjs's own kernel, unchanged.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../../core/nodeSpec';
import type { ConvWorkspace } from './workspace';

type KernelArgs = Parameters<tfjs.KernelFunc>[0];

/** Columns per unit of the two-thread split: the kernels' widest tile, so tiles line up the same. */
const SPLIT_COLUMNS = 8;

/** The product's sizes when this kernel computes it, or undefined for tfjs's own kernel. */
export function matMulPlan(
  a: { shape: number[]; dtype: string },
  b: { shape: number[]; dtype: string },
  transposeA: boolean,
  transposeB: boolean,
): { m: number; k: number; n: number } | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (transposeA && transposeB)) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const batch = (s: number[]) => s.slice(0, -2).reduce((p, d) => p * d, 1);
  if (batch(a.shape) !== 1 || batch(b.shape) !== 1) return undefined;
  const m = a.shape[transposeA ? ra - 1 : ra - 2]!;
  const k = a.shape[transposeA ? ra - 2 : ra - 1]!;
  const kb = b.shape[transposeB ? rb - 1 : rb - 2]!;
  const n = b.shape[transposeB ? rb - 2 : rb - 1]!;
  if (k !== kb || m === 0 || n === 0 || k === 0) return undefined;
  return { m, k, n };
}

/** The BatchMatMul kernel function; `fallback` is tfjs's own, for what `matMulPlan` declines. */
export function batchMatMulKernel(tf: Tf, ws: ConvWorkspace, fallback: tfjs.KernelFunc | undefined) {
  return (args: KernelArgs): tfjs.TensorInfo | tfjs.TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as Record<'a' | 'b', tfjs.TensorInfo>;
    const { transposeA, transposeB } = attrs as unknown as tfjs.BatchMatMulAttrs;
    const plan = matMulPlan(a, b, transposeA, transposeB);
    if (!plan) {
      if (!fallback) throw new Error('BatchMatMul: tfjs has no wasm kernel for this product.');
      return fallback(args);
    }
    const wasm = backend as BackendWasm;
    const { m, k, n } = plan;
    const outShape = tf.backend_util
      .assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
      .concat([m, n]);
    const units = Math.ceil(n / SPLIT_COLUMNS);
    const here = ws.threads.imagesHere(units, m * k * n);
    // Each thread packs into its own scratch, sized for the more columns of the two parts.
    const mineColumns = here * SPLIT_COLUMNS;
    const scratch = ws.kernels.matMulScratchFloats(here ? Math.max(mineColumns, n - mineColumns) : n);
    const [aAt, bAt, outAt, mine, theirs] = ws.layout(m * k, k * n, m * n, scratch, here ? scratch : 0);
    ws.view(aAt!, m * k).set(wasm.typedArrayFromHeap(a) as Float32Array);
    ws.view(bAt!, k * n).set(wasm.typedArrayFromHeap(b) as Float32Array);
    // A stored [m × k] has rows k floats apart, transposed ([k × m]) 1 float; likewise B.
    const [ra, ca] = transposeA ? [1, m] : [k, 1];
    const [rb, cb] = transposeB ? [1, k] : [n, 1];
    ws.threads.run('matMul', units, here, (first, count) => [
      aAt!,
      ra,
      ca,
      bAt!,
      rb,
      cb,
      outAt!,
      n,
      m,
      k,
      first * SPLIT_COLUMNS,
      Math.min(n, (first + count) * SPLIT_COLUMNS),
      first ? theirs! : mine!,
    ]);
    const out = wasm.makeOutput(outShape, 'float32');
    (wasm.typedArrayFromHeap(out) as Float32Array).set(ws.view(outAt!, m * n));
    return out;
  };
}
