// Gram matrix G = XᵀX of a row-major n×k f32 matrix, accumulated in f64: each G[a][b] is
// Σ_i f64(X[i][a])·f64(X[i][b]) summed strictly in ascending i from +0. The f32×f32 product is
// exact in f64 (48 significant bits), so only the additions round, always in that order.
// Packing follows gemm.ts; only tiles touching the upper triangle are computed, and
// gramMirror copies it below the diagonal (G[a][b] and G[b][a] are the same sum).

export const GMR: i32 = 4;
export const GNR: i32 = 4;
export const GKC: i32 = 256;
export const GMC: i32 = 64;
export const GNC: i32 = 512;

export function gramScratchBytes(): i32 {
  return (GMC * GKC + GKC * GNC) * 8 + GMR * GNR * 8;
}

// Columns [j0, j0+nc) of rows [p0, p0+kc) of X → panels of `w` columns laid out [p][w] as f64.
function packColumns(x: usize, ldx: i32, p0: i32, kc: i32, j0: i32, nc: i32, w: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += w) {
    const cols = min(w, nc - jr);
    const panel = dst + (<usize>(jr * kc) << 3);
    for (let p = 0; p < kc; p++) {
      const src = x + ((<usize>(p0 + p) * <usize>ldx + <usize>(j0 + jr)) << 2);
      const out = panel + (<usize>(p * w) << 3);
      for (let c = 0; c < w; c++) store<f64>(out + (<usize>c << 3), c < cols ? <f64>load<f32>(src + (<usize>c << 2)) : 0);
    }
  }
}

function gramKernel(ap: usize, bp: usize, kc: i32, g: usize, ldg: i32, first: bool): void {
  const rs = <usize>ldg << 3;
  if (ASC_FEATURE_SIMD) {
    let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
    if (first) {
      c00 = f64x2.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
    } else {
      c00 = v128.load(g); c01 = v128.load(g, 16);
      c10 = v128.load(g + rs); c11 = v128.load(g + rs, 16);
      c20 = v128.load(g + 2 * rs); c21 = v128.load(g + 2 * rs, 16);
      c30 = v128.load(g + 3 * rs); c31 = v128.load(g + 3 * rs, 16);
    }
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let a = v128.load64_splat(ap);
      c00 = f64x2.add(c00, f64x2.mul(a, b0));
      c01 = f64x2.add(c01, f64x2.mul(a, b1));
      a = v128.load64_splat(ap, 8);
      c10 = f64x2.add(c10, f64x2.mul(a, b0));
      c11 = f64x2.add(c11, f64x2.mul(a, b1));
      a = v128.load64_splat(ap, 16);
      c20 = f64x2.add(c20, f64x2.mul(a, b0));
      c21 = f64x2.add(c21, f64x2.mul(a, b1));
      a = v128.load64_splat(ap, 24);
      c30 = f64x2.add(c30, f64x2.mul(a, b0));
      c31 = f64x2.add(c31, f64x2.mul(a, b1));
      ap += 32;
      bp += 32;
    }
    v128.store(g, c00); v128.store(g, c01, 16);
    v128.store(g + rs, c10); v128.store(g + rs, c11, 16);
    v128.store(g + 2 * rs, c20); v128.store(g + 2 * rs, c21, 16);
    v128.store(g + 3 * rs, c30); v128.store(g + 3 * rs, c31, 16);
  } else {
    for (let r = 0; r < GMR; r++) {
      for (let j = 0; j < GNR; j++) {
        const dst = g + <usize>r * rs + (<usize>j << 3);
        let acc: f64 = first ? 0 : load<f64>(dst);
        for (let p = 0; p < kc; p++) {
          acc += load<f64>(ap + (<usize>(p * GMR + r) << 3)) * load<f64>(bp + (<usize>(p * GNR + j) << 3));
        }
        store<f64>(dst, acc);
      }
    }
  }
}

/**
 * Rows [a0, a1) of the upper triangle of G = XᵀX (tiles may spill below the diagonal; those
 * entries are overwritten by gramMirror). X is n×k row-major f32, G is k×k f64 (ldg = k).
 * a0 must be a multiple of GMR so tile rows line up for every thread split. With `accumulate`
 * the sums continue from G, so X may arrive in consecutive row blocks with the same result.
 */
export function gram(x: usize, ldx: i32, n: i32, k: i32, g: usize, a0: i32, a1: i32, accumulate: i32, scratch: usize): void {
  if (n == 0) {
    if (accumulate) return;
    for (let a = a0; a < a1; a++) memory.fill(g + (<usize>a * <usize>k << 3), 0, <usize>k << 3);
    return;
  }
  const packedA = scratch;
  const packedB = scratch + (<usize>(GMC * GKC) << 3);
  const edge = packedB + (<usize>(GKC * GNC) << 3);
  for (let ic = a0; ic < a1; ic += GMC) {
    const mc = min(GMC, a1 - ic);
    for (let jc = ic; jc < k; jc += GNC) {
      const nc = min(GNC, k - jc);
      for (let pc = 0; pc < n; pc += GKC) {
        const kc = min(GKC, n - pc);
        const first = pc == 0 && !accumulate;
        packColumns(x, ldx, pc, kc, ic, mc, GMR, packedA);
        packColumns(x, ldx, pc, kc, jc, nc, GNR, packedB);
        for (let jr = 0; jr < nc; jr += GNR) {
          const nr = min(GNR, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 3);
          for (let ir = 0; ir < mc; ir += GMR) {
            if (jc + jr + GNR <= ic + ir) continue; // wholly below the diagonal
            const mr = min(GMR, mc - ir);
            const ap = packedA + (<usize>(ir * kc) << 3);
            const gt = g + ((<usize>(ic + ir) * <usize>k + <usize>(jc + jr)) << 3);
            if (mr == GMR && nr == GNR) {
              gramKernel(ap, bp, kc, gt, k, first);
            } else {
              if (!first) {
                for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++)
                  store<f64>(edge + (<usize>(r * GNR + j) << 3), load<f64>(gt + ((<usize>r * <usize>k + <usize>j) << 3)));
              }
              gramKernel(ap, bp, kc, edge, GNR, first);
              for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++)
                store<f64>(gt + ((<usize>r * <usize>k + <usize>j) << 3), load<f64>(edge + (<usize>(r * GNR + j) << 3)));
            }
          }
        }
      }
    }
  }
}

/** G[b][a] = G[a][b] for a < b. */
export function gramMirror(g: usize, k: i32): void {
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      store<f64>(g + ((<usize>b * <usize>k + <usize>a) << 3), load<f64>(g + ((<usize>a * <usize>k + <usize>b) << 3)));
    }
  }
}
