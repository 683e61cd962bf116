// Gradient / feature artifacts: a 2-D little-endian float32 .npy (the kernel's readNpy is the
// only parser), stored by content hash. storeGradientArtifact is what the CLI and SDK call before
// they build a GradientsRecorded payload; loadGradients is what the projection and the queries
// call, and it holds the file to the shape the log recorded.
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
    return left({ _tag: 'NpyError', field: 'shape', reason: `shape (${matrix.right.rows}, ${matrix.right.cols}) is empty: a gradient artifact needs at least one row and one column` });
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
    return left({ _tag: 'ArtifactUnreadable', contentHash, npy, message: `artifact ${contentHash} is not a float32 .npy: ${npy.field}: ${npy.reason}` });
  }
  for (const [field, actual, expected] of [['rows', matrix.right.rows, recorded.rows], ['dims', matrix.right.cols, recorded.dims]] as const) {
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
