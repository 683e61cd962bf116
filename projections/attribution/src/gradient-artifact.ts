// Gradient / feature artifacts: a 2-D little-endian float32 .npy (the kernel's readNpy is the
// only parser), stored by content hash. storeGradientArtifact is what the CLI and SDK call before
// they build a GradientsRecorded payload; loadGradients is what the projection and the queries
// call, and it holds the file to the shape the log recorded. Weights (TRAK's Q, one per train row)
// are a float32 vector stored the same way.
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { readNpy, type MatrixF32, type NpyError } from '@cairn/kernel';
import type { ArtifactStore } from './artifact-store.js';
import type { GradientArtifactError } from './errors.js';

export interface StoredGradientArtifact {
  readonly contentHash: string;
  readonly rows: number;
  readonly dims: number;
}

/** Validates the .npy (2-D, '<f4', C order, complete), then stores it. Nothing is stored if it is invalid. */
export async function storeGradientArtifact(store: ArtifactStore, bytes: Uint8Array): Promise<Either<NpyError, StoredGradientArtifact>> {
  const matrix = readNpy(bytes);
  if (isLeft(matrix)) return matrix;
  if (matrix.right.rows === 0 || matrix.right.cols === 0) {
    return left({
      _tag: 'NpyError',
      field: 'shape',
      reason: `shape (${matrix.right.rows}, ${matrix.right.cols}) is empty: a gradient artifact needs at least one row and one column`,
    });
  }
  const contentHash = await store.put(bytes);
  return right({ contentHash, rows: matrix.right.rows, dims: matrix.right.cols });
}

export interface RecordedArtifact {
  readonly contentHash: string;
  readonly rows: number;
  readonly dims: number;
}

/** The matrix behind a recorded artifact: present, intact, a float32 .npy, and of the recorded shape. */
export async function loadGradients(store: ArtifactStore, recorded: RecordedArtifact): Promise<Either<GradientArtifactError, MatrixF32>> {
  const { contentHash } = recorded;
  const bytes = await store.get(contentHash);
  if (isLeft(bytes)) return bytes;
  const matrix = readNpy(bytes.right);
  if (isLeft(matrix)) {
    const npy = matrix.left;
    return left({
      _tag: 'ArtifactUnreadable',
      contentHash,
      npy,
      message: `artifact ${contentHash} is not a float32 .npy: ${npy.field}: ${npy.reason}`,
    });
  }
  for (const [field, actual, expected] of [
    ['rows', matrix.right.rows, recorded.rows],
    ['dims', matrix.right.cols, recorded.dims],
  ] as const) {
    if (actual !== expected) {
      return left({
        _tag: 'ArtifactShapeMismatch',
        contentHash,
        field,
        recorded: expected,
        actual,
        message: `artifact ${contentHash} has ${actual} ${field}, the GradientsRecorded event says ${expected}`,
      });
    }
  }
  return right(matrix.right);
}

/** The per-row weights behind a recorded weights artifact: present, intact, a float32 .npy of shape (rows,) or (rows, 1). */
export async function loadWeights(
  store: ArtifactStore,
  recorded: { readonly contentHash: string; readonly rows: number },
): Promise<Either<GradientArtifactError, Float32Array>> {
  const { contentHash } = recorded;
  const bytes = await store.get(contentHash);
  if (isLeft(bytes)) return bytes;
  const matrix = readNpy(bytes.right, { vector: true });
  if (isLeft(matrix)) {
    const npy = matrix.left;
    return left({
      _tag: 'ArtifactUnreadable',
      contentHash,
      npy,
      message: `weights artifact ${contentHash} is not a float32 .npy: ${npy.field}: ${npy.reason}`,
    });
  }
  for (const [field, actual, expected] of [
    ['rows', matrix.right.rows, recorded.rows],
    ['dims', matrix.right.cols, 1],
  ] as const) {
    if (actual !== expected) {
      return left({
        _tag: 'ArtifactShapeMismatch',
        contentHash,
        field,
        recorded: expected,
        actual,
        message: `weights artifact ${contentHash} has ${actual} ${field === 'rows' ? 'rows' : 'columns'}, expected ${expected} (one weight per train row)`,
      });
    }
  }
  return right(matrix.right.data);
}

/** Validates a weight vector (.npy of shape (n,) or (n, 1), float32, finite), then stores it. */
export async function storeWeightsArtifact(
  store: ArtifactStore,
  bytes: Uint8Array,
): Promise<Either<NpyError, { readonly contentHash: string; readonly rows: number }>> {
  const matrix = readNpy(bytes, { vector: true });
  if (isLeft(matrix)) return matrix;
  const { rows, cols, data } = matrix.right;
  if (cols !== 1 || rows === 0) {
    return left({
      _tag: 'NpyError',
      field: 'shape',
      reason: `shape (${rows}, ${cols}) is not a weight vector: expected (n,) or (n, 1) with n ≥ 1, one weight per train row`,
    });
  }
  const bad = data.findIndex((w) => !Number.isFinite(w));
  if (bad >= 0) return left({ _tag: 'NpyError', field: 'data', reason: `weight ${bad} is ${data[bad]}, not a finite number` });
  return right({ contentHash: await store.put(bytes), rows });
}
