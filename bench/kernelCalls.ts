/**
 * One call of each heavy kernel on hidden-layer's shapes, timed in Node and in headless
 * Chromium on the same bytes (minimum and median µs over 400 calls): how the two V8s compile
 * the kernels, apart from everything else a training step does. By hand:
 * `npx tsx bench/kernelCalls.ts` (another Node: `/path/to/node --import tsx bench/kernelCalls.ts`).
 */
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../src/cli/benchChromium';
import {
  DENSE_KERNELS_WASM_BASE64,
  type DenseKernelExports,
} from '../src/training/kernels/denseKernels.wasm';

// Same code in Node and Chromium: min and median µs of single kernel calls on hidden-layer shapes.
const micro = async (b64: string) => {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const k = instance.exports as unknown as DenseKernelExports;
  k.memory.grow(200);
  const f32 = new Float32Array(k.memory.buffer);
  const i32 = new Int32Array(k.memory.buffer);
  let end = 65536;
  const take = (bytesN: number) => {
    const at = end;
    end += Math.ceil(bytesN / 64) * 64;
    return at;
  };
  const B = 100,
    K = 784,
    N = 625;
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const w = take(K * N * 4),
    out = take(B * N * 4),
    rowPtr = take((B + 1) * 4),
    idx = take(B * K * 4),
    val = take(B * K * 4);
  const colPtr = take((K + 1) * 4),
    cidx = take(B * K * 4),
    cval = take(B * K * 4),
    dz = take(B * N * 4);
  const m = take(K * N * 4),
    v = take(K * N * 4),
    g = take(K * N * 4);
  for (let i = 0; i < K * N; i++) {
    f32[w / 4 + i] = rnd() - 0.5;
    f32[g / 4 + i] = rnd() - 0.5;
  }
  for (let i = 0; i < B * N; i++) f32[dz / 4 + i] = rnd() - 0.5;
  let nnz = 0;
  for (let r = 0; r < B; r++) {
    i32[rowPtr / 4 + r] = nnz;
    for (let c = 0; c < K; c++)
      if (rnd() < 0.19) {
        i32[idx / 4 + nnz] = c;
        f32[val / 4 + nnz] = rnd();
        nnz++;
      }
  }
  i32[rowPtr / 4 + B] = nnz;
  k.cscFromCsr(rowPtr, idx, val, B, K, colPtr, cidx, cval);
  const time = (fn: () => void, reps: number) => {
    for (let i = 0; i < 50; i++) fn();
    const t: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      fn();
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    return { min: +(t[0]! * 1000).toFixed(0), median: +(t[t.length >> 1]! * 1000).toFixed(0) };
  };
  return {
    nnz,
    spmm: time(() => k.spmm(rowPtr, idx, val, B, w, K, N, 0, out, 1), 400),
    spmmTGrad: time(() => k.spmmTGrad(colPtr, cidx, cval, K, dz, N, w, -1e-9, 0), 400),
    adam: time(() => k.adamUpdate(w, m, v, g, K * N, 0.9, 0.1, 0.999, 0.001, 0.5, 0.5, 1e-7, -1e-9), 400),
  };
};

const node = await micro(DENSE_KERNELS_WASM_BASE64);
console.log('node', process.versions.v8, JSON.stringify(node));
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const page = await browser.newPage();
// tsx keeps function names with a `__name` helper that the page does not have.
await page.addInitScript('globalThis.__name = (f) => f');
await page.goto('about:blank');
const src = `(${micro.toString()})`;
const res = await page.evaluate(async ([code, b64]) => (0, eval)(code)(b64), [
  src,
  DENSE_KERNELS_WASM_BASE64,
] as const);
console.log('chromium', await browser.version(), JSON.stringify(res));
await browser.close();
