/**
 * The kernel instance a trainer runs on: on one thread, its own memory; on two, a shared memory
 * with the helper thread attached and the large calls split (`splitKernels.ts`).
 */
import type { ChainLayout } from './denseLayout';
import { instantiateDenseKernels, type DenseKernels } from './kernels';
import { instantiateSharedKernels, KernelHelper, threadSupport, type ThreadSupport } from './kernelThreads';
import { splitKernels } from './splitKernels';

/** Room for the sparse image store: at most one 4-byte entry per pixel, plus growth slack. */
const storeBound = (images: Uint8Array | undefined) => (images ? images.length * 4 : 0) + 8 * 2 ** 20;

/**
 * Kernels for `layout` on `threads` threads (1 or 2), and how many it got: with 2, one thread
 * and the reason where the helper cannot be had (no SharedArrayBuffer, no worker, no memory).
 */
export async function trainerKernels(
  layout: ChainLayout,
  images: Uint8Array | undefined,
  threads: 1 | 2,
): Promise<{ kernels: DenseKernels; threading: ThreadSupport }> {
  const one = async (reason?: string) => ({
    kernels: await instantiateDenseKernels(),
    threading: { threads: 1 as const, ...(reason !== undefined && { reason }) },
  });
  if (threads === 1) return one();
  const support = threadSupport();
  if (support.threads === 1) return one(support.reason);
  let shared: Awaited<ReturnType<typeof instantiateSharedKernels>>;
  try {
    shared = await instantiateSharedKernels(layout.end, layout.end + storeBound(images));
  } catch (e) {
    if (e instanceof RangeError) return one('the shared memory could not be reserved');
    throw e;
  }
  const { kernels, module, memory } = shared;
  const names = Object.keys(kernels).filter((k) => typeof kernels[k as keyof DenseKernels] === 'function');
  const helper = await KernelHelper.attach(
    module,
    memory,
    layout.buf.control,
    layout.buf.helperScratch,
    names,
  );
  if (typeof helper === 'string') return { kernels, threading: { threads: 1, reason: helper } };
  return { kernels: splitKernels(kernels, helper), threading: { threads: 2 } };
}
