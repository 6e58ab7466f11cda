/**
 * What handing half a kernel call to the helper thread costs and gains (`splitKernels.ts`): an
 * empty hand-over, and the forward product on hidden-layer-like shapes on one thread, split by
 * 32-column blocks and split by rows (minimum and 25th percentile µs). By hand:
 * `npx tsx bench/threadSplit.ts`.
 */
import { instantiateSharedKernels, KernelHelper } from '../src/training/kernels/kernelThreads';

const { kernels: k, module, memory } = await instantiateSharedKernels(64 * 2 ** 20, 64 * 2 ** 20);
const f32 = new Float32Array(memory.buffer);
const i32 = new Int32Array(memory.buffer);
let end = 65536;
const take = (n: number) => {
  const at = end;
  end += Math.ceil(n / 64) * 64;
  return at;
};
const control = take(256),
  scratch = take(64);
const names = Object.keys(k).filter(
  (n) => typeof (k as unknown as Record<string, unknown>)[n] === 'function',
);
const helper = await KernelHelper.attach(module, memory, control, scratch, names);
if (typeof helper === 'string') throw new Error(helper);
const B = 100,
  K = 784;
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const rowPtr = take((B + 1) * 4),
  idx = take(B * K * 4),
  val = take(B * K * 4);
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
const time = (fn: () => void, reps = 300) => {
  for (let i = 0; i < 30; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return `min ${(t[0]! * 1000).toFixed(0)} µs, p25 ${(t[t.length >> 2]! * 1000).toFixed(0)} µs`;
};
console.log(
  'empty fork-join',
  time(() => {
    helper.post('spmmPanels', [rowPtr, idx, val, B, 0, K, 32, 0, 0, 0, 0]);
    helper.join();
  }, 2000),
);
for (const N of [32, 64, 160, 625]) {
  const w = take(K * N * 4),
    out = take(B * N * 4);
  for (let i = 0; i < K * N; i++) f32[w / 4 + i] = rnd() - 0.5;
  const blocks = Math.ceil(N / 32),
    mid = Math.ceil(blocks / 2),
    r = B >> 1;
  console.log(
    `N=${N} work=${nnz * N}`,
    '| one:',
    time(() => k.spmm(rowPtr, idx, val, B, w, K, N, 0, out, 1)),
    '| panels:',
    time(() => {
      helper.post('spmmPanels', [rowPtr, idx, val, B, w, K, N, 0, out, mid, blocks]);
      k.spmmPanels(rowPtr, idx, val, B, w, K, N, 0, out, 0, mid);
      helper.join();
    }),
    '| rows:',
    time(() => {
      helper.post('spmm', [rowPtr + r * 4, idx, val, B - r, w, K, N, 0, out + r * N * 4, 1]);
      k.spmm(rowPtr, idx, val, r, w, K, N, 0, out, 1);
      helper.join();
    }),
  );
}
KernelHelper.stop();
