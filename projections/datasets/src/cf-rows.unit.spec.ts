// CF rows kept small: given contributions, then datasets_cfs keeps each CF's id, author,
// commitment, amends and supersedes as 32 bytes, the answers read them back as the hex ids and
// digests the events named, and text that is no lowercase hex id matches nothing without failing;
// stores fed the same log hold the same rows; a store projected before (version 8: 64-hex text)
// rebuilds when it is opened.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { canonicalDump, createProjectionRunner, openProjectionStore, testDigest, type ProjectionStore } from '@cairn/projector';
import { cfsByPrefix } from './answers/cf-prefix.js';
import { datasetList } from './answers/dataset-list.js';
import { impact } from './answers/impact.js';
import { licenses } from './answers/licenses.js';
import { versionMembers } from './answers/members.js';
import { cfsAmendingOthers, cfsNaming } from './answers/record-trail.js';
import { datasetBuilds } from './answers/versions.js';
import { whereFromCf, whereFromVersion } from './answers/where-from.js';
import { whyExcluded, whyIncluded } from './answers/why.js';
import { loadFacts } from './load-facts.js';
import { datasetsProjection } from './projection.js';
import { T } from './tables.js';
import { Ledger, manifestOf, who } from './testing/ledger.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const wide = manifestOf({ minApprovals: { count: 0, scope: 'either' } });

/**
 * Samples by alice and bob (one GPL, which the manifest turns away), a label and an approval, an
 * amendment of s2 and a supersession of s3, then a build of dataset c.
 */
async function given(ledger: Ledger): Promise<void> {
  for (let i = 0; i < 4; i++) await ledger.sample(`s${i}`, 'alice');
  await ledger.sample('s4', 'bob');
  await ledger.sample('gpl', 'alice', { license: 'GPL-3.0-only' });
  await ledger.label('l0', 'carol', ['s0']);
  await ledger.validate('v0', 'dave', ['s1'], 'approve');
  await ledger.sample('a2', 'alice', { amends: ledger.id('s2') });
  await ledger.sample('r3', 'bob', { supersedes: ledger.id('s3') });
  await ledger.dataset('c', wide);
  await ledger.build('b-c', 'c', wide);
  await ledger.project();
}

const columnTypes = async (store: ProjectionStore) =>
  (
    await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns where table_name = ${T.cfs}
      and column_name in ('cf_id', 'author', 'commitment', 'amends', 'supersedes') order by ordinal_position`.execute(store.db)
  ).rows.map((c) => `${c.column_name} ${c.data_type}`);

const BYTES_COLUMNS = ['cf_id bytea', 'author bytea', 'commitment bytea', 'amends bytea', 'supersedes bytea'];

/** Text that names no CF and no contributor: not hex, uppercase hex, a NUL, 5 MB of hex and of not-hex. */
const badIds = (id: string): readonly string[] => [
  'not-hex',
  id.toUpperCase(),
  `${id.slice(0, 10)}\u0000${id.slice(11)}`,
  'ab'.repeat(2_500_000),
  'x'.repeat(5_000_000),
];

describe('datasets projection: CF rows', () => {
  const stores: ProjectionStore[] = [];
  const newLedger = async () => {
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    stores.push(store);
    return new Ledger(store);
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('given contributions, when they are projected, then each CF row keeps its id, author, commitment, amends and supersedes as 32 bytes, indexing amends and supersedes only where set', async () => {
    const ledger = await newLedger();
    await given(ledger);
    expect(await columnTypes(ledger.store)).toEqual(BYTES_COLUMNS);
    const rows = await sql<{
      cf_id: string;
      author: string;
      commitment: string | null;
      amends: string | null;
      supersedes: string | null;
      n: number;
    }>`
      select encode(cf_id, 'hex') as cf_id, encode(author, 'hex') as author, encode(commitment, 'hex') as commitment,
        encode(amends, 'hex') as amends, encode(supersedes, 'hex') as supersedes,
        octet_length(cf_id) + octet_length(author) + coalesce(octet_length(commitment), 0) + coalesce(octet_length(amends), 0)
          + coalesce(octet_length(supersedes), 0) as n
      from datasets_cfs order by cf_id`.execute(ledger.store.db);
    const a2 = rows.rows.find((r) => r.cf_id === ledger.id('a2'));
    expect(a2).toEqual({
      cf_id: ledger.id('a2'),
      author: who('alice'),
      commitment: testDigest('bytes:a2'),
      amends: ledger.id('s2'),
      supersedes: null,
      n: 4 * 32,
    });
    expect(rows.rows.find((r) => r.cf_id === ledger.id('r3'))).toMatchObject({
      author: who('bob'),
      supersedes: ledger.id('s3'),
      n: 4 * 32,
    });
    expect(rows.rows.find((r) => r.cf_id === ledger.id('l0'))).toEqual({
      cf_id: ledger.id('l0'),
      author: who('carol'),
      commitment: null,
      amends: null,
      supersedes: null,
      n: 2 * 32,
    });
    expect(rows.rows).toHaveLength(10);
    // most CFs replace none: the amends and supersedes indexes hold only those that do
    const partial = await sql<{ indexname: string; predicate: string | null }>`
      select c.relname as indexname, pg_get_expr(i.indpred, i.indrelid) as predicate from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname in ('datasets_cfs_amends', 'datasets_cfs_supersedes') order by c.relname`.execute(ledger.store.db);
    expect(partial.rows).toEqual([
      { indexname: 'datasets_cfs_amends', predicate: '(amends IS NOT NULL)' },
      { indexname: 'datasets_cfs_supersedes', predicate: '(supersedes IS NOT NULL)' },
    ]);
    expect(
      (
        await sql<{ n: string }>`select count(*)::text as n from datasets_cfs where amends is not null or supersedes is not null`.execute(
          ledger.store.db,
        )
      ).rows[0]!.n,
    ).toBe('2');
  });

  it('given the stored rows, when the answers read CFs, then they name ids, contributors and commitments as the events did', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const db = ledger.store.db;
    const a2 = right(await whereFromCf(db, ledger.id('a2')));
    expect([a2.contributor, a2.commitment, a2.standsFor]).toEqual([who('alice'), testDigest('bytes:a2'), ledger.id('s2')]);
    expect(right(await whereFromCf(db, ledger.id('r3'))).standsFor).toBe(ledger.id('s3'));
    expect(right(await whereFromCf(db, ledger.id('l0'))).commitment).toBeNull();
    const s0 = right(await impact(db, ledger.id('s0')));
    expect(s0.dependents.map((d) => [d.eventId, d.relation])).toEqual([[ledger.id('l0'), 'labels']]);
    expect(right(await impact(db, ledger.id('s2'))).dependents.map((d) => [d.eventId, d.relation])).toEqual([[ledger.id('a2'), 'amends']]);
    expect(right(await impact(db, ledger.id('s3'))).dependents.map((d) => [d.eventId, d.relation])).toEqual([
      [ledger.id('r3'), 'supersedes'],
    ]);
    // a prefix of odd length, and the whole id
    expect(await cfsByPrefix(db, ledger.id('s0').slice(0, 7))).toEqual([ledger.id('s0')]);
    expect(await cfsByPrefix(db, ledger.id('s0'))).toEqual([ledger.id('s0')]);
    const ids = ['s0', 's1', 's2', 's3', 's4', 'gpl', 'l0', 'v0', 'a2', 'r3'].map((n) => ledger.id(n)).sort();
    expect(await cfsByPrefix(db, ids[0]!.slice(0, 6), 1)).toEqual([ids[0]]);
    expect(await cfsAmendingOthers(db, [ledger.id('a2'), ledger.id('r3'), ledger.id('s0')])).toEqual(
      expect.arrayContaining([
        { cfId: ledger.id('a2'), kind: 'sample', amends: ledger.id('s2'), supersedes: null },
        { cfId: ledger.id('r3'), kind: 'sample', amends: null, supersedes: ledger.id('s3') },
      ]),
    );
    expect((await cfsNaming(db, [ledger.id('s0'), ledger.id('s2')])).map((c) => c.cfId)).toEqual([ledger.id('l0'), ledger.id('a2')]);
    // the assembly facts read back, as the events stated them
    const facts = await loadFacts(db, ledger.position('b-c'));
    const fact = facts.cfs.find((f) => f.cfId === ledger.id('a2'));
    expect(fact).toMatchObject({ author: who('alice'), commitment: testDigest('bytes:a2'), amends: ledger.id('s2'), supersedes: null });
  });

  it('given a cut version, when its members, licenses, origin and decisions are asked, then contributors are named by their ids', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const db = ledger.store.db;
    const [c] = await datasetBuilds(db, 'c');
    const members = right(await versionMembers(db, c!.versionId, { limit: 20 }));
    const byId = new Map<string, string>(members.members.map((m) => [m.cfId, m.contributor]));
    expect(byId.get(ledger.id('s0'))).toBe(who('alice'));
    expect(byId.get(ledger.id('r3'))).toBe(who('bob'));
    const report = right(await licenses(db, c!.versionId));
    expect(report.obligations.attribution.map((a) => a.contributor)).toEqual([who('alice'), who('bob')].sort());
    const origin = right(await whereFromVersion(db, c!.versionId));
    expect(origin.contributors.map((x) => x.contributor).sort()).toEqual(expect.arrayContaining([who('alice'), who('bob')]));
    const why = right(await whyIncluded(db, ledger.id('s0'), c!.versionId));
    expect([why.cfId, why.evidence?.author, why.evidence?.cf.eventId]).toEqual([ledger.id('s0'), who('alice'), ledger.id('s0')]);
    expect(right(await whyExcluded(db, ledger.id('gpl'), c!.versionId)).evidence?.author).toBe(who('alice'));
    const named = async (search: { cf?: string; contributor?: string }) => (await datasetList(db, search)).map((x) => x.name);
    expect(await named({ contributor: who('bob') })).toEqual(['c']);
    expect(await named({ contributor: who('erin') })).toEqual([]);
    expect(await named({ cf: ledger.id('s0').slice(0, 7) })).toEqual(['c']);
  });

  it('given text that is no lowercase hex id (uppercase, a NUL, 5 MB), when an answer is asked about it, then it names nothing and does not fail', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const db = ledger.store.db;
    const [c] = await datasetBuilds(db, 'c');
    for (const bad of [...badIds(ledger.id('s0')), ...badIds(who('alice'))]) {
      expect(isLeft(await whereFromCf(db, bad))).toBe(true);
      expect(isLeft(await impact(db, bad))).toBe(true);
      expect(isLeft(await whyIncluded(db, bad, c!.versionId))).toBe(true);
      expect(await cfsByPrefix(db, bad)).toEqual([]);
      expect(await cfsAmendingOthers(db, [bad])).toEqual([]);
      expect(await cfsNaming(db, [bad])).toEqual([]);
      expect(await datasetList(db, { contributor: bad })).toEqual([]);
      expect(await datasetList(db, { cf: bad })).toEqual([]);
    }
    // and a good id among bad ones is still found
    expect(isRight(await whereFromCf(db, ledger.id('s0')))).toBe(true);
  });

  it('given two stores fed the same log, then their CF tables are identical', async () => {
    const a = await newLedger();
    await given(a);
    const other = await openProjectionStore({ pglite: await PGlite.create() });
    stores.push(other);
    const runner = createProjectionRunner({ log: a.log, store: other, projections: [datasetsProjection] });
    if (isLeft(await runner.runOnce())) throw new Error('runner failed');
    const dump = (store: ProjectionStore) => canonicalDump(store.db, { tables: [T.cfs] });
    const dumped = await dump(a.store);
    expect(dumped.split('\n').filter((l) => l.includes('"cf_id":"\\\\x')).length).toBe(10);
    expect(await dump(other)).toBe(dumped);
  });

  it('given a store projected by version 8 (64-hex text in CF rows), when the runner opens it, then the projection is rebuilt', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const db = ledger.store.db;
    // the shape version 8 left: the CF's ids, author and commitment as text
    await sql`drop table datasets_cfs`.execute(db);
    await sql`create table datasets_cfs (
      cf_id text primary key, kind text not null, author text not null,
      source text, license text, commitment text, personal_data boolean not null, label_type text,
      targets jsonb not null, amends text, supersedes text, verdict double precision,
      valid_from bigint not null, valid_to bigint, recorded_at timestamptz not null)`.execute(db);
    await sql`update cairn_projection_checkpoints set version = 8 where name = 'datasets'`.execute(db);
    // a new process: a runner prepares its projections when it opens the store
    const reopened = createProjectionRunner({ log: ledger.log, store: ledger.store, projections: [datasetsProjection] });
    if (isLeft(await reopened.runOnce())) throw new Error('runner failed');
    expect(await columnTypes(ledger.store)).toEqual(BYTES_COLUMNS);
    expect(right(await whereFromCf(db, ledger.id('a2'))).standsFor).toBe(ledger.id('s2'));
  });
});
