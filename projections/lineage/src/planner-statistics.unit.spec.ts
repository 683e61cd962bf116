// The planner's statistics after a catch-up from zero. An embedded store's Postgres has no
// autovacuum, so the runner gathers them itself (ANALYZE) when a catch-up reshaped the tables;
// without them the planner guesses how many edges a list of ids matches and, for a few dozen ids,
// reads every edge of the store instead of the index. Held by the plan Postgres chooses (EXPLAIN).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft } from 'fp-ts/lib/Either.js';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { appendRequestFor, createProjectionRunner, openProjectionStore, syntheticLineageLog, type ProjectionStore } from '@cairn/projector';
import { edgesTouching } from './graph-reads.js';
import { lineageProjection } from './projection.js';
import { LINEAGE_EDGES_TABLE, type LineageDatabase } from './tables.js';

// Enough that an index read of a few ids beats a scan of lineage_edges: a CF's contributed-by edge
// is kept in its node, so the table holds fewer rows than the log has events.
const EVENTS = 6000;
const IDS = 20;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Plan Rows': number;
  readonly Plans?: readonly PlanNode[];
}
const scans = (n: PlanNode): PlanNode[] => [...(n['Relation Name'] === undefined ? [] : [n]), ...(n.Plans ?? []).flatMap(scans)];

describe('the planner after a catch-up from zero', () => {
  let pglite: PGlite;
  let store: ProjectionStore<LineageDatabase>;
  let db: Kysely<LineageDatabase>;
  const sent: CompiledQuery[] = [];

  beforeAll(async () => {
    const log = createInMemoryEventLog();
    const synthetic = syntheticLineageLog('planner');
    for (let i = 0; i < EVENTS; i++) {
      const appended = await log.append(appendRequestFor(synthetic.event(i)));
      if (isLeft(appended)) throw new Error(appended.left._tag);
    }
    pglite = await PGlite.create();
    store = await openProjectionStore<LineageDatabase>({ pglite });
    const caughtUp = await createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 500 }).runOnce();
    if (isLeft(caughtUp)) throw new Error(caughtUp.left.message);
    db = store.db.withPlugin({
      transformQuery: (args) => {
        sent.push(store.db.getExecutor().compileQuery(args.node, args.queryId));
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await pglite?.close();
  });

  it(`given ${EVENTS} events projected from zero, when the edges into ${IDS} nodes are read, then the planner expects about as many as there are and reads them through the index`, async () => {
    const ids = (
      await sql<{ node_id: string }>`select node_id from lineage_nodes order by node_id limit ${IDS} offset 100`.execute(store.db)
    ).rows.map((r) => r.node_id);
    sent.length = 0;
    const edges = await edgesTouching(db, ids, 'to', undefined);
    expect(edges.length).toBeGreaterThan(0);

    const statement = sent.find((q) => q.sql.includes(`"${LINEAGE_EDGES_TABLE}"`) && !q.sql.includes('to_regclass'));
    expect(statement).toBeDefined();
    const plan = await store.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      CompiledQuery.raw(`explain (format json) ${statement!.sql}`, [...statement!.parameters]),
    );
    const read = scans(plan.rows[0]!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name'] === LINEAGE_EDGES_TABLE);
    expect(read.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    // Without statistics the guess is a fixed share of the table, many times the edges there are.
    expect(read[0]!['Plan Rows']).toBeLessThan(3 * edges.length);
  });
});
