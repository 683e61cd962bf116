// A version's packed member ids reach the store as base64 text decoded by the database, not as a
// byte-array parameter: the embedded driver writes a bytea parameter as hex one byte-string at a
// time (an array of 32 strings per member), which for a version of a million members held more
// memory than the rest of the cut together.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { datasetBuilds } from './answers/versions.js';
import { readPackedMembers } from './answers/versions.js';
import { Ledger, manifestOf } from './testing/ledger.js';

const SAMPLES = 300;

describe('cutting a version', () => {
  let store: ProjectionStore;
  const byteParameters: number[] = [];

  beforeAll(async () => {
    const pglite = await PGlite.create();
    const query = pglite.query.bind(pglite);
    pglite.query = ((text: string, params?: unknown[], options?: object) => {
      for (const p of params ?? []) if (p instanceof Uint8Array) byteParameters.push(p.byteLength);
      return query(text, params, options);
    }) as typeof pglite.query;
    store = await openProjectionStore({ pglite });
    const ledger = new Ledger(store);
    for (let i = 0; i < SAMPLES; i++) await ledger.sample(`s${i}`, 'alice');
    const manifest = manifestOf({ candidates: { kinds: ['sample'] }, minApprovals: { count: 0, scope: 'sample' } });
    await ledger.dataset('c', manifest);
    await ledger.build('b1', 'c', manifest);
    await ledger.project();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  it(`given ${SAMPLES} samples, when a version of all of them is cut, then no statement carries its members as a byte-array parameter, and they read back packed and sorted`, async () => {
    const [build] = await datasetBuilds(store.db, 'c');
    const packed = (await readPackedMembers(store.db, build!.versionId))!;
    expect(packed.byteLength).toBe(32 * SAMPLES);
    const ids = Array.from({ length: SAMPLES }, (_, i) => Buffer.from(packed.subarray(32 * i, 32 * i + 32)).toString('hex'));
    expect(ids).toEqual([...ids].sort());
    expect(byteParameters.filter((n) => n >= 32 * SAMPLES)).toEqual([]);
  });
});
