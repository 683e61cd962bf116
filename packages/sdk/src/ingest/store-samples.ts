// Step 5: seal and store the bytes of new samples before their events are appended, so the log
// never names a sample whose bytes are missing. If the append then fails, the stored keys and
// blobs are removed again: a rejected batch leaves nothing behind, not even ciphertext.
// Stores with putMany take the whole batch at once (one durable write each, not one per sample).
import * as E from 'fp-ts/lib/Either.js';
import type { StorageError, BlobStore } from '../blob-store/port.js';
import type { KeyStore, SampleKeyRecord } from '../key-store/port.js';
import { newDataKey, sealSample } from '../sample-crypto.js';
import type { CheckedItem } from './check.js';

const PARALLEL_WRITES = 32;

async function inParallel<T>(inputs: readonly T[], work: (input: T) => Promise<E.Either<StorageError, void>>): Promise<E.Either<StorageError, void>> {
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

async function putAll(sealed: readonly Sealed[], blobs: BlobStore, keys: KeyStore): Promise<E.Either<StorageError, void>> {
  if (keys.putMany && blobs.putMany) {
    // Two durable writes (a flush each) at once rather than one after the other: they sit between
    // a batch's checks and its append. Either alone is harmless (a key for no blob, a blob no key
    // opens), and a failure of either removes both (storeSamples' undo).
    const [keysStored, blobsStored] = await Promise.all([keys.putMany(sealed), blobs.putMany(sealed.map((s) => ({ address: s.sampleId, ciphertext: s.ciphertext })))]);
    return E.isLeft(keysStored) ? keysStored : blobsStored;
  }
  return inParallel(sealed, async (s) => {
    const keyStored = await keys.put(s.sampleId, s.record);
    if (E.isLeft(keyStored)) return keyStored;
    return blobs.put(s.sampleId, s.ciphertext);
  });
}

async function removeAll(ids: readonly string[], blobs: BlobStore, keys: KeyStore): Promise<void> {
  if (ids.length === 0) return;
  if (keys.shredMany && blobs.deleteMany) {
    await keys.shredMany(ids);
    await blobs.deleteMany(ids);
    return;
  }
  await inParallel(ids, async (id) => {
    await keys.shred(id);
    return blobs.delete(id);
  });
}

/** Stores every new sample; on failure removes what it stored. Returns the undo for a failed append. */
export async function storeSamples(
  items: readonly CheckedItem[],
  blobs: BlobStore,
  keys: KeyStore,
): Promise<E.Either<StorageError, () => Promise<void>>> {
  const samples = items.filter((i) => i.existing === undefined && i.event.type === 'SampleContributed' && i.attachment !== undefined);
  const sealed = samples.map((item): Sealed => {
    const dataKey = newDataKey();
    const salt = item.attachment!.salt;
    return { sampleId: item.eventId, record: salt ? { dataKey, salt } : { dataKey }, ciphertext: sealSample(item.attachment!.bytes, dataKey, item.signingBytes) };
  });
  const undo = () => removeAll(samples.map((i) => i.eventId), blobs, keys);
  const stored = await putAll(sealed, blobs, keys);
  if (E.isLeft(stored)) {
    await undo();
    return stored;
  }
  return E.right(undo);
}
