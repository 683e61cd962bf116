// Shared helpers of the unit specs (not exported from the package).
import fc from 'fast-check';
import { matrixF32, type MatrixF32 } from '../matrix.js';
import { seededRng } from '../evaluation/random.js';

/** A rows×cols matrix of normal values from a seed. */
export function randomMatrix(rows: number, cols: number, seed: number): MatrixF32 {
  const rng = seededRng(seed);
  return matrixF32(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
  );
}

/** The bytes of a typed array, for bit-for-bit comparison (distinguishes −0 and NaN payloads). */
export function bytesOf(a: Float32Array | Float64Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** fast-check: a matrix with the given shape bounds, filled from a seed (small values, some ties). */
export const matrixArb = (maxRows: number, maxCols: number, minCols = 0) =>
  fc
    .record({
      rows: fc.integer({ min: 0, max: maxRows }),
      cols: fc.integer({ min: minCols, max: maxCols }),
      seed: fc.integer({ min: 0, max: 2 ** 31 }),
    })
    .map(({ rows, cols, seed }) => randomMatrix(rows, cols, seed));

export const FC_SEED = 20240601;
