import * as E from 'fp-ts/lib/Either.js';
import { timingSafeEqual } from 'node:crypto';
import type { KeyStore, SampleKeyRecord } from './port.js';

const copyOf = (r: SampleKeyRecord): SampleKeyRecord => ({
  dataKey: Uint8Array.from(r.dataKey),
  ...(r.salt ? { salt: Uint8Array.from(r.salt) } : {}),
});
const sameKey = (a: SampleKeyRecord, b: SampleKeyRecord) => timingSafeEqual(a.dataKey, b.dataKey);
const wipe = (r: SampleKeyRecord) => {
  r.dataKey.fill(0);
  r.salt?.fill(0);
};

/** A KeyStore held in memory, for tests. Shredding zeroes the key bytes before dropping them. */
export function createMemoryKeyStore(): KeyStore {
  const records = new Map<string, SampleKeyRecord[]>();
  const keepWhere = (sampleId: string, keep: (r: SampleKeyRecord) => boolean) => {
    const all = records.get(sampleId) ?? [];
    const kept = all.filter(keep);
    all.filter((r) => !kept.includes(r)).forEach(wipe);
    if (kept.length === 0) records.delete(sampleId);
    else records.set(sampleId, kept);
  };
  const store: KeyStore = {
    kind: 'memory',
    put: async (sampleId, record) => {
      records.set(sampleId, [...(records.get(sampleId) ?? []), copyOf(record)]);
      return E.right(undefined);
    },
    get: async (sampleId) => {
      const r = records.get(sampleId)?.[0];
      return E.right(r === undefined ? undefined : copyOf(r));
    },
    copies: async (sampleId) => E.right((records.get(sampleId) ?? []).map(copyOf)),
    shred: async (sampleId) => {
      keepWhere(sampleId, () => false);
      return E.right(undefined);
    },
    discard: async (entries) => {
      for (const { sampleId, record } of entries) keepWhere(sampleId, (r) => !sameKey(r, record));
      return E.right(undefined);
    },
    retain: async (entries) => {
      for (const { sampleId, record } of entries) keepWhere(sampleId, (r) => sameKey(r, record));
      return E.right(undefined);
    },
    each: async (visit) => {
      for (const [sampleId, all] of records) for (const record of all) visit({ sampleId, record: copyOf(record) });
      return E.right(undefined);
    },
  };
  return store;
}
