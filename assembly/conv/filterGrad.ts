/**
 * The filter gradient of a 2-D convolution (tfjs's Conv2DBackpropFilter), NHWC:
 *
 *   dw[fy][fx][c][k] = Σ over n, oy, ox of xp[n][oy·sh + fy][ox·sw + fx][c] · dy[n][oy][ox][k]
 *
 * on the zero-padded input `xp` [n, hp, wp, c], so no position needs a bounds check. For a fixed
 * output position and filter row fy, the FW·C inputs the filter row touches are contiguous in
 * `xp`: the gradient of filter row fy is the product (segment rows)ᵀ · dy summed over positions,
 * computed here in register blocks of 4 segment entries × 8 (or 4) output channels, summed over
 * every position before one store. The loops are unrolled by hand on purpose, for speed.
 *
 * `dy` and `dw` have `kp` channels, a multiple of 4 (the host pads them); `xp` needs 16 bytes of
 * slack after its end (a last block of 4 may read past the segment; those rows are not stored).
 */
export function convFilterGrad(
  xp: usize,
  dy: usize,
  dw: usize,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kp: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
): void {
  const seg = fw * c;
  for (let fy = 0; fy < fh; fy++) {
    for (let j = 0; j < seg; j += 4) {
      const rows = min(4, seg - j);
      const out = dw + ((<usize>((fy * seg + j) * kp)) << 2);
      let k = 0;
      for (; k + 8 <= kp; k += 8)
        block4x8(xp, dy, out + ((<usize>k) << 2), rows, n, hp, wp, c, oh, ow, kp, fy, j, k, sh, sw);
      for (; k < kp; k += 4)
        block4x4(xp, dy, out + ((<usize>k) << 2), rows, n, hp, wp, c, oh, ow, kp, fy, j, k, sh, sw);
    }
  }
}

/** Binaryen inlines this (-O3): the block functions keep their accumulators in registers. */
function storeRows(
  out: usize,
  rowBytes: usize,
  rows: i32,
  a0: v128,
  a1: v128,
  a2: v128,
  a3: v128,
  offset: usize,
): void {
  v128.store(out + offset, a0);
  if (rows > 1) v128.store(out + rowBytes + offset, a1);
  if (rows > 2) v128.store(out + 2 * rowBytes + offset, a2);
  if (rows > 3) v128.store(out + 3 * rowBytes + offset, a3);
}

function block4x8(
  xp: usize,
  dy: usize,
  out: usize,
  rows: i32,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kp: i32,
  fy: i32,
  j: i32,
  k: i32,
  sh: i32,
  sw: i32,
): void {
  let a0 = f32x4.splat(0);
  let a1 = a0,
    a2 = a0,
    a3 = a0,
    b0 = a0,
    b1 = a0,
    b2 = a0,
    b3 = a0;
  const xStep = (<usize>(sw * c)) << 2;
  const dyStep = (<usize>kp) << 2;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      let x = xp + ((<usize>((b * hp + oy * sh + fy) * wp * c + j)) << 2);
      let d = dy + ((<usize>((b * oh + oy) * ow * kp + k)) << 2);
      for (let ox = 0; ox < ow; ox++) {
        const d0 = v128.load(d);
        const d1 = v128.load(d, 16);
        const s0 = v128.load32_splat(x);
        const s1 = v128.load32_splat(x, 4);
        const s2 = v128.load32_splat(x, 8);
        const s3 = v128.load32_splat(x, 12);
        a0 = f32x4.add(f32x4.mul(s0, d0), a0);
        b0 = f32x4.add(f32x4.mul(s0, d1), b0);
        a1 = f32x4.add(f32x4.mul(s1, d0), a1);
        b1 = f32x4.add(f32x4.mul(s1, d1), b1);
        a2 = f32x4.add(f32x4.mul(s2, d0), a2);
        b2 = f32x4.add(f32x4.mul(s2, d1), b2);
        a3 = f32x4.add(f32x4.mul(s3, d0), a3);
        b3 = f32x4.add(f32x4.mul(s3, d1), b3);
        x += xStep;
        d += dyStep;
      }
    }
  }
  const rowBytes = (<usize>kp) << 2;
  storeRows(out, rowBytes, rows, a0, a1, a2, a3, 0);
  storeRows(out, rowBytes, rows, b0, b1, b2, b3, 16);
}

function block4x4(
  xp: usize,
  dy: usize,
  out: usize,
  rows: i32,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kp: i32,
  fy: i32,
  j: i32,
  k: i32,
  sh: i32,
  sw: i32,
): void {
  let a0 = f32x4.splat(0);
  let a1 = a0,
    a2 = a0,
    a3 = a0;
  const xStep = (<usize>(sw * c)) << 2;
  const dyStep = (<usize>kp) << 2;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      let x = xp + ((<usize>((b * hp + oy * sh + fy) * wp * c + j)) << 2);
      let d = dy + ((<usize>((b * oh + oy) * ow * kp + k)) << 2);
      for (let ox = 0; ox < ow; ox++) {
        const d0 = v128.load(d);
        a0 = f32x4.add(f32x4.mul(v128.load32_splat(x), d0), a0);
        a1 = f32x4.add(f32x4.mul(v128.load32_splat(x, 4), d0), a1);
        a2 = f32x4.add(f32x4.mul(v128.load32_splat(x, 8), d0), a2);
        a3 = f32x4.add(f32x4.mul(v128.load32_splat(x, 12), d0), a3);
        x += xStep;
        d += dyStep;
      }
    }
  }
  storeRows(out, (<usize>kp) << 2, rows, a0, a1, a2, a3, 0);
}
