/**
 * The input gradient of a 2-D convolution (tfjs's Conv2DBackpropInput), NHWC:
 *
 *   dxp[n][oy·sh + fy][ox·sw + fx][c] += Σ over k of dy[n][oy][ox][k] · w[fy][fx][c][k]
 *
 * into the padded gradient `dxp` [n, hp, wp, c] (the host crops the padding off). For a
 * fixed output position and filter row fy the FW·C touched entries are contiguous, so each is a
 * vector-times-matrix product with the filter row transposed (`transposeFilter`), 16 entries at
 * a time in 4 SIMD accumulators, added once to memory. The loops are unrolled by hand on purpose.
 */
import { fill } from './layout';

/**
 * wt[fy][k][j] = w[fy][j][k] for the filter w [fh, seg, k] (seg = FW·C), with the rows padded to
 * `segp` (a multiple of 4) by zeros, so that a last block of 4 adds zeros past the segment.
 */
export function transposeFilter(w: usize, wt: usize, fh: i32, seg: i32, k: i32, segp: i32): void {
  for (let fy = 0; fy < fh; fy++) {
    for (let kk = 0; kk < k; kk++) {
      const row = wt + ((<usize>((fy * k + kk) * segp)) << 2);
      for (let j = 0; j < seg; j++) {
        store<f32>(row + ((<usize>j) << 2), load<f32>(w + ((<usize>((fy * seg + j) * k + kk)) << 2)));
      }
      for (let j = seg; j < segp; j++) store<f32>(row + ((<usize>j) << 2), 0);
    }
  }
}

/**
 * Zero-fills `dxp` and adds every output position's contribution to it. `dxp` needs 64 bytes of
 * slack after its end: a last block adds zeros past the segment, reading and writing back up to
 * 3 floats after the image — so two threads must not share a buffer for adjacent images (the
 * host gives each thread its own). `wt` from `transposeFilter`.
 */
export function convInputGrad(
  dy: usize,
  wt: usize,
  dxp: usize,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  oh: i32,
  ow: i32,
  k: i32,
  fh: i32,
  sh: i32,
  sw: i32,
  segp: i32,
): void {
  const wRowBytes = (<usize>segp) << 2;
  fill(dxp, n * hp * wp * c, 0);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const d = dy + ((<usize>(((b * oh + oy) * ow + ox) * k)) << 2);
        for (let fy = 0; fy < fh; fy++) {
          const base = dxp + ((<usize>(((b * hp + oy * sh + fy) * wp + ox * sw) * c)) << 2);
          const wrow = wt + ((<usize>(fy * k * segp)) << 2);
          let j = 0;
          for (; j + 16 <= segp; j += 16) {
            let a0 = f32x4.splat(0);
            let a1 = a0,
              a2 = a0,
              a3 = a0;
            let wp0 = wrow + ((<usize>j) << 2);
            for (let kk = 0; kk < k; kk++) {
              const s = v128.load32_splat(d + ((<usize>kk) << 2));
              a0 = f32x4.add(f32x4.mul(s, v128.load(wp0)), a0);
              a1 = f32x4.add(f32x4.mul(s, v128.load(wp0, 16)), a1);
              a2 = f32x4.add(f32x4.mul(s, v128.load(wp0, 32)), a2);
              a3 = f32x4.add(f32x4.mul(s, v128.load(wp0, 48)), a3);
              wp0 += wRowBytes;
            }
            const o = base + ((<usize>j) << 2);
            v128.store(o, f32x4.add(v128.load(o), a0));
            v128.store(o, f32x4.add(v128.load(o, 16), a1), 16);
            v128.store(o, f32x4.add(v128.load(o, 32), a2), 32);
            v128.store(o, f32x4.add(v128.load(o, 48), a3), 48);
          }
          for (; j < segp; j += 4) {
            let a0 = f32x4.splat(0);
            let wp0 = wrow + ((<usize>j) << 2);
            for (let kk = 0; kk < k; kk++) {
              a0 = f32x4.add(f32x4.mul(v128.load32_splat(d + ((<usize>kk) << 2)), v128.load(wp0)), a0);
              wp0 += wRowBytes;
            }
            const o = base + ((<usize>j) << 2);
            v128.store(o, f32x4.add(v128.load(o), a0));
          }
        }
      }
    }
  }
}
