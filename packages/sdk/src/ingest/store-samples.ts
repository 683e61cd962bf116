// Step 5: seal and store the bytes of new samples before their events are appended, so the log
// never names a sample whose bytes are missing. If the append then fails, this sealing's keys and
// blobs are removed again: a rejected batch leaves nothing behind, not even ciphertext.
// Stores with putMany take the whole batch at once (one durable write each, not one per sample).
//
// A sample can be sealed twice: a batch stored, then a crash before its append and a retry; or two
// processes importing the same file at once (each checks the log, neither sees the sample, both
// seal). The log's append decides which sealing counts, atomically: exactly one append of the
// sample's event writes it, any other answers alreadyAppended. After the append (settle) the
// sealing that wrote the event keeps its pair and removes every other copy (a crashed run's), and
// a sealing whose append found the event already there removes its own pair. Copies are told apart
// by their bytes (every sealing draws a fresh key and nonce), never by the sample id alone, so no
// writer can remove the pair the log's event depends on. Until settled, readers pair a key with
// the ciphertext it opens, and erasure destroys every copy. Keys derived from the content or a
// master secret would make duplicates agree, but an erasure could never destroy such a key: it
// could be derived again.
import * as E from 'fp-ts/lib/Either.js';
import type { StorageError, BlobStore } from '../blob-store/port.js';
import type { KeyStore, SampleKeyRecord, Sealing } from '../key-store/port.js';
import { sealBytes } from './seal-bytes.js';
import { sealingStamp } from '../blob-store/stamped-name.js';
import type { CheckedItem } from './check.js';

const PARALLEL_WRITES = 32;

async function inParallel<T>(
  inputs: readonly T[],
  work: (input: T) => Promise<E.Either<StorageError, void>>,
): Promise<E.Either<StorageError, void>> {
  let next = 0;
  let failure: StorageError | undefined;
  const lane = async () => {
    while (failure === undefined && next < inputs.length) {
      const result = await work(inputs[next++]!);
      if (E.isLeft(result)) failure ??= result.left;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, inputs.length) }, lane));
  return failure === undefined ? E.right(undefined) : E.left(failure);
}

interface Sealed {
  readonly sampleId: string;
  readonly record: SampleKeyRecord;
  readonly ciphertext: Uint8Array;
}

const keyEntries = (sealed: readonly Sealed[]) => sealed.map((s) => ({ sampleId: s.sampleId, record: s.record }));
const blobEntries = (sealed: readonly Sealed[]) => sealed.map((s) => ({ address: s.sampleId, ciphertext: s.ciphertext }));

async function putAll(
  sealed: readonly Sealed[],
  sealing: Sealing,
  blobs: BlobStore,
  keys: KeyStore,
): Promise<E.Either<StorageError, void>> {
  if (keys.putMany && blobs.putMany) {
    // Two durable writes (a flush each) at once rather than one after the other: they sit between
    // a batch's checks and its append. Either alone is harmless (a key for no blob, a blob no key
    // opens), and a failure of either removes both (storeSamples' undo).
    const [keysStored, blobsStored] = await Promise.all([keys.putMany(sealed, sealing), blobs.putMany(blobEntries(sealed), sealing)]);
    return E.isLeft(keysStored) ? keysStored : blobsStored;
  }
  return inParallel(sealed, async (s) => {
    const keyStored = await keys.put(s.sampleId, s.record);
    if (E.isLeft(keyStored)) return keyStored;
    return blobs.put(s.sampleId, s.ciphertext);
  });
}

/** What storeSamples leaves to do once the append has answered. */
export interface StoredSamples {
  /** The append failed: remove this sealing's copies (other sealings' copies stay). */
  readonly undo: () => Promise<void>;
  /**
   * The append went in: for the samples whose event this append wrote, keep this sealing's pair
   * and remove every other copy; for the others (another writer's append came first), remove
   * this sealing's pair. A failure here leaves only extra pairs (still readable, and erasure
   * destroys them), never a missing one, so it does not fail the acknowledged append.
   */
  readonly settle: (writtenHere: ReadonlySet<string>) => Promise<void>;
}

// Ciphertext goes before its key, here and in settle: a crash in between leaves a key with no
// ciphertext (harmless), never ciphertext that no key opens (which verify would report).
async function discard(sealed: readonly Sealed[], blobs: BlobStore, keys: KeyStore): Promise<void> {
  if (sealed.length === 0) return;
  await blobs.discard(blobEntries(sealed));
  await keys.discard(keyEntries(sealed));
}

/** Stores every new sample; on failure removes what it stored. */
export async function storeSamples(
  items: readonly CheckedItem[],
  blobs: BlobStore,
  keys: KeyStore,
): Promise<E.Either<StorageError, StoredSamples>> {
  const samples = items.filter((i) => i.existing === undefined && i.event.type === 'SampleContributed' && i.attachment !== undefined);
  const sealed = samples.map((item): Sealed => {
    // Sealed ahead with the item's pure checks when it came through bulk ingest.
    const { dataKey, ciphertext } = item.pure?.sealed ?? sealBytes(item.attachment!.bytes, item.signingBytes);
    const salt = item.attachment!.salt;
    return { sampleId: item.eventId, record: salt ? { dataKey, salt } : { dataKey }, ciphertext };
  });
  const undo = () => discard(sealed, blobs, keys);
  const sealing: Sealing = { stamp: sealingStamp() };
  const stored = await putAll(sealed, sealing, blobs, keys);
  if (E.isLeft(stored)) {
    await undo();
    return stored;
  }
  const settle = async (writtenHere: ReadonlySet<string>) => {
    const kept = sealed.filter((s) => writtenHere.has(s.sampleId));
    if (kept.length > 0) {
      await blobs.retain(blobEntries(kept), sealing);
      await keys.retain(keyEntries(kept), sealing);
    }
    await discard(
      sealed.filter((s) => !writtenHere.has(s.sampleId)),
      blobs,
      keys,
    );
  };
  return E.right({ undo, settle });
}
