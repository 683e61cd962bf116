// The log's Merkle tree (RFC 6962 section 2.1, leaf/node domain separated as in merkle.ts): leaf i
// is the i-th event in log order, and its leaf data binds what the event says and who signed it:
// the 32-byte event id followed by the 64-byte Ed25519 signature, or, for a CF of a sealed batch
// (which has no signature of its own), the id, its seal's id and its index (seal.ts). A LogCheckpointed event and a
// signed tree head each commit to the root over the first `size` leaves, so anyone holding the
// events can recompute it with this module alone.
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, toHex } from './hex.js';
import { HASH_SIZE, merkleLeafHash, merkleRootOfLeafHashes } from './merkle.js';
import { EMPTY_FRONTIER, extendMerkleFrontier, merkleFrontierRoot } from './merkle-frontier.js';
import { sealedLeafHash } from './seal.js';

/** Leaf hash of the event with this id and signature (hex), or null when either is not well-formed. */
export function logLeafHash(id: string, signature: string): Uint8Array | null {
  const idBytes = fromHex(id, 32);
  const sigBytes = fromHex(signature, 64);
  if (E.isLeft(idBytes) || E.isLeft(sigBytes)) return null;
  const data = new Uint8Array(96);
  data.set(idBytes.right, 0);
  data.set(sigBytes.right, 32);
  return merkleLeafHash(data);
}

/**
 * Leaf hash of a stored event: its id and its envelope's signature, or its id and its seal
 * (`seal: { id, index }`) when it is a sealed CF; null when neither is well-formed.
 */
export function eventLeafHash(event: { readonly id: string; readonly data: unknown }): Uint8Array | null {
  const data = event.data as { signature?: unknown; seal?: { id?: unknown; index?: unknown } } | null;
  const signature = data?.signature;
  if (typeof signature === 'string') return data?.seal === undefined ? logLeafHash(event.id, signature) : null;
  const seal = data?.seal;
  return typeof seal?.id === 'string' && typeof seal.index === 'number' ? sealedLeafHash(event.id, seal.id, seal.index) : null;
}

/**
 * Growable packed leaf hashes, so a root over any prefix is one call; with each leaf, the
 * event's position and the time the log recorded it (what `--as-of TIME` answers from).
 */
export class LeafHashes {
  private packed = new Uint8Array(HASH_SIZE * 1024);
  private positions = new BigInt64Array(1024);
  private times = new Float64Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leafHash: Uint8Array, event?: { readonly position: bigint; readonly recordedAt: Date }): void {
    if (this.count === this.positions.length) {
      const packed = new Uint8Array(this.packed.length * 2);
      packed.set(this.packed);
      this.packed = packed;
      const positions = new BigInt64Array(this.positions.length * 2);
      positions.set(this.positions);
      this.positions = positions;
      const times = new Float64Array(this.times.length * 2);
      times.set(this.times);
      this.times = times;
    }
    this.packed.set(leafHash, this.count * HASH_SIZE);
    this.positions[this.count] = event?.position ?? -1n;
    this.times[this.count] = event?.recordedAt.getTime() ?? Number.NaN;
    this.count += 1;
  }

  /** Root over the first `size` leaves, lowercase hex. */
  rootOf(size: number): string {
    return toHex(merkleRootOfLeafHashes(this.packed.subarray(0, size * HASH_SIZE)));
  }

  /** Roots over many prefixes in one pass (sizes above the log's are left out). */
  rootsAt(sizes: Iterable<number>): Map<number, string> {
    const wanted = [...new Set(sizes)].filter((s) => Number.isSafeInteger(s) && s >= 0 && s <= this.count).sort((a, b) => a - b);
    const roots = new Map<number, string>();
    let frontier = EMPTY_FRONTIER;
    for (const size of wanted) {
      const leaves: Uint8Array[] = [];
      for (let i = frontier.size; i < size; i++) leaves.push(this.leafAt(i));
      frontier = extendMerkleFrontier(frontier, leaves);
      roots.set(size, toHex(merkleFrontierRoot(frontier)));
    }
    return roots;
  }

  /** Leaf hash i (a view, not a copy). */
  leafAt(i: number): Uint8Array {
    return this.packed.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }

  /** Position and recorded time (ms) of leaf i. */
  eventAt(i: number): { readonly position: bigint; readonly time: number } {
    return { position: this.positions[i]!, time: this.times[i]! };
  }
}
