// The seeded sparse JL sketch of assembly/sketch.ts in plain TypeScript, same hash, same order.
import { assertMatrix, matrixF32, type MatrixF32 } from '../matrix.js';
import { resolveSketch, type SketchParams } from '../sketch-params.js';

/** lowbias32 (C. Wellons, 2018), as in assembly/sketch.ts. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b | 0);
  x ^= x >>> 16;
  return x >>> 0;
}

export function entryHash(seed: number, row: number, col: number): number {
  return mix32(mix32(mix32((seed ^ 0x9e3779b9) >>> 0) ^ row) ^ Math.imul(col, 0x85ebca6b | 0));
}

/** The d×s (output position, weight) table of the sketch. */
export function sketchTable(params: SketchParams, d: number): { positions: Int32Array; weights: Float32Array; nonzeros: number } {
  const { seed, outputDim: k, nonzeros: s, weight } = resolveSketch(params);
  const positions = new Int32Array(d * s);
  const weights = new Float32Array(d * s);
  for (let i = 0; i < d; i++) {
    for (let b = 0; b < s; b++) {
      const h = entryHash(seed, i, b);
      const start = (b * k - ((b * k) % s)) / s;
      const end = ((b + 1) * k - (((b + 1) * k) % s)) / s;
      const slot = Math.floor(((h >>> 1) * (end - start)) / 2 ** 31);
      positions[i * s + b] = start + slot;
      weights[i * s + b] = (h & 1) !== 0 ? -weight : weight;
    }
  }
  return { positions, weights, nonzeros: s };
}

/** Y = X·S: y[j] = Σ_i fround(x[i]·w(i, j)) in ascending i, f32 adds. */
export function sketch(x: MatrixF32, params: SketchParams): MatrixF32 {
  assertMatrix('x', x);
  const k = params.outputDim;
  const { positions, weights, nonzeros: s } = sketchTable(params, x.cols);
  const d = x.cols;
  const y = matrixF32(x.rows, k);
  for (let r = 0; r < x.rows; r++) {
    const o = r * k;
    for (let i = 0; i < d; i++) {
      const v = x.data[r * d + i]!;
      for (let b = 0; b < s; b++) {
        const at = o + positions[i * s + b]!;
        y.data[at] = Math.fround(y.data[at]! + Math.fround(v * weights[i * s + b]!));
      }
    }
  }
  return y;
}
