// Where sample ciphertext lives. Only ciphertext ever reaches a BlobStore: plaintext is sealed
// by sample-crypto.ts first, and the data key lives in a separate KeyStore, so a copy of the
// blob folder (or an S3 bucket) alone reveals nothing. Addresses are sample CF ids.
import type { Either } from 'fp-ts/lib/Either.js';

export interface StorageError {
  readonly _tag: 'StorageError';
  readonly store: 'blobs' | 'keys' | 'tree-heads';
  readonly operation: string;
  readonly address: string;
  readonly reason: string;
}

export function storageError(
  store: StorageError['store'],
  operation: string,
  address: string,
  cause: unknown,
): StorageError {
  return { _tag: 'StorageError', store, operation, address, reason: cause instanceof Error ? cause.message : String(cause) };
}

export interface BlobStore {
  /** `folder`, `memory`, `s3`, ... */
  readonly kind: string;
  /** Stores the bytes under the address; writing the same address again replaces them. */
  put(address: string, ciphertext: Uint8Array): Promise<Either<StorageError, void>>;
  /**
   * Stores a whole ingest batch durably at once (one segment file, one fsync for the folder
   * store). Optional: bulk ingest falls back to one put per blob.
   */
  putMany?(entries: readonly { readonly address: string; readonly ciphertext: Uint8Array }[]): Promise<Either<StorageError, void>>;
  /** The bytes, or undefined when nothing is stored under that address. */
  get(address: string): Promise<Either<StorageError, Uint8Array | undefined>>;
  /** Removes the bytes if present (used to roll back a rejected batch). */
  delete(address: string): Promise<Either<StorageError, void>>;
  /** delete for a whole batch (a rejected ingest batch), at one rewrite per segment. Optional. */
  deleteMany?(addresses: readonly string[]): Promise<Either<StorageError, void>>;
}
