// Plain TypeScript twins of the kernel's linear algebra. They follow the kernel's summation
// order exactly, so the tests can ask for identical bits: f32 steps are Math.fround of the
// double result, which is the correctly rounded f32 result for + − × ÷ √ (a double carries more
// than 2·24 + 2 bits, so rounding twice cannot differ from rounding once).
import * as E from 'fp-ts/lib/Either.js';
import { notPositiveDefinite, type NotPositiveDefinite } from '../errors.js';
import { assertMatrix, matrixF32, matrixF64, type MatrixF32, type MatrixF64 } from '../matrix.js';

const f = Math.fround;

/** C = A·Bᵀ; each element summed in ascending p from +0. */
export function matmulTransposed(a: MatrixF32, b: MatrixF32): MatrixF32 {
  assertMatrix('a', a);
  assertMatrix('b', b);
  if (a.cols !== b.cols) throw new RangeError(`matmulTransposed: a is ${a.rows}×${a.cols}, b is ${b.rows}×${b.cols}`);
  const { rows: m, cols: k } = a;
  const n = b.rows;
  const c = matrixF32(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = f(s + f(a.data[i * k + p]! * b.data[j * k + p]!));
      c.data[i * n + j] = s;
    }
  }
  return c;
}

/** C = A·B; each element summed in ascending p from +0. */
export function matmul(a: MatrixF32, b: MatrixF32): MatrixF32 {
  assertMatrix('a', a);
  assertMatrix('b', b);
  if (a.cols !== b.rows) throw new RangeError(`matmul: a is ${a.rows}×${a.cols}, b is ${b.rows}×${b.cols}`);
  const { rows: m, cols: k } = a;
  const n = b.cols;
  const c = matrixF32(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = f(s + f(a.data[i * k + p]! * b.data[p * n + j]!));
      c.data[i * n + j] = s;
    }
  }
  return c;
}

/** G = XᵀX in f64, each entry summed over rows in ascending order (f32·f32 is exact in f64). */
export function gram(x: MatrixF32): MatrixF64 {
  assertMatrix('x', x);
  const { rows: n, cols: k } = x;
  const g = matrixF64(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x.data[i * k + a]! * x.data[i * k + b]!;
      g.data[a * k + b] = s;
      g.data[b * k + a] = s;
    }
  }
  return g;
}

/** Cholesky–Crout, row by row: L with L·Lᵀ = G + ridge·I, or the first non-positive pivot. */
export function cholesky(g: MatrixF64, ridge: number): E.Either<NotPositiveDefinite, MatrixF64> {
  assertMatrix('g', g);
  if (g.rows !== g.cols) throw new RangeError(`cholesky: g must be square, got ${g.rows}×${g.cols}`);
  if (!Number.isFinite(ridge) || ridge < 0) throw new RangeError(`cholesky: ridge must be a finite number ≥ 0, got ${ridge}`);
  const k = g.rows;
  const l = Float64Array.from(g.data);
  for (let j = 0; j < k; j++) {
    let s = l[j * k + j]! + ridge;
    for (let p = 0; p < j; p++) s -= l[j * k + p]! * l[j * k + p]!;
    if (!(s > 0)) return E.left(notPositiveDefinite(j, ridge));
    const d = Math.sqrt(s);
    l[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let t = l[i * k + j]!;
      for (let p = 0; p < j; p++) t -= l[i * k + p]! * l[j * k + p]!;
      l[i * k + j] = t / d;
    }
    for (let p = j + 1; p < k; p++) l[j * k + p] = 0;
  }
  return E.right(matrixF64(k, k, l));
}

/** Each row q → fround((L·Lᵀ)⁻¹·q): forward then back substitution in f64, ascending p. */
export function choleskySolveRows(factor: MatrixF64, q: MatrixF32): MatrixF32 {
  const k = factor.rows;
  if (factor.cols !== k || q.cols !== k)
    throw new RangeError(`choleskySolveRows: factor ${factor.rows}×${factor.cols}, q ${q.rows}×${q.cols}`);
  const L = factor.data;
  const out = matrixF32(q.rows, k);
  const y = new Float64Array(k);
  for (let r = 0; r < q.rows; r++) {
    for (let i = 0; i < k; i++) {
      let t = q.data[r * k + i]!;
      for (let p = 0; p < i; p++) t = t - L[i * k + p]! * y[p]!;
      y[i] = t / L[i * k + i]!;
    }
    for (let i = k - 1; i >= 0; i--) {
      let t = y[i]!;
      for (let p = i + 1; p < k; p++) t = t - L[p * k + i]! * y[p]!;
      y[i] = t / L[i * k + i]!;
    }
    for (let i = 0; i < k; i++) out.data[r * k + i] = y[i]!;
  }
  return out;
}
