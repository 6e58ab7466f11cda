/**
 * The convolution kernels on two threads: the shared-memory build of `assembly/conv/` on a shared
 * memory, the conv module's helper thread (`../kernels/kernelThreads.ts`, the machinery the dense
 * kernels use) attached to it, and the one rule of when a call is split — by images: this thread
 * takes the first half of the batch, the helper the rest.
 */
import {
  CONTROL_BYTES,
  instantiateSharedModule,
  KernelHelper,
  threadSupport,
  type SharedKernelModule,
  type ThreadSupport,
} from '../kernels/kernelThreads';
import { CONV_KERNELS_SHARED_WASM_BASE64 } from './convKernelsShared.wasm';
import { assertConvKernels, instantiateConvKernels, type ConvKernels } from './convModule';

/** The conv kernels' shared-memory build (`npm run build:wasm`), with its own helper thread. */
export const CONV_SHARED: SharedKernelModule<ConvKernels> = {
  name: 'conv',
  base64: CONV_KERNELS_SHARED_WASM_BASE64,
  check: assertConvKernels,
};

/** A kernel of the conv module (every export but the memory). */
export type ConvKernelName = Exclude<keyof ConvKernels, 'memory'>;

/** Byte address of the helper's control block in the kernels' memory. */
const CONTROL_AT = 64;
/** Where the workspace's buffers start: after the control block (64-byte aligned). */
export const ARENA_START = Math.ceil((CONTROL_AT + CONTROL_BYTES) / 64) * 64;

/**
 * Below this many multiply-adds (window reads, for a pool gradient) a call runs on one thread.
 * A hand-over to the helper costs ~10 µs on an idle machine and a few hundred µs when the helper
 * waits for a core on a busy one (`npx tsx bench/conv/threadSplit.ts`); the kernels do ~2–10
 * multiply-adds per ns, so 4 M (~1 ms of work) keeps the small layers, where the hand-over would
 * eat the gain, on one thread, and splits every layer of the CNN presets.
 */
export const MIN_SPLIT_WORK = 4_000_000;

/**
 * The one rule of splitting a call of `work` over `images` images: how many images this thread
 * takes (the helper takes the rest), or 0 to run it as one call. A batch of 1 is never split.
 */
export function imagesHere(images: number, work: number, minWork = MIN_SPLIT_WORK): number {
  return images >= 2 && work >= minWork ? Math.floor(images / 2) : 0;
}

/** The threads a `ConvWorkspace` runs its kernels on: this one, and a helper when there is one. */
export class ConvThreads {
  /** How many calls went to both threads so far (for tests and the bench). */
  splits = 0;
  /** The rule's threshold (`MIN_SPLIT_WORK`); tests and the bench lower it to split small calls. */
  minWork = MIN_SPLIT_WORK;

  private constructor(
    private readonly kernels: ConvKernels,
    private readonly shared: { module: WebAssembly.Module; memory: WebAssembly.Memory } | undefined,
    private helper: KernelHelper | undefined,
    private reason: string | undefined,
  ) {}

  /** One thread or two, and why one when two were asked for. */
  get support(): ThreadSupport {
    if (this.helper?.active) return { threads: 2 };
    return { threads: 1, reason: this.reason ?? 'one thread was asked for' };
  }

  /**
   * Where a call splits its images (`imagesHere`), or 0 for not at all. It depends on the call's
   * size only, not on whether the helper is there: without it the two parts run one after the
   * other here, so the results are the same on one thread and on two (the filter gradient's two
   * partial sums included).
   */
  imagesHere(images: number, work: number): number {
    return imagesHere(images, work, this.minWork);
  }

  /**
   * Run kernel `name` over `images` images, where `args(first, count)` are its arguments for
   * images [first, first + count): as one call when `here` is 0, else images [0, here) here and
   * the rest on the helper at the same time (or after, here, without one).
   */
  run<N extends ConvKernelName>(
    name: N,
    images: number,
    here: number,
    args: (first: number, count: number) => Parameters<ConvKernels[N]>,
  ): void {
    // A generic index into the exports is not callable for TypeScript; `args` types the call.
    const kernel = this.kernels[name] as (...a: number[]) => void;
    if (!here) {
      kernel(...args(0, images));
      return;
    }
    if (!this.helper?.active) {
      kernel(...args(0, here));
      kernel(...args(here, images - here));
      return;
    }
    this.splits++;
    this.helper.post(name, args(here, images - here));
    try {
      kernel(...args(0, here));
    } finally {
      this.helper.join();
    }
  }

  /** Attach the helper again if it was taken away (`KernelHelper.stop`); a no-op on one thread. */
  async reattach(): Promise<void> {
    if (!this.shared || this.helper?.active) return;
    const helper = await attachHelper(this.kernels, this.shared.module, this.shared.memory);
    if (typeof helper === 'string') this.reason = helper;
    else this.helper = helper;
  }

  /**
   * The kernels on `threads` threads: with 2, a shared memory and the helper attached, or one
   * thread and the reason where that cannot be had (no SharedArrayBuffer or cross-origin
   * isolation, no worker, no memory); with 1, the usual build on its own memory.
   */
  static async start(threads: 1 | 2): Promise<{ kernels: ConvKernels; threads: ConvThreads }> {
    const alone = async (reason: string | undefined) => {
      const kernels = await instantiateConvKernels();
      return { kernels, threads: new ConvThreads(kernels, undefined, undefined, reason) };
    };
    if (threads === 1) return alone(undefined);
    const support = threadSupport(CONV_SHARED);
    if (support.threads === 1) return alone(support.reason);
    let shared: Awaited<ReturnType<typeof instantiateSharedModule<ConvKernels>>>;
    try {
      shared = await instantiateSharedModule(CONV_SHARED, ARENA_START, 2 ** 32);
    } catch (e) {
      if (e instanceof RangeError) return alone('the shared memory could not be reserved');
      throw e;
    }
    const { kernels, module, memory } = shared;
    const helper = await attachHelper(kernels, module, memory);
    const attached = typeof helper === 'string' ? undefined : helper;
    const reason = typeof helper === 'string' ? helper : undefined;
    return { kernels, threads: new ConvThreads(kernels, { module, memory }, attached, reason) };
  }
}

function attachHelper(
  kernels: ConvKernels,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): Promise<KernelHelper | string> {
  const names = Object.keys(kernels).filter((k) => typeof kernels[k as keyof ConvKernels] === 'function');
  return KernelHelper.attach(module, memory, CONTROL_AT, undefined, names, CONV_SHARED.name);
}
