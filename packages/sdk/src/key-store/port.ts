// Where each sample's data key (and, for personal data, its commitment salt) lives: apart from
// the ciphertext, because crypto-shredding only works if the key can really be destroyed while
// the ciphertext and the log stay. Shredding a record makes the sample unreadable for good and
// makes its keyed commitment unguessable (the salt goes with it).
import type { Either } from 'fp-ts/lib/Either.js';
import type { StorageError } from '../blob-store/port.js';

export interface SampleKeyRecord {
  /** 32-byte XChaCha20-Poly1305 key, used for this one sample only. */
  readonly dataKey: Uint8Array;
  /** 32-byte HMAC key of a personal-data sample's commitment; absent for public samples. */
  readonly salt?: Uint8Array;
}

export interface KeyStore {
  readonly kind: string;
  put(sampleId: string, record: SampleKeyRecord): Promise<Either<StorageError, void>>;
  /**
   * Stores a whole ingest batch of records durably at once (one file, one fsync for the folder
   * store). Optional: bulk ingest falls back to one put per record. Each record stays shreddable
   * on its own.
   */
  putMany?(entries: readonly { readonly sampleId: string; readonly record: SampleKeyRecord }[]): Promise<Either<StorageError, void>>;
  /** The record, or undefined when there is none (never stored, or shredded). */
  get(sampleId: string): Promise<Either<StorageError, SampleKeyRecord | undefined>>;
  /** Destroys the record. Idempotent: shredding an absent record succeeds. */
  shred(sampleId: string): Promise<Either<StorageError, void>>;
  /** shred for a whole batch (a rejected ingest batch), at one flush per file. Optional. */
  shredMany?(sampleIds: readonly string[]): Promise<Either<StorageError, void>>;
}
