/**
 * The dense kernels with their large calls split between this thread and a helper thread
 * (`KernelHelper`): each thread computes its own 32-column blocks of a product (or its own rows,
 * or its own range of an optimizer update), so every output value is the same sum, in the same
 * order, as on one thread. Small calls stay on one thread, where handing work over would cost
 * more than it saves; larger ones are split only where splitting measures faster (`SplitChoice`):
 * on a busy machine the helper thread may wait a scheduler slice to run, and one thread wins.
 */
import type { DenseKernels } from './kernels';
import type { KernelHelper } from './kernelThreads';

/**
 * Below this many multiply-adds a product runs on one thread: ~50 µs of work, less than the
 * cheapest hand-over measured (see `README.md`). Beginner's products (10 columns, `spmmNarrow`,
 * `csrGradNarrow`) are never split.
 */
export const MIN_SPLIT_PRODUCT = 400_000;
/** Below this many weights an optimizer update runs on one thread (it is memory traffic). */
export const MIN_SPLIT_UPDATE = 65_536;

/**
 * Whether to split the calls of one kind and size: both ways are timed in turn for the first
 * calls, then the faster is taken, and the other is tried again every `RETRY` calls in case the
 * machine got quieter or busier. Safe because both ways give the same values.
 */
class SplitChoice {
  private readonly mean = [0, 0]; // running mean ms: [alone, split]
  private readonly count = [0, 0];
  private calls = 0;
  private static readonly TRIALS = 8;
  private static readonly RETRY = 64;

  split(): boolean {
    this.calls++;
    if (this.count[0]! < SplitChoice.TRIALS || this.count[1]! < SplitChoice.TRIALS)
      return this.calls % 2 === 0;
    const faster = this.mean[1]! < this.mean[0]!;
    return this.calls % SplitChoice.RETRY === 0 ? !faster : faster;
  }

  record(split: boolean, ms: number): void {
    const i = split ? 1 : 0;
    this.count[i]!++;
    // A mean over the first trials, then an exponential one that follows the machine's load.
    const weight = Math.max(1 / this.count[i]!, 0.1);
    this.mean[i] = this.mean[i]! + (ms - this.mean[i]!) * weight;
  }
}

/** Floats per half boundary: a multiple of 16 keeps the two halves on separate cache lines. */
const ALIGN = 16;

/** `kernels`, with products and updates split with `helper` while it is active. */
export function splitKernels(kernels: DenseKernels, helper: KernelHelper): DenseKernels {
  const i32 = () => new Int32Array(kernels.memory.buffer);
  const choices = new Map<string, SplitChoice>();
  /**
   * Run `alone()`, or `mine()` here while the helper runs `name(...theirs)` — whichever has
   * measured faster for calls of this name and size.
   */
  const either = (
    name: keyof DenseKernels,
    size: number,
    alone: () => void,
    theirs: number[],
    mine: () => void,
  ) => {
    const key = `${name}:${Math.round(Math.log2(size))}`;
    let choice = choices.get(key);
    if (!choice) choices.set(key, (choice = new SplitChoice()));
    const split = choice.split();
    const t0 = performance.now();
    if (!split) alone();
    else {
      helper.post(name, theirs);
      try {
        mine();
      } finally {
        helper.join();
      }
    }
    choice.record(split, performance.now() - t0);
  };
  /** Split point of `len` values (or 0: do not split). */
  const half = (len: number, min: number) =>
    helper.active && len >= min ? Math.floor(len / 2 / ALIGN) * ALIGN : 0;

  return {
    ...kernels,
    spmm(rowPtr, idx, val, rows, w, k, n, bias, out, panelled) {
      const m = i32();
      const work = (m[rowPtr / 4 + rows]! - m[rowPtr / 4]!) * n;
      const blocks = Math.ceil(n / 32);
      if (!helper.active || work < MIN_SPLIT_PRODUCT || (panelled ? blocks : rows) < 2) {
        kernels.spmm(rowPtr, idx, val, rows, w, k, n, bias, out, panelled);
      } else if (panelled) {
        const mid = Math.ceil(blocks / 2);
        either(
          'spmmPanels',
          work,
          () => kernels.spmm(rowPtr, idx, val, rows, w, k, n, bias, out, 1),
          [rowPtr, idx, val, rows, w, k, n, bias, out, mid, blocks],
          () => kernels.spmmPanels(rowPtr, idx, val, rows, w, k, n, bias, out, 0, mid),
        );
      } else {
        // W row-major: split the rows of A (CSR pointers are absolute, so a row range is a CSR).
        const r = rows >> 1;
        either(
          'spmm',
          work,
          () => kernels.spmm(rowPtr, idx, val, rows, w, k, n, bias, out, 0),
          [rowPtr + r * 4, idx, val, rows - r, w, k, n, bias, out + r * n * 4, 0],
          () => kernels.spmm(rowPtr, idx, val, r, w, k, n, bias, out, 0),
        );
      }
    },
    spmmTGrad(colPtr, idx, val, k, dz, n, w, c, dw) {
      const m = i32();
      const work = (m[colPtr / 4 + k]! - m[colPtr / 4]!) * n;
      const blocks = Math.ceil(n / 32);
      if (!helper.active || work < MIN_SPLIT_PRODUCT || blocks < 2) {
        kernels.spmmTGrad(colPtr, idx, val, k, dz, n, w, c, dw);
        return;
      }
      const mid = Math.ceil(blocks / 2);
      either(
        'spmmTGradPanels',
        work,
        () => kernels.spmmTGrad(colPtr, idx, val, k, dz, n, w, c, dw),
        [colPtr, idx, val, k, dz, n, w, c, dw, mid, blocks],
        () => kernels.spmmTGradPanels(colPtr, idx, val, k, dz, n, w, c, dw, 0, mid),
      );
    },
    adamUpdate(w, mm, v, g, len, ...rest) {
      const h = half(len, MIN_SPLIT_UPDATE);
      if (!h) return kernels.adamUpdate(w, mm, v, g, len, ...rest);
      const o = h * 4;
      either(
        'adamUpdate',
        len,
        () => kernels.adamUpdate(w, mm, v, g, len, ...rest),
        [w + o, mm + o, v + o, g + o, len - h, ...rest],
        () => kernels.adamUpdate(w, mm, v, g, h, ...rest),
      );
    },
    rmspropUpdate(w, ms, mom, g, len, ...rest) {
      const h = half(len, MIN_SPLIT_UPDATE);
      if (!h) return kernels.rmspropUpdate(w, ms, mom, g, len, ...rest);
      const o = h * 4;
      either(
        'rmspropUpdate',
        len,
        () => kernels.rmspropUpdate(w, ms, mom, g, len, ...rest),
        [w + o, ms + o, mom + o, g + o, len - h, ...rest],
        () => kernels.rmspropUpdate(w, ms, mom, g, h, ...rest),
      );
    },
    momentumUpdate(w, acc, g, len, ...rest) {
      const h = half(len, MIN_SPLIT_UPDATE);
      if (!h) return kernels.momentumUpdate(w, acc, g, len, ...rest);
      const o = h * 4;
      either(
        'momentumUpdate',
        len,
        () => kernels.momentumUpdate(w, acc, g, len, ...rest),
        [w + o, acc + o, g + o, len - h, ...rest],
        () => kernels.momentumUpdate(w, acc, g, h, ...rest),
      );
    },
  };
}
