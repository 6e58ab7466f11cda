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

/**
 * tfjs Adam, in its order of operations (each rounded to float32 as tfjs's ops are):
 * m ← m·β₁ + g·(1 − β₁); v ← v·β₂ + g²·(1 − β₂); w ← (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)·c + w
 * with c = −learning rate and `c1`, `c2` the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ (tfjs keeps
 * βᵗ as a float32 variable multiplied by β once per step).
 */
export function adamUpdate(
  w: usize,
  m: usize,
  v: usize,
  g: usize,
  len: i32,
  b1: f32,
  oneMinusB1: f32,
  b2: f32,
  oneMinusB2: f32,
  c1: f32,
  c2: f32,
  eps: f32,
  c: f32,
): void {
  const b1v = f32x4.splat(b1),
    o1v = f32x4.splat(oneMinusB1),
    b2v = f32x4.splat(b2),
    o2v = f32x4.splat(oneMinusB2),
    c1v = f32x4.splat(c1),
    c2v = f32x4.splat(c2),
    ev = f32x4.splat(eps),
    cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), b1v), f32x4.mul(gv, o1v));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), b2v), f32x4.mul(f32x4.mul(gv, gv), o2v));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const step = f32x4.div(f32x4.div(mv, c1v), f32x4.add(f32x4.sqrt(f32x4.div(vv, c2v)), ev));
    v128.store(w + o, f32x4.add(f32x4.mul(step, cv), v128.load(w + o)));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o) * b1 + gi * oneMinusB1;
    const vi = load<f32>(v + o) * b2 + gi * gi * oneMinusB2;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, (mi / c1 / (Mathf.sqrt(vi / c2) + eps)) * c + load<f32>(w + o));
  }
}

/**
 * tfjs RMSprop without centering: ms ← ms·ρ + g²·(1 − ρ); mom ← mom·μ + (g·lr) / √(ms + ε);
 * w ← w − mom.
 */
export function rmspropUpdate(
  w: usize,
  ms: usize,
  mom: usize,
  g: usize,
  len: i32,
  decay: f32,
  oneMinusDecay: f32,
  momentum: f32,
  eps: f32,
  lr: f32,
): void {
  const dv = f32x4.splat(decay),
    odv = f32x4.splat(oneMinusDecay),
    muv = f32x4.splat(momentum),
    ev = f32x4.splat(eps),
    lrv = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = (<usize>i) << 2;
    const gv = v128.load(g + o);
    const s = f32x4.add(f32x4.mul(v128.load(ms + o), dv), f32x4.mul(f32x4.mul(gv, gv), odv));
    const a = f32x4.add(
      f32x4.mul(v128.load(mom + o), muv),
      f32x4.div(f32x4.mul(gv, lrv), f32x4.sqrt(f32x4.add(s, ev))),
    );
    v128.store(ms + o, s);
    v128.store(mom + o, a);
    v128.store(w + o, f32x4.sub(v128.load(w + o), a));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const s = load<f32>(ms + o) * decay + gi * gi * oneMinusDecay;
    const a = load<f32>(mom + o) * momentum + (gi * lr) / Mathf.sqrt(s + eps);
    store<f32>(ms + o, s);
    store<f32>(mom + o, a);
    store<f32>(w + o, load<f32>(w + o) - a);
  }
}
