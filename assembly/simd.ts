/** What several kernel files share: a per-thread scratch and the SIMD multiply-add. */

/**
 * 64 bytes of scratch. A global is per instance, so a helper thread that instantiates the module
 * on the same shared memory points it at its own 64 bytes (`useScratch`); by default it is a
 * static block of the module's first page.
 */
export let scratch: usize = memory.data(64, 16);

/** Use the 64 bytes at `at` as this instance's scratch (a helper thread's own, 16-byte aligned). */
export function useScratch(at: usize): void {
  scratch = at;
}

/**
 * a·b + c as a multiply and an add: exactly tfjs's rounding (a fused multiply-add would round
 * once and change the sums).
 */
export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}
