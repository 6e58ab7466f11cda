/**
 * The output end of the chain: row softmax and its gradient, the losses (value and gradient
 * with respect to the predictions) and the count of correct predictions.
 */

/** Softmax over each row of a[rows × n]: e^(x − max) / Σ e^(x − max). */
export function softmax(a: usize, rows: i32, n: i32): void {
  for (let i = 0; i < rows; i++) {
    const row = a + ((<usize>i * <usize>n) << 2);
    let m = load<f32>(row);
    for (let j = 1; j < n; j++) m = Mathf.max(m, load<f32>(row + ((<usize>j) << 2)));
    let s: f32 = 0;
    for (let j = 0; j < n; j++) {
      const e = Mathf.exp(load<f32>(row + ((<usize>j) << 2)) - m);
      store<f32>(row + ((<usize>j) << 2), e);
      s += e;
    }
    for (let j = 0; j < n; j++) store<f32>(row + ((<usize>j) << 2), load<f32>(row + ((<usize>j) << 2)) / s);
  }
}

/** g ← g·y − (Σ_row g·y)·y: through a row softmax whose output is y (tfjs's formula). */
export function softmaxBackward(g: usize, y: usize, rows: i32, n: i32): void {
  for (let i = 0; i < rows; i++) {
    const off = (<usize>i * <usize>n) << 2;
    let s: f32 = 0;
    for (let j = 0; j < n; j++) {
      const o = off + ((<usize>j) << 2);
      const gy = load<f32>(g + o) * load<f32>(y + o);
      store<f32>(g + o, gy);
      s += gy;
    }
    for (let j = 0; j < n; j++) {
      const o = off + ((<usize>j) << 2);
      store<f32>(g + o, load<f32>(g + o) - s * load<f32>(y + o));
    }
  }
}

/**
 * Cross-entropy −Σ y·log(clip(p, eps, 1)) times `scale` (1 for a summed loss, 1/batch for a
 * mean); writes dp = scale·(−y / p) where eps ≤ p ≤ 1 and 0 elsewhere (the clip's gradient).
 */
export function crossEntropy(p: usize, y: usize, len: i32, eps: f32, scale: f32, dp: usize): f64 {
  let total: f64 = 0;
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const pv = load<f32>(p + o);
    const yv = load<f32>(y + o);
    const clipped = Mathf.min(Mathf.max(pv, eps), 1);
    if (yv != 0) total += <f64>(yv * Mathf.log(clipped));
    store<f32>(dp + o, pv >= eps && pv <= 1 ? (-scale * yv) / clipped : 0);
  }
  return -total * <f64>scale;
}

/** Squared error Σ (y − p)² / classes times `scale`; dp = (scale / classes)·2(p − y). */
export function squaredError(p: usize, y: usize, len: i32, classes: i32, scale: f32, dp: usize): f64 {
  let total: f64 = 0;
  const d = scale / <f32>classes;
  for (let i = 0; i < len; i++) {
    const o = (<usize>i) << 2;
    const diff = load<f32>(y + o) - load<f32>(p + o);
    total += <f64>(diff * diff);
    store<f32>(dp + o, d * (<f32>2 * -diff));
  }
  return (total / <f64>classes) * <f64>scale;
}

/** Rows of p[rows × n] whose first largest value is at labels[i] (i32). */
export function countCorrect(p: usize, labels: usize, rows: i32, n: i32): i32 {
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const row = p + ((<usize>i * <usize>n) << 2);
    let best = 0;
    let m = load<f32>(row);
    for (let j = 1; j < n; j++) {
      const v = load<f32>(row + ((<usize>j) << 2));
      if (v > m) {
        m = v;
        best = j;
      }
    }
    if (best == load<i32>(labels + ((<usize>i) << 2))) correct++;
  }
  return correct;
}
