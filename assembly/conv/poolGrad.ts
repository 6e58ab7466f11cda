/**
 * The gradient of max pooling (tfjs's MaxPoolGrad), NHWC: each output's gradient goes to the
 * input position of its window's maximum — the first one in row-major window order when several
 * are equal (tfjs's rule; ties are common after a ReLU), positions outside the input skipped.
 * Windows may overlap (stride < pool size): the gradients then add up. Four channels at a time
 * (SIMD compare and select), the rest one by one.
 */
export function maxPoolGrad(
  dy: usize,
  x: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  ph: i32,
  pw: i32,
  sh: i32,
  sw: i32,
  top: i32,
  left: i32,
): void {
  const total = n * h * w * c;
  let i = 0;
  for (; i + 4 <= total; i += 4) v128.store(dx + ((<usize>i) << 2), f32x4.splat(0));
  for (; i < total; i++) store<f32>(dx + ((<usize>i) << 2), 0);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const ys = max(y0, 0);
      const ye = min(y0 + ph, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - left;
        const xs = max(x0, 0);
        const xe = min(x0 + pw, w);
        const d = dy + ((<usize>(((b * oh + oy) * ow + ox) * c)) << 2);
        let ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          let best = f32x4.splat(-Infinity);
          let at = i32x4.splat(-1);
          for (let y = ys; y < ye; y++) {
            for (let xx = xs; xx < xe; xx++) {
              const idx = ((b * h + y) * w + xx) * c + ch;
              const v = v128.load(x + ((<usize>idx) << 2));
              const more = f32x4.gt(v, best);
              best = v128.bitselect(v, best, more);
              at = v128.bitselect(i32x4.add(i32x4.splat(idx), i32x4(0, 1, 2, 3)), at, more);
            }
          }
          route(dx, d + ((<usize>ch) << 2), i32x4.extract_lane(at, 0), 0);
          route(dx, d + ((<usize>ch) << 2), i32x4.extract_lane(at, 1), 4);
          route(dx, d + ((<usize>ch) << 2), i32x4.extract_lane(at, 2), 8);
          route(dx, d + ((<usize>ch) << 2), i32x4.extract_lane(at, 3), 12);
        }
        for (; ch < c; ch++) {
          let best: f32 = -Infinity;
          let at = -1;
          for (let y = ys; y < ye; y++) {
            for (let xx = xs; xx < xe; xx++) {
              const idx = ((b * h + y) * w + xx) * c + ch;
              const v = load<f32>(x + ((<usize>idx) << 2));
              if (v > best) {
                best = v;
                at = idx;
              }
            }
          }
          route(dx, d + ((<usize>ch) << 2), at, 0);
        }
      }
    }
  }
}

/** dx[at] += the gradient at `d + offset` (nothing when the window had no input: at = −1). */
function route(dx: usize, d: usize, at: i32, offset: usize): void {
  if (at < 0) return;
  const o = dx + ((<usize>at) << 2);
  store<f32>(o, load<f32>(o) + load<f32>(d + offset));
}
