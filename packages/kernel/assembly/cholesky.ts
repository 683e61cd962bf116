// Cholesky factorisation G + λI = L·Lᵀ (f64, Cholesky–Crout, row by row) and the solve of
// many right-hand sides against it. Every dot product runs sequentially in ascending p, the
// same in both builds and in the TS reference.

/**
 * In place: the lower triangle of the k×k matrix at `g` becomes L (the upper triangle is
 * zeroed). Returns 0 on success, or j+1 when the j-th pivot is not positive (not positive
 * definite, or NaN).
 */
export function cholesky(g: usize, k: i32, ridge: f64): i32 {
  const row = <usize>k << 3;
  for (let j = 0; j < k; j++) {
    const rj = g + <usize>j * row;
    let s = load<f64>(rj + (<usize>j << 3)) + ridge;
    for (let p = 0; p < j; p++) {
      const v = load<f64>(rj + (<usize>p << 3));
      s -= v * v;
    }
    if (!(s > 0)) return j + 1;
    const d = Math.sqrt(s);
    store<f64>(rj + (<usize>j << 3), d);
    for (let i = j + 1; i < k; i++) {
      const ri = g + <usize>i * row;
      let t = load<f64>(ri + (<usize>j << 3));
      for (let p = 0; p < j; p++) t -= load<f64>(ri + (<usize>p << 3)) * load<f64>(rj + (<usize>p << 3));
      store<f64>(ri + (<usize>j << 3), t / d);
    }
    for (let p = j + 1; p < k; p++) store<f64>(rj + (<usize>p << 3), 0);
  }
  return 0;
}

/**
 * For query rows [q0, q1) of Q (m×k f32): x = (L·Lᵀ)⁻¹·q, written as f32 rows of `out` (m×k)
 * and, unrounded, nowhere else. `work` is k×(q1−q0) f64 (a column per query, so the SIMD
 * build runs two queries per lane pair; lanes never mix, so order is per query as in scalar).
 * Forward: y_i = (q_i − Σ_{p<i} L[i][p]·y_p) / L[i][i]; backward:
 * x_i = (y_i − Σ_{p>i, ascending} L[p][i]·x_p) / L[i][i].
 */
export function choleskySolveRows(l: usize, k: i32, q: usize, out: usize, q0: i32, q1: i32, work: usize): void {
  const w = q1 - q0;
  if (w <= 0) return;
  const ws = <usize>w << 3;
  for (let i = 0; i < k; i++) {
    const wi = work + <usize>i * ws;
    for (let c = 0; c < w; c++) store<f64>(wi + (<usize>c << 3), <f64>load<f32>(q + ((<usize>(q0 + c) * <usize>k + <usize>i) << 2)));
  }
  const row = <usize>k << 3;
  // Forward substitution, L·y = q.
  for (let i = 0; i < k; i++) {
    const wi = work + <usize>i * ws;
    const li = l + <usize>i * row;
    for (let p = 0; p < i; p++) axpyNeg(wi, work + <usize>p * ws, load<f64>(li + (<usize>p << 3)), w);
    scaleDiv(wi, load<f64>(li + (<usize>i << 3)), w);
  }
  // Back substitution, Lᵀ·x = y.
  for (let i = k - 1; i >= 0; i--) {
    const wi = work + <usize>i * ws;
    for (let p = i + 1; p < k; p++) axpyNeg(wi, work + <usize>p * ws, load<f64>(l + <usize>p * row + (<usize>i << 3)), w);
    scaleDiv(wi, load<f64>(l + <usize>i * row + (<usize>i << 3)), w);
  }
  for (let c = 0; c < w; c++) {
    const dst = out + (<usize>(q0 + c) * <usize>k << 2);
    for (let i = 0; i < k; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(work + <usize>i * ws + (<usize>c << 3)));
  }
}

// y[c] -= s·x[c] for c < w (lane-wise, so element order is the scalar order).
@inline function axpyNeg(y: usize, x: usize, s: f64, w: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    for (; c + 2 <= w; c += 2) {
      const o = <usize>c << 3;
      v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(sv, v128.load(x + o))));
    }
  }
  for (; c < w; c++) {
    const o = <usize>c << 3;
    store<f64>(y + o, load<f64>(y + o) - s * load<f64>(x + o));
  }
}

@inline function scaleDiv(y: usize, d: f64, w: i32): void {
  for (let c = 0; c < w; c++) {
    const o = <usize>c << 3;
    store<f64>(y + o, load<f64>(y + o) / d);
  }
}
