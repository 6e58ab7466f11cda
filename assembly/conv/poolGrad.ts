/**
 * The gradient of max pooling (tfjs's MaxPoolGrad), NHWC: each output's gradient goes to the
 * input position of its window's maximum — the first one in row-major window order when several
 * are equal (tfjs's rule; ties are common after a ReLU), positions outside the input skipped.
 * Windows may overlap (stride < pool size): the gradients then add up.
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
  for (let i = 0; i < total; i++) store<f32>(dx + ((<usize>i) << 2), 0);
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
        for (let ch = 0; ch < c; ch++) {
          let best: f32 = -Infinity;
          let at = -1;
          for (let y = ys; y < ye; y++) {
            for (let xx = xs; xx < xe; xx++) {
              const i = ((b * h + y) * w + xx) * c + ch;
              const v = load<f32>(x + ((<usize>i) << 2));
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) {
            const o = dx + ((<usize>at) << 2);
            store<f32>(o, load<f32>(o) + load<f32>(d + ((<usize>ch) << 2)));
          }
        }
      }
    }
  }
}
