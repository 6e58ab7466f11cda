/**
 * The matrix product for tfjs's BatchMatMul on the wasm backend (one matrix, float32): the dense
 * layers of a CNN and their gradients. tfjs's own kernel hands XNNPACK the right operand as a
 * fully-connected layer's weights, and XNNPACK repacks those whenever their tensor is new —
 * every training step, since the optimizer replaces the weights — which made Deep MNIST's
 * 3136 × 1024 layer cost ~3× its arithmetic, and its transposed products take a scalar loop.
 *
 *   out[i][j] = Σ_kk A(i, kk) · B(kk, j),  i < m,  j0 ≤ j < j1
 *
 * A(i, kk) is the float at `a` + 4·(i·ra + kk·ca) and B(kk, j) at `b` + 4·(kk·rb + j·cb), so
 * either operand may be stored transposed. The layout is the classic one for caches: KC entries
 * of k at a time, B's columns packed into 8-wide strips (B's rows may be 4 KB apart, which maps a
 * strip read in place onto one L1 set), A's rows packed MC at a time into 4-row tiles; a 4 × 8
 * register tile (8 SIMD accumulators) then reads both packed operands sequentially. The output
 * accumulates across k-blocks.
 *
 * Columns [j0, j1) only: two threads each take their own columns of `out` (j0 a multiple of 8),
 * each output the same sum in the same order as on one thread. `scratch` is the caller's
 * own area of `matMulScratchFloats` floats (one per thread). The loops are unrolled by hand on
 * purpose, for speed.
 */

const KC: i32 = 256;
const MC: i32 = 64;

/** Floats of scratch a `matMul` call over `columns` columns needs. */
export function matMulScratchFloats(columns: i32): i32 {
  return KC * (((columns + 7) >> 3) << 3) + MC * KC + 32;
}

export function matMul(
  a: usize,
  ra: i32,
  ca: i32,
  b: usize,
  rb: i32,
  cb: i32,
  out: usize,
  ldo: i32,
  m: i32,
  k: i32,
  j0: i32,
  j1: i32,
  scratch: usize,
): void {
  const cols = j1 - j0;
  const strips = (cols + 7) >> 3;
  const bp = scratch;
  const ap = bp + ((<usize>(KC * strips * 8)) << 2);
  const edge = ap + ((<usize>(MC * KC)) << 2);
  const ldoBytes = (<usize>ldo) << 2;
  for (let kb = 0; kb < k; kb += KC) {
    const kn = min(KC, k - kb);
    const fresh = kb == 0;
    packB(b, rb, cb, kb, kn, j0, j1, bp);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packA(a, ra, ca, ic, mc, kb, kn, ap);
      for (let s = 0; s < strips; s++) {
        const j = j0 + (s << 3);
        const width = min(8, j1 - j);
        const strip = bp + ((<usize>(s * kn * 8)) << 2);
        for (let t = 0; t < mc; t += 4) {
          const rows = min(4, mc - t);
          const tile = ap + ((<usize>(t * kn)) << 2);
          const o = out + <usize>(ic + t) * ldoBytes + ((<usize>j) << 2);
          if (rows == 4 && width == 8) tile4x8(tile, strip, kn, o, ldoBytes, fresh);
          else {
            // An edge tile: through a 4 × 8 buffer, only its rows and columns read and written.
            for (let r = 0; r < 4; r++) {
              for (let c = 0; c < 8; c++) {
                const inside = !fresh && r < rows && c < width;
                store<f32>(
                  edge + ((<usize>(r * 8 + c)) << 2),
                  inside ? load<f32>(o + <usize>r * ldoBytes + ((<usize>c) << 2)) : 0,
                );
              }
            }
            tile4x8(tile, strip, kn, edge, 32, false);
            for (let r = 0; r < rows; r++) {
              for (let c = 0; c < width; c++) {
                store<f32>(
                  o + <usize>r * ldoBytes + ((<usize>c) << 2),
                  load<f32>(edge + ((<usize>(r * 8 + c)) << 2)),
                );
              }
            }
          }
        }
      }
    }
  }
}

/** B(kb.., j0..j1) into strips [strip][kk][8], columns past j1 zero. */
function packB(b: usize, rb: i32, cb: i32, kb: i32, kn: i32, j0: i32, j1: i32, dst: usize): void {
  const rbBytes = (<usize>rb) << 2;
  const cbBytes = (<usize>cb) << 2;
  for (let j = j0; j < j1; j += 8) {
    const width = min(8, j1 - j);
    let src = b + <usize>kb * rbBytes + <usize>j * cbBytes;
    if (cb == 1 && width == 8) {
      for (let kk = 0; kk < kn; kk++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += rbBytes;
        dst += 32;
      }
    } else {
      for (let kk = 0; kk < kn; kk++) {
        for (let c = 0; c < 8; c++) {
          store<f32>(dst + ((<usize>c) << 2), c < width ? load<f32>(src + <usize>c * cbBytes) : 0);
        }
        src += rbBytes;
        dst += 32;
      }
    }
  }
}

/** A(ic.., kb..) — mc rows — into 4-row tiles [tile][kk][4], rows past mc zero. */
function packA(a: usize, ra: i32, ca: i32, ic: i32, mc: i32, kb: i32, kn: i32, dst: usize): void {
  const raBytes = (<usize>ra) << 2;
  const caBytes = (<usize>ca) << 2;
  for (let t = 0; t < mc; t += 4) {
    const rows = min(4, mc - t);
    let src = a + <usize>(ic + t) * raBytes + <usize>kb * caBytes;
    if (ra == 1 && rows == 4) {
      // A stored transposed: a tile's 4 entries of one kk are adjacent.
      for (let kk = 0; kk < kn; kk++) {
        v128.store(dst, v128.load(src));
        src += caBytes;
        dst += 16;
      }
    } else {
      for (let kk = 0; kk < kn; kk++) {
        for (let r = 0; r < 4; r++) {
          store<f32>(dst + ((<usize>r) << 2), r < rows ? load<f32>(src + <usize>r * raBytes) : 0);
        }
        src += caBytes;
        dst += 16;
      }
    }
  }
}

/** o[4 rows × 8] (+)= tile[kn][4]ᵀ · strip[kn][8]; rows ldoBytes apart. */
function tile4x8(tile: usize, strip: usize, kn: i32, o: usize, ldoBytes: usize, fresh: bool): void {
  const zero = f32x4.splat(0);
  let x0 = fresh ? zero : v128.load(o);
  let y0 = fresh ? zero : v128.load(o, 16);
  let x1 = fresh ? zero : v128.load(o + ldoBytes);
  let y1 = fresh ? zero : v128.load(o + ldoBytes, 16);
  let x2 = fresh ? zero : v128.load(o + 2 * ldoBytes);
  let y2 = fresh ? zero : v128.load(o + 2 * ldoBytes, 16);
  let x3 = fresh ? zero : v128.load(o + 3 * ldoBytes);
  let y3 = fresh ? zero : v128.load(o + 3 * ldoBytes, 16);
  let p = tile;
  let q = strip;
  for (let kk = 0; kk < kn; kk++) {
    const b0 = v128.load(q);
    const b1 = v128.load(q, 16);
    const s0 = v128.load32_splat(p);
    const s1 = v128.load32_splat(p, 4);
    const s2 = v128.load32_splat(p, 8);
    const s3 = v128.load32_splat(p, 12);
    x0 = f32x4.add(f32x4.mul(s0, b0), x0);
    y0 = f32x4.add(f32x4.mul(s0, b1), y0);
    x1 = f32x4.add(f32x4.mul(s1, b0), x1);
    y1 = f32x4.add(f32x4.mul(s1, b1), y1);
    x2 = f32x4.add(f32x4.mul(s2, b0), x2);
    y2 = f32x4.add(f32x4.mul(s2, b1), y2);
    x3 = f32x4.add(f32x4.mul(s3, b0), x3);
    y3 = f32x4.add(f32x4.mul(s3, b1), y3);
    p += 16;
    q += 32;
  }
  v128.store(o, x0);
  v128.store(o, y0, 16);
  v128.store(o + ldoBytes, x1);
  v128.store(o + ldoBytes, y1, 16);
  v128.store(o + 2 * ldoBytes, x2);
  v128.store(o + 2 * ldoBytes, y2, 16);
  v128.store(o + 3 * ldoBytes, x3);
  v128.store(o + 3 * ldoBytes, y3, 16);
}
