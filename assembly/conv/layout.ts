/** Moving image batches between tfjs's plain NHWC layout and the zero-padded one the kernels read. */

/** `count` floats at `dst` set to `value`. */
export function fill(dst: usize, count: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + ((<usize>i) << 2), v);
  for (; i < count; i++) store<f32>(dst + ((<usize>i) << 2), value);
}

/**
 * dst[i] += src[i] for `count` floats: the two threads' halves of a filter gradient, added (the
 * helper's half into this thread's, see `convFilterGrad`).
 */
export function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < count; i++) {
    const at = (<usize>i) << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/**
 * Between the plain [n, h, w, c] batch at `plain` and the [n, hp, wp, c] batch at `padded`
 * (hp ≥ h + top, wp ≥ w + left) whose window at (top, left) it is: `intoPadded` ≠ 0 zero-fills
 * `padded` and copies the batch into the window (the input of a convolution with padding), 0
 * copies the window out (the gradient of the padded input, cropped).
 */
export function moveImages(
  plain: usize,
  padded: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  hp: i32,
  wp: i32,
  top: i32,
  left: i32,
  intoPadded: i32,
): void {
  if (intoPadded) fill(padded, n * hp * wp * c, 0);
  const rowBytes = (<usize>(w * c)) << 2;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const p = plain + ((<usize>((b * h + y) * w * c)) << 2);
      const q = padded + ((<usize>(((b * hp + y + top) * wp + left) * c)) << 2);
      if (intoPadded) memory.copy(q, p, rowBytes);
      else memory.copy(p, q, rowBytes);
    }
  }
}
