import * as E from 'fp-ts/lib/Either.js';
import type { BlobStore } from './port.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** A BlobStore held in memory, for tests and throwaway ledgers. */
export function createMemoryBlobStore(): BlobStore & { readonly addresses: () => readonly string[] } {
  const blobs = new Map<string, Uint8Array[]>();
  const keepWhere = (address: string, keep: (b: Uint8Array) => boolean) => {
    const kept = (blobs.get(address) ?? []).filter(keep);
    if (kept.length === 0) blobs.delete(address);
    else blobs.set(address, kept);
  };
  return {
    kind: 'memory',
    addresses: () => [...blobs.keys()],
    put: async (address, ciphertext) => {
      blobs.set(address, [...(blobs.get(address) ?? []), Uint8Array.from(ciphertext)]);
      return E.right(undefined);
    },
    get: async (address) => {
      const found = blobs.get(address)?.[0];
      return E.right(found === undefined ? undefined : Uint8Array.from(found));
    },
    copies: async (address) => E.right((blobs.get(address) ?? []).map((b) => Uint8Array.from(b))),
    delete: async (address) => {
      blobs.delete(address);
      return E.right(undefined);
    },
    discard: async (entries) => {
      for (const { address, ciphertext } of entries) keepWhere(address, (b) => !same(b, ciphertext));
      return E.right(undefined);
    },
    retain: async (entries) => {
      for (const { address, ciphertext } of entries) keepWhere(address, (b) => same(b, ciphertext));
      return E.right(undefined);
    },
    each: async (visit) => {
      for (const [address, all] of blobs) for (const ciphertext of all) await visit({ address, ciphertext: Uint8Array.from(ciphertext) });
      return E.right(undefined);
    },
  };
}
