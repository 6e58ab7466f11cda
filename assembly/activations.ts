/** Hidden-layer activations (in place) and their gradients given the activation's output y. */
import { madd } from './simd';

// exp(x) for 4 lanes: Cephes' expf polynomial after reduction by ln 2 (about 1 ulp).
function exp4(x: v128): v128 {
  // pmin/pmax are single instructions (min/max must also order NaN and ±0).
  x = f32x4.pmin(f32x4.pmax(f32x4.splat(-87.3), x), f32x4.splat(88.3));
  // n = round(x / ln 2) by the 1.5·2²³ trick: t's low mantissa bits hold n.
  const magic = f32x4.splat(12582912.0);
  const t = madd(x, f32x4.splat(1.44269504088896341), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
  // 2ⁿ: (n + 127) in the exponent field; only t's low 9 bits survive the shift.
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** Scalar exp through the same polynomial (tails of the SIMD loops). */
function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** y = 1 / (1 + e^(−x)). */
export function sigmoid(a: usize, len: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = a + ((<usize>i) << 2);
    v128.store(o, f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(v128.load(o))))));
  }
  for (; i < len; i++) {
    const o = a + ((<usize>i) << 2);
    store<f32>(o, <f32>1 / (<f32>1 + exp1(-load<f32>(o))));
  }
}

/** y = max(0, x). */
export function relu(a: usize, len: i32): void {
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= len; i += 4) {
    const o = a + ((<usize>i) << 2);
    v128.store(o, f32x4.pmax(zero, v128.load(o)));
  }
  for (; i < len; i++) {
    const o = a + ((<usize>i) << 2);
    const v = load<f32>(o);
    store<f32>(o, v > 0 ? v : 0);
  }
}

/** y = tanh(x) = sign(x)·(1 − 2 / (e^(2|x|) + 1)). */
export function tanh(a: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const o = a + ((<usize>i) << 2);
    const x = load<f32>(o);
    const t = <f32>1 - <f32>2 / (exp1(<f32>2 * Mathf.abs(x)) + <f32>1);
    store<f32>(o, x < 0 ? -t : t);
  }
}

/** g ← g·(y·(1 − y)): through a sigmoid whose output is y. */
export function sigmoidBackward(g: usize, y: usize, len: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    const yv = v128.load(y + o);
    v128.store(g + o, f32x4.mul(v128.load(g + o), f32x4.mul(yv, f32x4.sub(one, yv))));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    const yv = load<f32>(y + o);
    store<f32>(g + o, load<f32>(g + o) * (yv * (<f32>1 - yv)));
  }
}

/** g ← g·step(y): through a ReLU (its output is > 0 exactly where its input is). */
export function reluBackward(g: usize, y: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    store<f32>(g + o, load<f32>(y + o) > 0 ? load<f32>(g + o) : 0);
  }
}

/** g ← (1 − y²)·g: through a tanh whose output is y. */
export function tanhBackward(g: usize, y: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const yv = load<f32>(y + o);
    store<f32>(g + o, (<f32>1 - yv * yv) * load<f32>(g + o));
  }
}
