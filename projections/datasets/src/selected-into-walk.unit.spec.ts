// A lineage walk from a CF to the versions it was selected into finds the CF's member rows by
// datasets_members' index on the stored bytes (the selected-into view's from_bytes), not by an
// index on the CF id's hex text. Held by the plan Postgres runs (EXPLAIN ANALYZE): which index the
// step reads and how many member rows it reads.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft } from 'fp-ts/lib/Either.js';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { trace, type LineageDatabase } from '@cairn/lineage';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { StatementLog } from '@cairn/testing';
import { T, migrateDatasetsTables, type DatasetsDatabase } from './tables.js';

/** Members of the first version; the second holds every other one. */
const CFS = 20_000;
/** The i-th CF's id: a SHA-256 digest, as every CF id is. */
const cfBytes = (i: string) => sql`sha256(int4send(${sql.raw(i)}))`;
const versionId = (n: number) => `${String(n).repeat(64)}`;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly Plans?: readonly PlanNode[];
}
const scans = (n: PlanNode): PlanNode[] => [...(n['Relation Name'] === undefined ? [] : [n]), ...(n.Plans ?? []).flatMap(scans)];

describe('a walk from a CF to its dataset versions', () => {
  let pglite: PGlite;
  let store: ProjectionStore;
  let db: Kysely<DatasetsDatabase>;
  const statements = new StatementLog();

  beforeAll(async () => {
    pglite = await PGlite.create();
    store = await openProjectionStore({ pglite });
    const tables = store.db as unknown as Kysely<DatasetsDatabase>;
    await migrateDatasetsTables(tables);
    for (const n of [1, 2])
      await sql`insert into ${sql.table(T.versions)} (version_id, version_no, dataset, manifest_id, merkle_root, member_count,
        position, event_id, recorded_at, members) values (${versionId(n)}, ${n}, 'corpus', 'm', 'r', 0, ${CFS + n}, ${`e${n}`}, now(), '')`.execute(
        tables,
      );
    // As a cut writes them; then ANALYZE, as the runner does after a catch-up.
    await sql`insert into ${sql.table(T.members)} (version_no, cf_id, decision_id)
      select 1, ${cfBytes('i')}, '\\x00'::bytea from generate_series(0, ${CFS - 1}) i
      union all select 2, ${cfBytes('i')}, '\\x00'::bytea from generate_series(0, ${CFS - 1}, 2) i`.execute(tables);
    await sql`analyze`.execute(tables);
    db = statements.through(tables);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await pglite?.close();
  });

  it(`given ${CFS} CFs selected into a version and every other one into a second, when a trace goes down from one CF, then its two selected-into edges are found through the members' index on the CF's bytes, reading its own member rows only`, async () => {
    const cf = (await sql<{ id: string }>`select encode(${cfBytes('1234')}, 'hex') as id`.execute(store.db)).rows[0]!.id;
    statements.clear();
    const walked = await trace(db as unknown as Kysely<LineageDatabase>, cf, { direction: 'down', maxDepth: 1 });
    if (isLeft(walked)) throw new Error(walked.left.message);
    expect(walked.right.edges.map((e) => [e.type, e.from, e.to])).toEqual([
      ['selected-into', cf, versionId(1)],
      ['selected-into', cf, versionId(2)],
    ]);

    const index = await sql<{ def: string }>`select pg_get_indexdef('datasets_members_cf'::regclass) as def`.execute(store.db);
    expect(index.rows[0]!.def).toMatch(/\(cf_id\)$/);
    const step = statements.sent.find((q) => q.sql.includes('"datasets_lineage_selected_into"') && q.sql.includes('union all'));
    expect(step).toBeDefined();
    const plan = await store.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      CompiledQuery.raw(`explain (analyze, format json) ${step!.sql}`, [...step!.parameters]),
    );
    const read = scans(plan.rows[0]!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name'] === T.members);
    expect(read.map((n) => `${n['Node Type']} using ${n['Index Name']}`)).toEqual(['Index Scan using datasets_members_cf']);
    expect(read[0]!['Index Cond']).not.toContain('encode');
    expect(read.reduce((rows, n) => rows + n['Actual Rows'] * n['Actual Loops'], 0)).toBe(2);
  });
});
