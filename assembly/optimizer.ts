/** Optimizer updates from a given gradient g, with tfjs's formulas. */

/**
 * w ← c·g + w over len values (plain gradient descent, c = −learning rate). Not a kernel of its
 * own: the trainer fuses plain SGD into the gradient products (`gemmGrad.ts`), which call this.
 */
export function sgdApply(w: usize, g: usize, len: i32, c: f32): void {
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(w + o, f32x4.add(f32x4.mul(cv, v128.load(g + o)), v128.load(w + o)));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    store<f32>(w + o, c * load<f32>(g + o) + load<f32>(w + o));
  }
}

/**
 * tfjs momentum: acc ← acc·m + g; w ← c·acc + w, or with Nesterov w ← c·(g + acc·m) + w.
 */
export function momentumUpdate(
  w: usize,
  acc: usize,
  g: usize,
  len: i32,
  m: f32,
  c: f32,
  nesterov: i32,
): void {
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const a = load<f32>(acc + o) * m + gi;
    store<f32>(acc + o, a);
    store<f32>(w + o, (nesterov ? c * (gi + a * m) : c * a) + load<f32>(w + o));
  }
}
