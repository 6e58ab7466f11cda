/**
 * The tfjs wasm backend's missing or slow convolution-training kernels, computed by the conv
 * kernels: Conv2DBackpropFilter (missing: without it the wasm backend cannot train a
 * convolution at all), Conv2DBackpropInput and MaxPoolGrad (tfjs's are plain loops, 5–10× slower
 * here). Each call copies its operands from tfjs's heap into the kernels' memory, computes and
 * copies the result into a tensor tfjs allocates (the copies cost a few percent of the kernel).
 * Large calls are split by images between two threads (`convThreads.ts`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../../core/nodeSpec';
import type { ConvWorkspace } from './workspace';

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Shape4 = [number, number, number, number];

const roundUp4 = (n: number) => Math.ceil(n / 4) * 4;

/** tfjs's float32 data of `t` on the wasm heap. */
function heapFloats(backend: BackendWasm, t: tfjs.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** A new float32 tensor of `shape` holding `values` (read from the workspace after every call). */
function output(backend: BackendWasm, shape: number[], values: () => Float32Array): tfjs.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  heapFloats(backend, out).set(values());
  return out;
}

/**
 * `src` [rows × from] into `dst` [rows × to] (to ≥ from), the extra columns zero: channels
 * rounded up to a multiple of 4 for the SIMD kernels (only when a layer's channel count is not).
 */
function widenRows(src: Float32Array, dst: Float32Array, rows: number, from: number, to: number): void {
  if (from === to) {
    dst.set(src);
    return;
  }
  dst.fill(0);
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * from, (r + 1) * from), r * to);
}

/** The inverse of `widenRows`. */
function narrowRows(src: Float32Array, rows: number, from: number, to: number): Float32Array {
  if (from === to) return src;
  const out = new Float32Array(rows * to);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * from, r * from + to), r * to);
  return out;
}

/**
 * A convolution's geometry as the conv kernels read it (NHWC only): tfjs's sizes, and the
 * zero-padded input's height, width and offsets.
 */
function convGeometry(
  tf: Tf,
  kernel: string,
  xShape: Shape4,
  filterShape: Shape4,
  a: Pick<tfjs.Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
) {
  if (a.dataFormat !== 'NHWC') {
    throw new Error(
      `${kernel}: only channels-last (NHWC) images are supported on the wasm backend, not ${a.dataFormat}.`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
  const { padInfo, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  return {
    n: info.batchSize,
    h: inHeight,
    w: inWidth,
    c: info.inChannels,
    oh: outHeight,
    ow: outWidth,
    k: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: strideHeight,
    sw: strideWidth,
    hp: Math.max(inHeight + padInfo.top + padInfo.bottom, (outHeight - 1) * strideHeight + info.filterHeight),
    wp: Math.max(inWidth + padInfo.left + padInfo.right, (outWidth - 1) * strideWidth + info.filterWidth),
    top: padInfo.top,
    left: padInfo.left,
  };
}

/** Conv2DBackpropFilter: dW = Σ x-windows ⊗ dy (see `assembly/conv/filterGrad.ts`). */
export function filterGradKernel(tf: Tf, ws: ConvWorkspace) {
  return ({ inputs, backend, attrs }: KernelArgs): tfjs.TensorInfo => {
    const wasm = backend as BackendWasm;
    const { x, dy } = inputs as unknown as tfjs.Conv2DBackpropFilterInputs &
      Record<'x' | 'dy', tfjs.TensorInfo>;
    const a = attrs as unknown as tfjs.Conv2DBackpropFilterAttrs;
    const g = convGeometry(tf, 'Conv2DBackpropFilter', x.shape as Shape4, a.filterShape, a);
    const { n, h, w, c, oh, ow, k, fh, fw, hp, wp } = g;
    const kp = roundUp4(k);
    const dwCount = fh * fw * c * kp;
    const here = ws.threads.imagesHere(n, n * oh * ow * fh * fw * c * k);
    // A split call sums the second part's images into its own dW (on the helper thread, where
    // there is one), added to the first part's after: the same order on one thread and on two.
    const [xRaw, xp, dyAt, dw, dwTheirs] = ws.layout(
      n * h * w * c,
      n * hp * wp * c,
      n * oh * ow * kp,
      dwCount,
      here ? dwCount : 0,
    );
    ws.view(xRaw!, n * h * w * c).set(heapFloats(wasm, x));
    ws.kernels.moveImages(xRaw!, xp!, n, h, w, c, hp, wp, g.top, g.left, 1);
    widenRows(heapFloats(wasm, dy), ws.view(dyAt!, n * oh * ow * kp), n * oh * ow, k, kp);
    ws.threads.run('convFilterGrad', n, here, (first, count) => [
      xp! + first * hp * wp * c * 4,
      dyAt! + first * oh * ow * kp * 4,
      first ? dwTheirs! : dw!,
      count,
      hp,
      wp,
      c,
      oh,
      ow,
      kp,
      fh,
      fw,
      g.sh,
      g.sw,
    ]);
    if (here) ws.kernels.addFloats(dw!, dwTheirs!, dwCount);
    return output(wasm, a.filterShape, () => narrowRows(ws.view(dw!, dwCount), fh * fw * c, kp, k));
  };
}

/** Conv2DBackpropInput: dx = dy scattered back through the filter (see `assembly/conv/inputGrad.ts`). */
export function inputGradKernel(tf: Tf, ws: ConvWorkspace) {
  return ({ inputs, backend, attrs }: KernelArgs): tfjs.TensorInfo => {
    const wasm = backend as BackendWasm;
    const { dy, filter } = inputs as unknown as Record<'dy' | 'filter', tfjs.TensorInfo>;
    const a = attrs as unknown as tfjs.Conv2DBackpropInputAttrs;
    const g = convGeometry(tf, 'Conv2DBackpropInput', a.inputShape, filter.shape as Shape4, a);
    const { n, h, w, c, oh, ow, k, fh, fw, hp, wp } = g;
    const seg = fw * c;
    const segp = roundUp4(seg);
    const here = ws.threads.imagesHere(n, n * oh * ow * fh * seg * k);
    // Each thread's images get their own padded buffer: the kernel's last block writes back a few
    // floats past an image, which must not be the other thread's.
    const mine = here || n;
    const [dyAt, wAt, wt, dxp, dxpTheirs, dx] = ws.layout(
      n * oh * ow * k,
      fh * seg * k,
      fh * k * segp,
      mine * hp * wp * c,
      (n - mine) * hp * wp * c,
      n * h * w * c,
    );
    ws.view(dyAt!, n * oh * ow * k).set(heapFloats(wasm, dy));
    ws.view(wAt!, fh * seg * k).set(heapFloats(wasm, filter));
    const K = ws.kernels;
    K.transposeFilter(wAt!, wt!, fh, seg, k, segp);
    ws.threads.run('convInputGrad', n, here, (first, count) => [
      dyAt! + first * oh * ow * k * 4,
      wt!,
      first ? dxpTheirs! : dxp!,
      count,
      hp,
      wp,
      c,
      oh,
      ow,
      k,
      fh,
      g.sh,
      g.sw,
      segp,
    ]);
    K.moveImages(dx!, dxp!, mine, h, w, c, hp, wp, g.top, g.left, 0);
    if (mine < n) {
      K.moveImages(dx! + mine * h * w * c * 4, dxpTheirs!, n - mine, h, w, c, hp, wp, g.top, g.left, 0);
    }
    return output(wasm, a.inputShape, () => ws.view(dx!, n * h * w * c));
  };
}

/** MaxPoolGrad: each window's gradient to its first maximum (see `assembly/conv/poolGrad.ts`). */
export function maxPoolGradKernel(tf: Tf, ws: ConvWorkspace) {
  return ({ inputs, backend, attrs }: KernelArgs): tfjs.TensorInfo => {
    const wasm = backend as BackendWasm;
    const { dy, input } = inputs as unknown as Record<'dy' | 'input', tfjs.TensorInfo>;
    const a = attrs as unknown as tfjs.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as Shape4,
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    const { filterHeight: ph, filterWidth: pw } = info;
    const [dyAt, xAt, dx] = ws.layout(n * oh * ow * c, n * h * w * c, n * h * w * c);
    ws.view(dyAt!, n * oh * ow * c).set(heapFloats(wasm, dy));
    ws.view(xAt!, n * h * w * c).set(heapFloats(wasm, input));
    // Windows never cross images: each thread reads and writes only its own.
    const here = ws.threads.imagesHere(n, n * oh * ow * c * ph * pw);
    ws.threads.run('maxPoolGrad', n, here, (first, count) => [
      dyAt! + first * oh * ow * c * 4,
      xAt! + first * h * w * c * 4,
      dx! + first * h * w * c * 4,
      count,
      h,
      w,
      c,
      oh,
      ow,
      ph,
      pw,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    ]);
    return output(wasm, input.shape, () => ws.view(dx!, n * h * w * c));
  };
}
