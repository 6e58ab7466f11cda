/** Moving image batches between tfjs's plain NHWC layout and the zero-padded one the kernels read. */

/** `count` floats at `dst` set to `value`. */
export function fill(dst: usize, count: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + ((<usize>i) << 2), v);
  for (; i < count; i++) store<f32>(dst + ((<usize>i) << 2), value);
}

/**
 * dst[n][top + y][left + x][c] = src[n][y][x][c] for the [n, h, w, c] batch at `src`, inside a
 * zero-filled [n, hp, wp, c] batch at `dst` (hp ≥ h + top, wp ≥ w + left).
 */
export function padImages(
  src: usize,
  dst: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  hp: i32,
  wp: i32,
  top: i32,
  left: i32,
): void {
  fill(dst, n * hp * wp * c, 0);
  const rowBytes = (<usize>(w * c)) << 2;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const from = src + ((<usize>((b * h + y) * w * c)) << 2);
      const to = dst + ((<usize>(((b * hp + y + top) * wp + left) * c)) << 2);
      memory.copy(to, from, rowBytes);
    }
  }
}

/** The inverse of `padImages`: the [n, h, w, c] window at (top, left) of the padded batch. */
export function cropImages(
  src: usize,
  dst: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  hp: i32,
  wp: i32,
  top: i32,
  left: i32,
): void {
  const rowBytes = (<usize>(w * c)) << 2;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const from = src + ((<usize>(((b * hp + y + top) * wp + left) * c)) << 2);
      const to = dst + ((<usize>((b * h + y) * w * c)) << 2);
      memory.copy(to, from, rowBytes);
    }
  }
}
