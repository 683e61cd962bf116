import * as E from 'fp-ts/lib/Either.js';
import type { BlobStore } from './port.js';

/** A BlobStore held in memory, for tests and throwaway ledgers. */
export function createMemoryBlobStore(): BlobStore & { readonly addresses: () => readonly string[] } {
  const blobs = new Map<string, Uint8Array>();
  return {
    kind: 'memory',
    addresses: () => [...blobs.keys()],
    put: async (address, ciphertext) => {
      blobs.set(address, Uint8Array.from(ciphertext));
      return E.right(undefined);
    },
    get: async (address) => {
      const found = blobs.get(address);
      return E.right(found === undefined ? undefined : Uint8Array.from(found));
    },
    delete: async (address) => {
      blobs.delete(address);
      return E.right(undefined);
    },
  };
}
