// Step 5: seal and store the bytes of new samples before their events are appended, so the log
// never names a sample whose bytes are missing. If the append then fails, the stored keys and
// blobs are removed again: a rejected batch leaves nothing behind, not even ciphertext.
import * as E from 'fp-ts/lib/Either.js';
import type { StorageError, BlobStore } from '../blob-store/port.js';
import type { KeyStore } from '../key-store/port.js';
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

/** Stores every new sample; on failure removes what it stored. Returns the undo for a failed append. */
export async function storeSamples(
  items: readonly CheckedItem[],
  blobs: BlobStore,
  keys: KeyStore,
): Promise<E.Either<StorageError, () => Promise<void>>> {
  const samples = items.filter((i) => i.existing === undefined && i.event.type === 'SampleContributed' && i.attachment !== undefined);
  const undo = async () => {
    await inParallel(samples, async (i) => {
      await keys.shred(i.eventId);
      return blobs.delete(i.eventId);
    });
  };
  const stored = await inParallel(samples, async (item) => {
    const dataKey = newDataKey();
    const sealed = sealSample(item.attachment!.bytes, dataKey, item.signingBytes);
    const keyStored = await keys.put(item.eventId, item.attachment!.salt ? { dataKey, salt: item.attachment!.salt } : { dataKey });
    if (E.isLeft(keyStored)) return keyStored;
    return blobs.put(item.eventId, sealed);
  });
  if (E.isLeft(stored)) {
    await undo();
    return stored;
  }
  return E.right(undo);
}
