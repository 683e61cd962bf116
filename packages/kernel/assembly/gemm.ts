// Blocked, packed f32 GEMM (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", 2008): B is packed into KC×NR micro-panels, A into KC×MR micro-panels, and a
// register-tiled micro-kernel updates an MR×NR tile of C.
//
// Determinism: every C element is accumulated in one f32 lane, strictly in ascending p (the
// inner index), starting from +0: c = ((0 + a0·b0) + a1·b1) + ... with separate mul and add
// (no FMA, no relaxed SIMD). Blocking only decides when the running sum is parked in C, never
// the order, so the SIMD build, the scalar build, any thread split and the TS reference agree
// bit for bit.

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;

/** Bytes of scratch one thread needs: a packed A block and a packed B block. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC) * 4;
}

// A block: rows [i0, i0+mc) × cols [p0, p0+kc) of row-major A → panels of MR rows, each laid out
// [p][MR], zero-padded past mc.
function packA(a: usize, lda: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + (<usize>(ir * kc) << 2);
    for (let r = 0; r < MR; r++) {
      if (r < rows) {
        const src = a + ((<usize>(i0 + ir + r) * <usize>lda + <usize>p0) << 2);
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), load<f32>(src + (<usize>p << 2)));
      } else {
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), 0);
      }
    }
  }
}

// B block for C = A·Bᵀ: B is n×k row-major, so column j of Bᵀ is row j of B.
function packBt(b: usize, ldb: i32, j0: i32, nc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + (<usize>(jr * kc) << 2);
    for (let c = 0; c < NR; c++) {
      if (c < cols) {
        const src = b + ((<usize>(j0 + jr + c) * <usize>ldb + <usize>p0) << 2);
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + c) << 2), load<f32>(src + (<usize>p << 2)));
      } else {
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + c) << 2), 0);
      }
    }
  }
}

// B block for C = A·B: B is k×n row-major, so an NR-wide row slice is already contiguous.
function packBn(b: usize, ldb: i32, j0: i32, nc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + (<usize>(jr * kc) << 2);
    for (let p = 0; p < kc; p++) {
      const src = b + ((<usize>(p0 + p) * <usize>ldb + <usize>(j0 + jr)) << 2);
      const out = panel + (<usize>(p * NR) << 2);
      for (let c = 0; c < NR; c++) store<f32>(out + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
    }
  }
}

// MR×NR tile: acc = first ? 0 : C; acc += Σ_p a[p]·b[p] in ascending p; C = acc.
// `c` points at a tile with row stride ldc (in elements).
function microKernel(ap: usize, bp: usize, kc: i32, c: usize, ldc: i32, first: bool): void {
  const rs = <usize>ldc << 2;
  if (ASC_FEATURE_SIMD) {
    let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
    if (first) {
      c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
    } else {
      c00 = v128.load(c); c01 = v128.load(c, 16);
      c10 = v128.load(c + rs); c11 = v128.load(c + rs, 16);
      c20 = v128.load(c + 2 * rs); c21 = v128.load(c + 2 * rs, 16);
      c30 = v128.load(c + 3 * rs); c31 = v128.load(c + 3 * rs, 16);
    }
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let a = v128.load32_splat(ap);
      c00 = f32x4.add(c00, f32x4.mul(a, b0));
      c01 = f32x4.add(c01, f32x4.mul(a, b1));
      a = v128.load32_splat(ap, 4);
      c10 = f32x4.add(c10, f32x4.mul(a, b0));
      c11 = f32x4.add(c11, f32x4.mul(a, b1));
      a = v128.load32_splat(ap, 8);
      c20 = f32x4.add(c20, f32x4.mul(a, b0));
      c21 = f32x4.add(c21, f32x4.mul(a, b1));
      a = v128.load32_splat(ap, 12);
      c30 = f32x4.add(c30, f32x4.mul(a, b0));
      c31 = f32x4.add(c31, f32x4.mul(a, b1));
      ap += 16;
      bp += 32;
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + rs, c10); v128.store(c + rs, c11, 16);
    v128.store(c + 2 * rs, c20); v128.store(c + 2 * rs, c21, 16);
    v128.store(c + 3 * rs, c30); v128.store(c + 3 * rs, c31, 16);
  } else {
    for (let r = 0; r < MR; r++) {
      for (let j = 0; j < NR; j++) {
        const dst = c + <usize>r * rs + (<usize>j << 2);
        let acc: f32 = first ? 0 : load<f32>(dst);
        for (let p = 0; p < kc; p++) {
          acc += load<f32>(ap + (<usize>(p * MR + r) << 2)) * load<f32>(bp + (<usize>(p * NR + j) << 2));
        }
        store<f32>(dst, acc);
      }
    }
  }
}

/**
 * C[i0..i1) = A[i0..i1)·op(B), with op(B) = Bᵀ (transB = 1, B is n×k) or B (transB = 0, B is
 * k×n). All matrices row-major with leading dimensions in elements. `scratch` holds
 * gemmScratchBytes() bytes plus one MR×NR edge tile (16-byte aligned).
 */
export function gemm(
  transB: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  i0: i32, i1: i32, n: i32, k: i32, scratch: usize,
): void {
  if (k == 0) {
    for (let i = i0; i < i1; i++) memory.fill(c + (<usize>i * <usize>ldc << 2), 0, <usize>n << 2);
    return;
  }
  const packedA = scratch;
  const packedB = scratch + (<usize>(MC * KC) << 2);
  const edge = packedB + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      if (transB) packBt(b, ldb, jc, nc, pc, kc, packedB);
      else packBn(b, ldb, jc, nc, pc, kc, packedB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(a, lda, ic, mc, pc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = packedA + (<usize>(ir * kc) << 2);
            const ct = c + ((<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) << 2);
            if (mr == MR && nr == NR) {
              microKernel(ap, bp, kc, ct, ldc, first);
            } else {
              // Edge tile: run the full kernel on a private MR×NR copy, keep the valid part.
              if (!first) {
                for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++)
                  store<f32>(edge + (<usize>(r * NR + j) << 2), load<f32>(ct + ((<usize>r * <usize>ldc + <usize>j) << 2)));
              }
              microKernel(ap, bp, kc, edge, NR, first);
              for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++)
                store<f32>(ct + ((<usize>r * <usize>ldc + <usize>j) << 2), load<f32>(edge + (<usize>(r * NR + j) << 2)));
            }
          }
        }
      }
    }
  }
}
