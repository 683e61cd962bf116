// Where each sample's data key (and, for personal data, its commitment salt) lives: apart from
// the ciphertext, because crypto-shredding only works if the key can really be destroyed while
// the ciphertext and the log stay. Shredding a record makes the sample unreadable for good and
// makes its keyed commitment unguessable (the salt goes with it).
//
// A sample may be sealed more than once (a batch stored, then a crash before its append and a
// retry; two processes importing the same file at once). Every sealing draws a fresh random key,
// so a store keeps each sealing's record as its own copy, never replacing one with another: a
// reader pairs a key with the ciphertext it opens (the AEAD tag tells), shredding destroys every
// copy, and the ingest path discards the copies of a sealing that did not make it into the log.
import type { Either } from 'fp-ts/lib/Either.js';
import type { StorageError } from '../storage-error.js';

export interface SampleKeyRecord {
  /** 32-byte XChaCha20-Poly1305 key, used for this one sample only. */
  readonly dataKey: Uint8Array;
  /** 32-byte HMAC key of a personal-data commitment; absent for public samples. */
  readonly salt?: Uint8Array;
}

/**
 * One sealing of a batch, as both stores see it: its time (µs since the epoch) orders it among other sealings of
 * the same samples, the same number in the key store and the blob store, so both keep the copies
 * of the same sealings. retain removes only copies older than its own: were two writers each told
 * that their append wrote the event (a log that cannot tell a concurrent replay from a write),
 * each removes only the older pair, and the newest survives.
 */
export interface Sealing {
  readonly stamp: number;
}

export interface SampleKeyEntry {
  readonly sampleId: string;
  readonly record: SampleKeyRecord;
}

export interface KeyStore {
  readonly kind: string;
  /** Adds a copy of the record; never replaces a copy another sealing stored. */
  put(sampleId: string, record: SampleKeyRecord): Promise<Either<StorageError, void>>;
  /**
   * Stores a whole ingest batch durably at once (one file, one fsync for the folder
   * store). Optional: bulk ingest falls back to one put per record. Each record stays shreddable
   * on its own.
   */
  putMany?(entries: readonly SampleKeyEntry[], sealing?: Sealing): Promise<Either<StorageError, void>>;
  /** A record, or undefined when there is none (never stored, or shredded). */
  get(sampleId: string): Promise<Either<StorageError, SampleKeyRecord | undefined>>;
  /**
   * Every live copy of the sample's record (empty when none). `refresh` looks again for copies
   * another process may have stored since this store last looked.
   */
  copies(sampleId: string, options?: { readonly refresh?: boolean }): Promise<Either<StorageError, SampleKeyRecord[]>>;
  /** Destroys every copy of the record. Idempotent: shredding an absent record succeeds. */
  shred(sampleId: string): Promise<Either<StorageError, void>>;
  /** shred for a whole batch, at one flush per file. Optional. */
  shredMany?(sampleIds: readonly string[]): Promise<Either<StorageError, void>>;
  /** Shreds exactly these copies (matched by data key), leaving other sealings' copies alone. */
  discard(entries: readonly SampleKeyEntry[]): Promise<Either<StorageError, void>>;
  /**
   * Shreds the other copies of each entry's sample that an older sealing stored (see Sealing),
   * keeping the entry's own: after a crashed run's retry, one record survives.
   */
  retain(entries: readonly SampleKeyEntry[], sealing: Sealing): Promise<Either<StorageError, void>>;
  /** Calls `visit` with every live copy in the store, reading each file once (for verify). */
  each(visit: (entry: SampleKeyEntry) => void): Promise<Either<StorageError, void>>;
}
