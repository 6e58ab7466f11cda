/**
 * Inverted dropout as tfjs applies it in training: out = x·mask with mask = 1/(1 − rate) for a
 * kept unit and 0 for a dropped one; its backward pass multiplies the gradient by the same mask.
 * The random numbers are a counter-based hash of (seed, step, index), so a step's masks depend
 * only on the seed and the step, not on how many numbers were drawn before.
 */

/** A 32-bit hash with full avalanche (murmur3's finaliser). */
function mix(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/**
 * out[i] = x[i]·mask[i] over len values, mask[i] = scale when unit i is kept, else 0 (kept when
 * its 24-bit uniform is ≥ `threshold` = rate·2²⁴, i.e. with probability 1 − rate). `key` is
 * derived from the seed and the step by the host.
 */
export function dropoutForward(
  x: usize,
  out: usize,
  mask: usize,
  len: i32,
  key: u32,
  threshold: u32,
  scale: f32,
): void {
  const base = mix(key);
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const u = mix(base ^ (<u32>i * 0x9e3779b9)) >> 8;
    const m: f32 = u >= threshold ? scale : 0;
    store<f32>(mask + o, m);
    store<f32>(out + o, load<f32>(x + o) * m);
  }
}

/** g ← g·mask over len values (the backward pass of `dropoutForward`). */
export function maskMultiply(g: usize, mask: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(g + o, f32x4.mul(v128.load(g + o), v128.load(mask + o)));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    store<f32>(g + o, load<f32>(g + o) * load<f32>(mask + o));
  }
}
