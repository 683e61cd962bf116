// Per-row top-k of a row-major m×n f32 score matrix, and column sums across rows.
// Ranking is a total order so the answer is unique: larger score first, equal scores (including
// +0 and −0) by smaller index, NaN below every number (NaNs among themselves by index).

@inline function before(s1: f32, i1: i32, s2: f32, i2: i32): bool {
  if (s1 != s1) return s2 != s2 && i1 < i2;
  if (s2 != s2) return true;
  return s1 > s2 || (s1 == s2 && i1 < i2);
}

/**
 * Rows [r0, r1): the kk = min(k, n) best (index, score) pairs, best first, into
 * outIdx (m×kk i32) and outScore (m×kk f32). Insertion into a sorted window: most candidates
 * fail the comparison with the current k-th and cost one compare.
 */
export function topKRows(s: usize, n: i32, kk: i32, outIdx: usize, outScore: usize, r0: i32, r1: i32): void {
  if (kk <= 0) return;
  for (let r = r0; r < r1; r++) {
    const row = s + (<usize>r * <usize>n << 2);
    const idx = outIdx + (<usize>r * <usize>kk << 2);
    const sc = outScore + (<usize>r * <usize>kk << 2);
    let filled = 0;
    for (let j = 0; j < n; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      if (filled == kk && !before(v, j, load<f32>(sc + (<usize>(kk - 1) << 2)), load<i32>(idx + (<usize>(kk - 1) << 2)))) continue;
      let pos = filled < kk ? filled : kk - 1;
      if (filled < kk) filled++;
      while (pos > 0) {
        const ps = load<f32>(sc + (<usize>(pos - 1) << 2));
        const pi = load<i32>(idx + (<usize>(pos - 1) << 2));
        if (!before(v, j, ps, pi)) break;
        store<f32>(sc + (<usize>pos << 2), ps);
        store<i32>(idx + (<usize>pos << 2), pi);
        pos--;
      }
      store<f32>(sc + (<usize>pos << 2), v);
      store<i32>(idx + (<usize>pos << 2), j);
    }
  }
}

/** acc[c] += Σ_r f64(S[r][c]) for columns [c0, c1), rows 0..m in ascending r. */
export function addColumnSums(s: usize, m: i32, n: i32, acc: usize, c0: i32, c1: i32): void {
  for (let r = 0; r < m; r++) {
    const row = s + (<usize>r * <usize>n << 2);
    for (let c = c0; c < c1; c++) {
      const at = acc + (<usize>c << 3);
      store<f64>(at, load<f64>(at) + <f64>load<f32>(row + (<usize>c << 2)));
    }
  }
}

/** acc[c] += Σ_r V[r][c] for columns [c0, c1) of an m×n f64 matrix, ascending r. */
export function addColumnSumsF64(v: usize, m: i32, n: i32, acc: usize, c0: i32, c1: i32): void {
  for (let r = 0; r < m; r++) {
    const row = v + (<usize>r * <usize>n << 3);
    for (let c = c0; c < c1; c++) {
      const at = acc + (<usize>c << 3);
      store<f64>(at, load<f64>(at) + load<f64>(row + (<usize>c << 3)));
    }
  }
}
