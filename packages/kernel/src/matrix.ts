// Dense row-major matrices, the currency of every kernel operation. A shape mismatch is a
// programmer error (it cannot come from decoded data without a check first), so it throws.

export interface MatrixF32 {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, `rows * cols` values. */
  readonly data: Float32Array;
}

export interface MatrixF64 {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

function checkShape(name: string, rows: number, cols: number, length: number | undefined): void {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`${name}: rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(cols) || cols < 0) throw new RangeError(`${name}: cols must be a non-negative integer, got ${cols}`);
  if (length !== undefined && length !== rows * cols) {
    throw new RangeError(`${name}: data has ${length} values, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`);
  }
}

/** A rows×cols f32 matrix over `data` (not copied), or zero-filled when data is omitted. */
export function matrixF32(rows: number, cols: number, data?: Float32Array): MatrixF32 {
  checkShape('matrixF32', rows, cols, data?.length);
  return { rows, cols, data: data ?? new Float32Array(rows * cols) };
}

export function matrixF64(rows: number, cols: number, data?: Float64Array): MatrixF64 {
  checkShape('matrixF64', rows, cols, data?.length);
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** Throws unless `m` is a well-formed matrix; `name` goes into the message. */
export function assertMatrix(name: string, m: MatrixF32 | MatrixF64): void {
  checkShape(name, m.rows, m.cols, m.data.length);
}

/** Row-wise top-k: row r's j-th best is indices[r*k + j] with score scores[r*k + j]. */
export interface TopK {
  readonly rows: number;
  /** min(requested k, number of candidates). */
  readonly k: number;
  readonly indices: Int32Array;
  readonly scores: Float32Array;
}
