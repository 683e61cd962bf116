// A cut stores its members counted by contributor, source and license (datasets_versions.tallies):
// most members first, ties in the database's order of the key. The counts are taken as the cut writes its members, so this pins the stored
// row against the members as stored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { datasetBuilds } from './answers/versions.js';
import { Ledger, manifestOf, who } from './testing/ledger.js';

type Pairs = [string | null, number][];

describe('the tallies of a cut version', () => {
  let store: ProjectionStore;

  beforeAll(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    const ledger = new Ledger(store);
    const samples: [string, string, Record<string, unknown>][] = [
      ['s1', 'bob', { source: 'web', license: 'MIT' }],
      ['s2', 'alice', { source: 'books', license: 'Apache-2.0' }],
      ['s3', 'bob', { source: 'web', license: 'MIT' }],
      ['s4', 'alice', { source: 'books', license: 'MIT' }],
      ['s5', 'carol', { source: 'Web', license: 'Apache-2.0' }],
      ['s6', 'carol', { source: 'web', license: 'MIT OR Apache-2.0' }],
    ];
    for (const [name, signer, extra] of samples) await ledger.sample(name, signer, extra);
    const manifest = manifestOf({ minApprovals: { count: 0, scope: 'sample' } });
    await ledger.dataset('c', manifest);
    await ledger.build('b1', 'c', manifest);
    await ledger.project();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  it('given six samples of three contributors, three sources and three licenses, when a version of all of them is cut, then it stores each count, most first and ties by key', async () => {
    const [build] = await datasetBuilds(store.db, 'c');
    const row = await sql<{ tallies: { author: Pairs; source: Pairs; license: Pairs } }>`
      select tallies from datasets_versions where version_id = ${build!.versionId}`.execute(store.db);
    const { author, source, license } = row.rows[0]!.tallies;
    const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    expect(author).toEqual([who('alice'), who('bob'), who('carol')].sort(byKey).map((k) => [k, 2]));
    expect(source).toEqual([
      ['web', 3],
      ['books', 2],
      ['Web', 1],
    ]);
    expect(license).toEqual([
      ['MIT', 3],
      ['Apache-2.0', 2],
      ['MIT OR Apache-2.0', 1],
    ]);
  });

  it('given the cut version, then its tallies equal its stored members counted back through datasets_cfs', async () => {
    const [build] = await datasetBuilds(store.db, 'c');
    const counted = async (key: ReturnType<typeof sql>) =>
      (
        await sql<{ t: Pairs }>`select coalesce(jsonb_agg(jsonb_build_array(k, n) order by n desc, k), '[]'::jsonb) as t from (
          select ${key} as k, count(*) as n from datasets_cfs c
          where c.cf_id in (select m.cf_id from datasets_members m join datasets_versions v using (version_no) where v.version_id = ${build!.versionId})
          group by 1) g`.execute(store.db)
      ).rows[0]!.t;
    const row = await sql<{ tallies: { author: Pairs; source: Pairs; license: Pairs } }>`
      select tallies from datasets_versions where version_id = ${build!.versionId}`.execute(store.db);
    expect(row.rows[0]!.tallies).toEqual({
      author: await counted(sql`encode(c.author, 'hex')`),
      source: await counted(sql`c.source`),
      license: await counted(sql`c.license`),
    });
  });
});
