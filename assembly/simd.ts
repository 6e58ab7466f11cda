/** What several kernel files share: a static scratch and the SIMD multiply-add. */

/** 64 bytes of static scratch. */
export const scratch: usize = memory.data(64, 16);

/**
 * a·b + c as a multiply and an add: exactly tfjs's rounding (a fused multiply-add would round
 * once and change the sums).
 */
export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}
