// Member and exclusion rows kept small: given a cut, then each row names its version by the
// version's number (cut order) and its CF by the id's 32 bytes, the answers read them back as the
// ids they were; stores fed the same log number their versions alike; a store projected before
// (version 7: 64-hex text in every row) rebuilds when it is opened.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { canonicalDump, createProjectionRunner, openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { datasetList } from './answers/dataset-list.js';
import { versionMembers } from './answers/members.js';
import { datasetBuilds } from './answers/versions.js';
import { whyExcluded, whyIncluded } from './answers/why.js';
import { datasetsProjection } from './projection.js';
import { T } from './tables.js';
import { Ledger, manifestOf } from './testing/ledger.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const N = 5;
const wide = manifestOf({ minApprovals: { count: 0, scope: 'either' } });
const narrow = manifestOf({ minApprovals: { count: 0, scope: 'either' }, licensePolicy: { allowed: ['MIT'] } });

/** N MIT samples and one GPL sample, datasets c (wide) and d (narrow, which turns the GPL one away), cut c then d. */
async function given(ledger: Ledger): Promise<void> {
  for (let i = 0; i < N; i++) await ledger.sample(`s${i}`, 'alice');
  await ledger.sample('gpl', 'alice', { license: 'GPL-3.0-only' });
  await ledger.dataset('c', wide);
  await ledger.dataset('d', narrow);
  await ledger.build('b-c', 'c', wide);
  await ledger.build('b-d', 'd', narrow);
  await ledger.project();
}

const columnTypes = async (store: ProjectionStore, table: string) =>
  (
    await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns where table_name = ${table} order by ordinal_position`.execute(store.db)
  ).rows.map((c) => `${c.column_name} ${c.data_type}`);

describe('datasets projection: member and exclusion rows', () => {
  const stores: ProjectionStore[] = [];
  const newLedger = async () => {
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    stores.push(store);
    return new Ledger(store);
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('given a version of N members, when it is cut, then each member row names the version by its number and the CF by its 32 bytes', async () => {
    const ledger = await newLedger();
    await given(ledger);
    expect(await columnTypes(ledger.store, T.members)).toEqual(['version_no integer', 'cf_id bytea', 'decision_id bytea']);
    expect(await columnTypes(ledger.store, T.exclusions)).toEqual([
      'build_position bigint',
      'version_no integer',
      'cf_id bytea',
      'decision_id bytea',
    ]);
    const [c] = await datasetBuilds(ledger.store.db, 'c');
    const rows = await sql<{ version_no: number; cf_id: Uint8Array }>`
      select m.version_no, m.cf_id from datasets_members m join datasets_versions v on v.version_no = m.version_no
      where v.version_id = ${c!.versionId} order by m.cf_id`.execute(ledger.store.db);
    const ids = [...Array(N).keys()].map((i) => ledger.id(`s${i}`));
    expect(rows.rows.map((r) => Buffer.from(r.cf_id).toString('hex'))).toEqual([...ids].sort());
    expect(rows.rows.every((r) => r.cf_id.length === 32 && r.version_no === 1)).toBe(true);
  });

  it('given versions cut in turn, then they are numbered 1, 2, … in cut order', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const [c] = await datasetBuilds(ledger.store.db, 'c');
    const [d] = await datasetBuilds(ledger.store.db, 'd');
    const numbered = await sql<{ version_id: string; version_no: number }>`
      select version_id, version_no from datasets_versions order by version_no`.execute(ledger.store.db);
    expect(numbered.rows).toEqual([
      { version_id: c!.versionId, version_no: 1 },
      { version_id: d!.versionId, version_no: 2 },
    ]);
  });

  it('given the stored rows, when members, why and why-not are asked, then they answer with the ids as hex text', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const [d] = await datasetBuilds(ledger.store.db, 'd');
    const ids = [...Array(N).keys()].map((i) => ledger.id(`s${i}`)).sort();
    const first = right(await versionMembers(ledger.store.db, d!.versionId, { limit: 2 }));
    expect(first.members.map((m) => m.cfId)).toEqual(ids.slice(0, 2));
    expect(first.next).toBe(ids[1]);
    const second = right(await versionMembers(ledger.store.db, d!.versionId, { limit: 2, after: first.next! }));
    expect([second.members.map((m) => m.cfId), second.offset]).toEqual([ids.slice(2, 4), 2]);
    expect(right(await whyIncluded(ledger.store.db, ledger.id('s0'), d!.versionId)).cfId).toBe(ledger.id('s0'));
    expect(right(await whyExcluded(ledger.store.db, ledger.id('gpl'), d!.versionId)).rule).toBe('license');
    // text that is no CF id names no member, and does not fail
    expect(isLeft(await whyIncluded(ledger.store.db, 'not-hex', d!.versionId))).toBe(true);
    // a search by CF id prefix names the datasets holding it: the GPL sample is a member of neither
    const named = async (cf: string) => (await datasetList(ledger.store.db, { cf })).map((x) => x.name);
    expect(await named(ledger.id('gpl').slice(0, 8))).toEqual([]);
    expect(await named(ledger.id('s0').slice(0, 8))).toEqual(['c', 'd']);
  });

  it('given a page cursor that is no CF id, when it holds a NUL, then the page is the one after the text before the NUL, and nothing fails', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const [d] = await datasetBuilds(ledger.store.db, 'd');
    const ids = [...Array(N).keys()].map((i) => ledger.id(`s${i}`)).sort();
    const prefix = ids[2]!.slice(0, 3);
    const after = async (cursor: string) =>
      right(await versionMembers(ledger.store.db, d!.versionId, { limit: N, after: cursor })).members.map((m) => m.cfId);
    const expected = ids.filter((id) => id > prefix);
    expect(await after(prefix)).toEqual(expected);
    expect(await after(`${prefix}\u0000zz`)).toEqual(expected);
    expect(await after('\u0000')).toEqual(ids);
  });

  it('given two stores fed the same log, then their version numbers, members and exclusions tables are identical', async () => {
    const a = await newLedger();
    const b = await newLedger();
    await given(a);
    await given(b);
    const numbers = async (store: ProjectionStore) =>
      (await sql`select version_id, version_no from datasets_versions order by version_no`.execute(store.db)).rows;
    const dump = (store: ProjectionStore) => canonicalDump(store.db, { tables: [T.members, T.exclusions] });
    const dumped = await dump(a.store);
    expect(dumped.split('\n').filter((l) => l.length > 0).length).toBeGreaterThan(2 * N);
    expect(await dump(b.store)).toBe(dumped);
    expect(await numbers(b.store)).toEqual(await numbers(a.store));
  });

  it('given a store projected by version 7 (64-hex version and CF ids on member rows), when the runner opens it, then the projection is rebuilt', async () => {
    const ledger = await newLedger();
    await given(ledger);
    const db = ledger.store.db;
    // the shape version 7 left: members and exclusions keyed by the version's id, CF ids as text
    await sql`drop table datasets_members cascade`.execute(db);
    await sql`drop table datasets_exclusions`.execute(db);
    await sql`alter table datasets_versions drop column version_no`.execute(db);
    await sql`create table datasets_members (version_id text not null, cf_id text not null, decision_id bytea not null, primary key (version_id, cf_id))`.execute(
      db,
    );
    await sql`create table datasets_exclusions (version_id text not null, build_position bigint not null, cf_id text not null,
      decision_id bytea not null, primary key (version_id, build_position, cf_id))`.execute(db);
    await sql`update cairn_projection_checkpoints set version = 7 where name = 'datasets'`.execute(db);
    // a new process: a runner prepares its projections when it opens the store
    const reopened = createProjectionRunner({ log: ledger.log, store: ledger.store, projections: [datasetsProjection] });
    if (isLeft(await reopened.runOnce())) throw new Error('runner failed');
    expect(await columnTypes(ledger.store, T.members)).toEqual(['version_no integer', 'cf_id bytea', 'decision_id bytea']);
    const [d] = await datasetBuilds(db, 'd');
    const page = right(await versionMembers(db, d!.versionId, { limit: 10 }));
    expect(page.members).toHaveLength(N);
  });
});
