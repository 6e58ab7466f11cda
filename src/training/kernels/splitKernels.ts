/**
 * The dense kernels with their large calls split between this thread and a helper thread
 * (`KernelHelper`): each thread computes its own 32-column blocks of a product (or its own rows,
 * or its own range of an optimizer update), so every output value is the same sum, in the same
 * order, as on one thread. Small calls stay on one thread, where handing work over would cost
 * more than it saves.
 */
import type { DenseKernels } from './kernels';
import type { KernelHelper } from './kernelThreads';

/**
 * Below this many multiply-adds a product runs on one thread. Measured on the 2-core machine
 * (`bench/README.md`): handing half a product to the helper and waiting for it costs ~10–30 µs,
 * about what 100,000 multiply-adds take; beginner's products (10 columns, `spmmNarrow`) are never
 * split, and neither is anything under this size.
 */
export const MIN_SPLIT_PRODUCT = 150_000;
/** Below this many weights an optimizer update runs on one thread (it is memory traffic). */
export const MIN_SPLIT_UPDATE = 65_536;

/** Floats per half boundary: a multiple of 16 keeps the two halves on separate cache lines. */
const ALIGN = 16;

/** `kernels`, with products and updates split with `helper` while it is active. */
export function splitKernels(kernels: DenseKernels, helper: KernelHelper): DenseKernels {
  const i32 = () => new Int32Array(kernels.memory.buffer);
  /** Run `mine()` here while the helper runs `name(...theirs)`, then wait for it. */
  const both = (name: keyof DenseKernels, theirs: number[], mine: () => void) => {
    helper.post(name, theirs);
    try {
      mine();
    } finally {
      helper.join();
    }
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
        both('spmmPanels', [rowPtr, idx, val, rows, w, k, n, bias, out, mid, blocks], () =>
          kernels.spmmPanels(rowPtr, idx, val, rows, w, k, n, bias, out, 0, mid),
        );
      } else {
        // W row-major: split the rows of A (CSR pointers are absolute, so a row range is a CSR).
        const r = rows >> 1;
        both('spmm', [rowPtr + r * 4, idx, val, rows - r, w, k, n, bias, out + r * n * 4, 0], () =>
          kernels.spmm(rowPtr, idx, val, r, w, k, n, bias, out, 0),
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
      both('spmmTGradPanels', [colPtr, idx, val, k, dz, n, w, c, dw, mid, blocks], () =>
        kernels.spmmTGradPanels(colPtr, idx, val, k, dz, n, w, c, dw, 0, mid),
      );
    },
    adamUpdate(w, mm, v, g, len, ...rest) {
      const h = half(len, MIN_SPLIT_UPDATE);
      if (!h) return kernels.adamUpdate(w, mm, v, g, len, ...rest);
      const o = h * 4;
      both('adamUpdate', [w + o, mm + o, v + o, g + o, len - h, ...rest], () =>
        kernels.adamUpdate(w, mm, v, g, h, ...rest),
      );
    },
    rmspropUpdate(w, ms, mom, g, len, ...rest) {
      const h = half(len, MIN_SPLIT_UPDATE);
      if (!h) return kernels.rmspropUpdate(w, ms, mom, g, len, ...rest);
      const o = h * 4;
      both('rmspropUpdate', [w + o, ms + o, mom + o, g + o, len - h, ...rest], () =>
        kernels.rmspropUpdate(w, ms, mom, g, h, ...rest),
      );
    },
    momentumUpdate(w, acc, g, len, ...rest) {
      const h = half(len, MIN_SPLIT_UPDATE);
      if (!h) return kernels.momentumUpdate(w, acc, g, len, ...rest);
      const o = h * 4;
      both('momentumUpdate', [w + o, acc + o, g + o, len - h, ...rest], () =>
        kernels.momentumUpdate(w, acc, g, h, ...rest),
      );
    },
  };
}
