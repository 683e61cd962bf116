// Where sample ciphertext lives. Only ciphertext ever reaches a BlobStore: plaintext is sealed
// by sample-crypto.ts first, and the data key lives in a separate KeyStore, so a copy of the
// blob folder (or an S3 bucket) alone reveals nothing. Addresses are sample CF ids.
//
// Like a KeyStore, a BlobStore keeps each sealing of a sample as its own copy (see
// ../key-store/port.ts): a put never replaces another sealing's bytes, so a key and the
// ciphertext it opens can never be split by a concurrent or repeated sealing.
import type { Either } from 'fp-ts/lib/Either.js';
import type { Sealing } from '../key-store/port.js';
import type { StorageError } from '../storage-error.js';

export { storageError, type StorageError } from '../storage-error.js';

export interface BlobEntry {
  readonly address: string;
  readonly ciphertext: Uint8Array;
}

export interface BlobStore {
  /** `folder`, `memory`, `s3`, ... */
  readonly kind: string;
  /** Adds a copy of the bytes under the address; never replaces a copy another sealing stored. */
  put(address: string, ciphertext: Uint8Array): Promise<Either<StorageError, void>>;
  /**
   * Stores a whole ingest batch durably at once (one segment file, one fsync for the folder
   * store). Optional: bulk ingest falls back to one put per blob.
   */
  putMany?(entries: readonly BlobEntry[], sealing?: Sealing): Promise<Either<StorageError, void>>;
  /** Some copy of the bytes, or undefined when nothing is stored under that address. */
  get(address: string): Promise<Either<StorageError, Uint8Array | undefined>>;
  /**
   * Every live copy stored under the address (empty when none). `refresh` looks again for copies
   * another process may have stored since this store last looked.
   */
  copies(address: string, options?: { readonly refresh?: boolean }): Promise<Either<StorageError, Uint8Array[]>>;
  /** Removes every copy under the address, if any (erasure). */
  delete(address: string): Promise<Either<StorageError, void>>;
  /** delete for a whole batch, at one write per segment. Optional. */
  deleteMany?(addresses: readonly string[]): Promise<Either<StorageError, void>>;
  /** Removes exactly these copies (matched by bytes), leaving other sealings' copies alone. */
  discard(entries: readonly BlobEntry[]): Promise<Either<StorageError, void>>;
  /** Removes the other copies under each entry's address that an older sealing stored, keeping the entry's own (see Sealing). */
  retain(entries: readonly BlobEntry[], sealing: Sealing): Promise<Either<StorageError, void>>;
  /**
   * Calls `visit` with every live copy in the store, reading each file once (for verify); a visit
   * that answers a promise is awaited before the next copy, so the caller can bound what it holds.
   */
  each(visit: (entry: BlobEntry) => void | Promise<void>): Promise<Either<StorageError, void>>;
}
