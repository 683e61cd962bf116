// The log's Merkle tree (RFC 6962 section 2.1, leaf/node domain separated by core): leaf i is
// the i-th event in log order, and its leaf data binds what the event says and who signed it:
// the 32-byte event id followed by the 64-byte Ed25519 signature. A LogCheckpointed event is a
// signed tree head over the first `size` leaves.
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, merkleLeafHash, merkleRootOfLeafHashes, toHex, HASH_SIZE } from '@cairn/core';
import type { RecordedEvent } from '@cairn/eventlog';

/** The SDK appends LogCheckpointed here (one stream for the whole log). */
export const CHECKPOINT_STREAM_NAME = 'log-checkpoints';

/** Leaf hash of one event, or null when its id or signature is not well-formed hex. */
export function logLeafHash(event: RecordedEvent): Uint8Array | null {
  const signature = (event.data as { signature?: unknown } | null)?.signature;
  const id = fromHex(event.id, 32);
  const sig = typeof signature === 'string' ? fromHex(signature, 64) : E.left(null);
  if (E.isLeft(id) || E.isLeft(sig)) return null;
  const data = new Uint8Array(96);
  data.set(id.right, 0);
  data.set(sig.right, 32);
  return merkleLeafHash(data);
}

/** Growable packed leaf hashes, so a root over any prefix is one call. */
export class LeafHashes {
  private packed = new Uint8Array(HASH_SIZE * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leafHash: Uint8Array): void {
    if ((this.count + 1) * HASH_SIZE > this.packed.length) {
      const grown = new Uint8Array(this.packed.length * 2);
      grown.set(this.packed);
      this.packed = grown;
    }
    this.packed.set(leafHash, this.count * HASH_SIZE);
    this.count += 1;
  }

  /** Root over the first `size` leaves, lowercase hex. */
  rootOf(size: number): string {
    return toHex(merkleRootOfLeafHashes(this.packed.subarray(0, size * HASH_SIZE)));
  }
}
