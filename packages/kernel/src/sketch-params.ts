// Parameters of the seeded sparse JL sketch (assembly/sketch.ts), shared by the kernel and the
// reference so both derive the same table.

export interface SketchParams {
  /** Any u32; the same seed gives the same projection everywhere. */
  readonly seed: number;
  /** k, the projected dimension. */
  readonly outputDim: number;
  /** s, non-zeros per input coordinate (one per block of k/s outputs). Default 4. */
  readonly nonzeros?: number;
}

export interface ResolvedSketch {
  readonly seed: number;
  readonly outputDim: number;
  readonly nonzeros: number;
  /** fround(1/√s), the magnitude of every non-zero. */
  readonly weight: number;
}

export const DEFAULT_SKETCH_NONZEROS = 4;
// The slot arithmetic (hash>>>1)·blockSize must stay exact in a double: < 2^31 · 2^22.
const MAX_OUTPUT_DIM = 1 << 22;

export function resolveSketch(p: SketchParams): ResolvedSketch {
  const { seed, outputDim } = p;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`sketch.seed must be an integer in [0, 2^32), got ${seed}`);
  if (!Number.isInteger(outputDim) || outputDim < 1 || outputDim > MAX_OUTPUT_DIM) {
    throw new RangeError(`sketch.outputDim must be an integer in [1, ${MAX_OUTPUT_DIM}], got ${outputDim}`);
  }
  const nonzeros = Math.min(p.nonzeros ?? DEFAULT_SKETCH_NONZEROS, outputDim);
  if (!Number.isInteger(nonzeros) || nonzeros < 1) throw new RangeError(`sketch.nonzeros must be a positive integer, got ${p.nonzeros}`);
  return { seed, outputDim, nonzeros, weight: Math.fround(1 / Math.sqrt(nonzeros)) };
}
