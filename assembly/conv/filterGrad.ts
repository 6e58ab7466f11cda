/**
 * The filter gradient of a 2-D convolution (tfjs's Conv2DBackpropFilter), NHWC:
 *
 *   dw[fy][fx][c][k] = Σ over n, oy, ox of xp[n][oy·sh + fy][ox·sw + fx][c] · dy[n][oy][ox][k]
 *
 * on the zero-padded input `xp` [n, hp, wp, c], so no position needs a bounds check. For a fixed
 * output position and filter row fy, the FW·C inputs the filter row touches are contiguous in
 * `xp`: the gradient of filter row fy is the product (segment rows)ᵀ · dy summed over positions,
 * computed here in register blocks of 4 segment entries × 8 (or 4) output channels. Each block
 * sums one output row's positions and adds the sum to `dw`: the row's inputs and gradients stay
 * in the L1 cache for every block (summing all positions per block instead streamed the whole
 * batch from memory once per block: 4× slower on Deep MNIST's second layer). The loops are
 * unrolled by hand on purpose, for speed.
 *
 * On two threads each sums its own images into its own `dw`, and the host adds the two
 * (`addFloats`): the same terms, summed in another order (see the convKernels README).
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
  const total = fh * seg * kp;
  for (let i = 0; i < total; i += 4) v128.store(dw + ((<usize>i) << 2), f32x4.splat(0));
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const dyRow = dy + ((<usize>((b * oh + oy) * ow * kp)) << 2);
      for (let fy = 0; fy < fh; fy++) {
        const xRow = xp + ((<usize>((b * hp + oy * sh + fy) * wp * c)) << 2);
        for (let j = 0; j < seg; j += 4) {
          const rows = min(4, seg - j);
          const out = dw + ((<usize>((fy * seg + j) * kp)) << 2);
          const x = xRow + ((<usize>j) << 2);
          let k = 0;
          for (; k + 8 <= kp; k += 8)
            block4x8(x, dyRow + ((<usize>k) << 2), out + ((<usize>k) << 2), rows, ow, kp, c, sw);
          for (; k < kp; k += 4)
            block4x4(x, dyRow + ((<usize>k) << 2), out + ((<usize>k) << 2), rows, ow, kp, c, sw);
        }
      }
    }
  }
}

/** Binaryen inlines these (-O3): the block functions keep their accumulators in registers. */
function loadRow(out: usize, rowBytes: usize, row: i32, rows: i32, offset: usize): v128 {
  return row < rows ? v128.load(out + <usize>row * rowBytes + offset) : f32x4.splat(0);
}

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

/**
 * out[r][0..8) += Σ over the row's ow positions of x[r] · d[0..8), for the `rows` (≤ 4) segment
 * entries at `x` (next position: sw·c floats on) and the 8 channels at `d` (next: kp floats on).
 */
function block4x8(x: usize, d: usize, out: usize, rows: i32, ow: i32, kp: i32, c: i32, sw: i32): void {
  const rowBytes = (<usize>kp) << 2;
  let a0 = loadRow(out, rowBytes, 0, rows, 0);
  let a1 = loadRow(out, rowBytes, 1, rows, 0);
  let a2 = loadRow(out, rowBytes, 2, rows, 0);
  let a3 = loadRow(out, rowBytes, 3, rows, 0);
  let b0 = loadRow(out, rowBytes, 0, rows, 16);
  let b1 = loadRow(out, rowBytes, 1, rows, 16);
  let b2 = loadRow(out, rowBytes, 2, rows, 16);
  let b3 = loadRow(out, rowBytes, 3, rows, 16);
  const xStep = (<usize>(sw * c)) << 2;
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
    d += rowBytes;
  }
  storeRows(out, rowBytes, rows, a0, a1, a2, a3, 0);
  storeRows(out, rowBytes, rows, b0, b1, b2, b3, 16);
}

/** `block4x8` for 4 channels. */
function block4x4(x: usize, d: usize, out: usize, rows: i32, ow: i32, kp: i32, c: i32, sw: i32): void {
  const rowBytes = (<usize>kp) << 2;
  let a0 = loadRow(out, rowBytes, 0, rows, 0);
  let a1 = loadRow(out, rowBytes, 1, rows, 0);
  let a2 = loadRow(out, rowBytes, 2, rows, 0);
  let a3 = loadRow(out, rowBytes, 3, rows, 0);
  const xStep = (<usize>(sw * c)) << 2;
  for (let ox = 0; ox < ow; ox++) {
    const d0 = v128.load(d);
    a0 = f32x4.add(f32x4.mul(v128.load32_splat(x), d0), a0);
    a1 = f32x4.add(f32x4.mul(v128.load32_splat(x, 4), d0), a1);
    a2 = f32x4.add(f32x4.mul(v128.load32_splat(x, 8), d0), a2);
    a3 = f32x4.add(f32x4.mul(v128.load32_splat(x, 12), d0), a3);
    x += xStep;
    d += rowBytes;
  }
  storeRows(out, rowBytes, rows, a0, a1, a2, a3, 0);
}
