import * as E from 'fp-ts/lib/Either.js';
import type { KeyStore, SampleKeyRecord } from './port.js';

/** A KeyStore held in memory, for tests. Shredding zeroes the key bytes before dropping them. */
export function createMemoryKeyStore(): KeyStore {
  const records = new Map<string, SampleKeyRecord>();
  return {
    kind: 'memory',
    put: async (sampleId, record) => {
      records.set(sampleId, { dataKey: Uint8Array.from(record.dataKey), ...(record.salt ? { salt: Uint8Array.from(record.salt) } : {}) });
      return E.right(undefined);
    },
    get: async (sampleId) => {
      const r = records.get(sampleId);
      return E.right(r === undefined ? undefined : { dataKey: Uint8Array.from(r.dataKey), ...(r.salt ? { salt: Uint8Array.from(r.salt) } : {}) });
    },
    shred: async (sampleId) => {
      const r = records.get(sampleId);
      if (r) {
        r.dataKey.fill(0);
        r.salt?.fill(0);
      }
      records.delete(sampleId);
      return E.right(undefined);
    },
  };
}
