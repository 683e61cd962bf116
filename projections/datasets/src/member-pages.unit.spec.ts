// A member page deep in a large version costs what a page near its start costs: the page's CFs
// are looked up one by one, not found by walking the CF table from its first id to the page's.
// A merge join between the members and the CF table walked every CF before the cursor (a page
// halfway through a million-member version took seconds). Held by the plan Postgres runs
// (EXPLAIN ANALYZE): how many rows of the CF table a page reads.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { StatementLog } from '@cairn/testing';
import { datasetBuilds } from './answers/versions.js';
import { versionMembers } from './answers/members.js';
import { Ledger, manifestOf } from './testing/ledger.js';
import { T, type DatasetsDatabase } from './tables.js';

const SAMPLES = 1200;
const LIMIT = 50;

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

interface PlanNode {
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly Plans?: readonly PlanNode[];
}
const scans = (n: PlanNode): PlanNode[] => [...(n['Relation Name'] === undefined ? [] : [n]), ...(n.Plans ?? []).flatMap(scans)];

describe('member pages deep in a version', () => {
  let store: ProjectionStore;
  let db: Kysely<DatasetsDatabase>;
  let version: string;
  const statements = new StatementLog();

  beforeAll(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    const ledger = new Ledger(store);
    const names = Array.from({ length: SAMPLES }, (_, i) => `s${i}`);
    for (const name of names) await ledger.sample(name, 'alice');
    await ledger.validate('v', 'carol', names, 'approve');
    const manifest = manifestOf({ candidates: { kinds: ['sample'] }, minApprovals: { count: 1, scope: 'either' } });
    await ledger.dataset('c', manifest);
    await ledger.build('b1', 'c', manifest);
    await ledger.project();
    version = (await datasetBuilds(store.db, 'c'))[0]!.versionId;
    db = statements.through(store.db);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  it(`given a version of ${SAMPLES} members, when a page of ${LIMIT} is read after the member at three quarters, then it reads about ${LIMIT} rows of the CF table, not the CFs before the cursor`, async () => {
    const ids = (
      await sql<{ cf_id: string }>`select encode(m.cf_id, 'hex') as cf_id from ${sql.table(T.members)} m
        join ${sql.table(T.versions)} v on v.version_no = m.version_no where v.version_id = ${version} order by m.cf_id`.execute(store.db)
    ).rows.map((r) => r.cf_id);
    expect(ids).toHaveLength(SAMPLES);
    const after = ids[Math.floor((SAMPLES * 3) / 4)]!;
    statements.clear();
    const page = right(await versionMembers(db, version, { limit: LIMIT, after }));
    expect(page.members.map((m) => m.cfId)).toEqual(
      ids.slice(Math.floor((SAMPLES * 3) / 4) + 1, Math.floor((SAMPLES * 3) / 4) + 1 + LIMIT),
    );
    expect(page.members.every((m) => m.kind === 'sample')).toBe(true);

    const statement = statements.sent.find((q) => q.sql.includes(`"${T.cfs}"`));
    expect(statement).toBeDefined();
    const plan = await store.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      CompiledQuery.raw(`explain (analyze, format json) ${statement!.sql}`, [...statement!.parameters]),
    );
    const read = scans(plan.rows[0]!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name'] === T.cfs);
    expect(read.length).toBeGreaterThan(0);
    const rows = read.reduce((n, s) => n + s['Actual Rows'] * s['Actual Loops'], 0);
    expect(rows).toBeLessThanOrEqual(LIMIT + 1);
  });
});
