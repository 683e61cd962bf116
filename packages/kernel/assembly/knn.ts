// KNN-Shapley (Jia et al., "Efficient Task-Specific Data Valuation for Nearest Neighbor
// Algorithms", PVLDB 2019, Theorem 1): exact Shapley values of the unweighted K-NN classifier
// utility, one test point at a time, from the training set sorted by distance.

/**
 * Squared Euclidean distance in f64 with a fixed lane structure: coordinates j < 4⌊d/4⌋ go to
 * lane j mod 4 (in ascending j), lanes reduce as (l0 + l1) + (l2 + l3), then the tail is added in
 * ascending j. The scalar build runs the same four lanes by hand.
 */
export function squaredDistance(a: usize, b: usize, d: i32): f64 {
  const d4 = d & ~3;
  let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const va = v128.load(a + o);
      const vb = v128.load(b + o);
      const dlo = f64x2.sub(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vb));
      const dhi = f64x2.sub(
        f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 0, 1)),
      );
      lo = f64x2.add(lo, f64x2.mul(dlo, dlo));
      hi = f64x2.add(hi, f64x2.mul(dhi, dhi));
    }
    l0 = f64x2.extract_lane(lo, 0); l1 = f64x2.extract_lane(lo, 1);
    l2 = f64x2.extract_lane(hi, 0); l3 = f64x2.extract_lane(hi, 1);
  } else {
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const e0 = <f64>load<f32>(a + o) - <f64>load<f32>(b + o);
      const e1 = <f64>load<f32>(a + o, 4) - <f64>load<f32>(b + o, 4);
      const e2 = <f64>load<f32>(a + o, 8) - <f64>load<f32>(b + o, 8);
      const e3 = <f64>load<f32>(a + o, 12) - <f64>load<f32>(b + o, 12);
      l0 += e0 * e0; l1 += e1 * e1; l2 += e2 * e2; l3 += e3 * e3;
    }
  }
  let s = (l0 + l1) + (l2 + l3);
  for (let j = d4; j < d; j++) {
    const e = <f64>load<f32>(a + (<usize>j << 2)) - <f64>load<f32>(b + (<usize>j << 2));
    s += e * e;
  }
  return s;
}

/** Rows [t0, t1) of the m×n distance matrix D[t][i] = ‖test_t − train_i‖². */
export function distanceRows(train: usize, n: i32, test: usize, d: i32, out: usize, t0: i32, t1: i32): void {
  for (let t = t0; t < t1; t++) {
    const q = test + (<usize>t * <usize>d << 2);
    const o = out + (<usize>t * <usize>n << 3);
    for (let i = 0; i < n; i++) store<f64>(o + (<usize>i << 3), squaredDistance(train + (<usize>i * <usize>d << 2), q, d));
  }
}

// Nearer first; equal distances by smaller index; NaN after every number.
@inline function nearer(dist: usize, a: i32, b: i32): bool {
  const da = load<f64>(dist + (<usize>a << 3));
  const db = load<f64>(dist + (<usize>b << 3));
  if (da != da) return db != db && a < b;
  if (db != db) return true;
  return da < db || (da == db && a < b);
}

// Bottom-up merge sort of 0..n−1 by nearer(); returns the buffer holding the result.
function sortByDistance(dist: usize, n: i32, idx: usize, tmp: usize): usize {
  for (let i = 0; i < n; i++) store<i32>(idx + (<usize>i << 2), i);
  let src = idx, dst = tmp;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = load<i32>(src + (<usize>i << 2)), b = load<i32>(src + (<usize>j << 2));
        if (nearer(dist, b, a)) { store<i32>(dst + (<usize>o << 2), b); j++; }
        else { store<i32>(dst + (<usize>o << 2), a); i++; }
        o++;
      }
      while (i < mid) { store<i32>(dst + (<usize>o << 2), load<i32>(src + (<usize>i << 2))); i++; o++; }
      while (j < hi) { store<i32>(dst + (<usize>o << 2), load<i32>(src + (<usize>j << 2))); j++; o++; }
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}

/**
 * Rows [t0, t1): out[t − t0][i] = Shapley value of train point i for test point t, by the
 * recursion s(α_N) = 1[y_αN = y_t]/max(N, K), s(α_j) = s(α_{j+1}) + (1[y_αj = y_t] − 1[y_αj+1 = y_t])/K ·
 * min(K, j)/j (1-based rank j, nearest first), evaluated as ((Δ / K) · min(K, j)) / j.
 * The paper states the base case as 1[·]/N, which assumes N ≥ K; the farthest point is among the
 * K nearest of a random predecessor set with probability min(K, N)/N, worth 1/K each time, so
 * in general it is 1[·]/max(N, K). `work` holds n f64 + 2n i32.
 */
export function knnShapleyRows(
  train: usize, trainLabels: usize, n: i32, test: usize, testLabels: usize, d: i32, K: i32,
  out: usize, t0: i32, t1: i32, work: usize,
): void {
  if (n == 0) return;
  const dist = work;
  const idx = work + (<usize>n << 3);
  const tmp = idx + (<usize>n << 2);
  for (let t = t0; t < t1; t++) {
    const q = test + (<usize>t * <usize>d << 2);
    for (let i = 0; i < n; i++) store<f64>(dist + (<usize>i << 3), squaredDistance(train + (<usize>i * <usize>d << 2), q, d));
    const order = sortByDistance(dist, n, idx, tmp);
    const yt = load<i32>(testLabels + (<usize>t << 2));
    const o = out + (<usize>(t - t0) * <usize>n << 3);
    let a = load<i32>(order + (<usize>(n - 1) << 2));
    let matchNext: f64 = load<i32>(trainLabels + (<usize>a << 2)) == yt ? 1 : 0;
    let sNext = matchNext / <f64>max(n, K);
    store<f64>(o + (<usize>a << 3), sNext);
    for (let j = n - 1; j >= 1; j--) {
      a = load<i32>(order + (<usize>(j - 1) << 2));
      const match: f64 = load<i32>(trainLabels + (<usize>a << 2)) == yt ? 1 : 0;
      const s = sNext + (((match - matchNext) / <f64>K) * <f64>min(K, j)) / <f64>j;
      store<f64>(o + (<usize>a << 3), s);
      sNext = s;
      matchNext = match;
    }
  }
}
