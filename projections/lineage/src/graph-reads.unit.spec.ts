// How a walk's step reads the edges of a frontier of many nodes: by each node's own index entries,
// so the step touches the frontier's edges and not the store's. Held by the plan Postgres chooses
// (EXPLAIN), not by timing: the projections never ANALYZE their tables, so the planner has no
// statistics and must not be left to guess how many edges a frontier matches.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { nodesByIds, stepEdges } from './graph-reads.js';
import { trace } from './trace.js';
import {
  createLineageEdgesTable,
  createLineageNodesTable,
  LINEAGE_EDGES_TABLE,
  LINEAGE_NODES_TABLE,
  type LineageDatabase,
} from './tables.js';

/** Samples in the store, each contributed-by one of two contributors; the frontier is a few of them. */
const SAMPLES = 4000;
const FRONTIER = 400;
const sampleId = (i: number) => `s${String(i).padStart(6, '0')}`;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Plans?: readonly PlanNode[];
}
const scans = (n: PlanNode): string[] => [
  ...(n['Relation Name'] === undefined ? [] : [`${n['Node Type']} on ${n['Relation Name']}`]),
  ...(n.Plans ?? []).flatMap(scans),
];

describe('a walk step from a frontier of many nodes', () => {
  let dir: string;
  let store: ProjectionStore<LineageDatabase>;
  /** The store's db, keeping each statement it sends as compiled. */
  let db: Kysely<LineageDatabase>;
  const sent: CompiledQuery[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-lineage-step-'));
    store = await openProjectionStore<LineageDatabase>({ dataDir: path.join(dir, 'projections') });
    await createLineageEdgesTable(store.db, LINEAGE_EDGES_TABLE);
    // As a projection writes them: no ANALYZE afterwards.
    await sql`insert into lineage_edges (edge_type, from_id, to_id, event_id, position, recorded_at)
      select 'contributed-by', 's' || lpad(i::text, 6, '0'), 'c' || (i % 2), 'e' || i, i, now() from generate_series(0, ${SAMPLES - 1}) i`.execute(
      store.db,
    );
    await createLineageNodesTable(store.db, LINEAGE_NODES_TABLE);
    await sql`insert into lineage_nodes (node_id, kind, label, event_id, position)
      select 's' || lpad(i::text, 6, '0'), 'sample', 'sample', 'e' || i, i from generate_series(0, ${SAMPLES - 1}) i`.execute(store.db);
    db = store.db.withPlugin({
      transformQuery: (args) => {
        sent.push(store.db.getExecutor().compileQuery(args.node, args.queryId));
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
  });

  afterAll(async () => {
    await store?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** The tables the statement sent for `table` reads, and how (EXPLAIN). */
  const scansOf = async (table: string): Promise<string[]> => {
    const statement = sent.find((q) => q.sql.includes(`"${table}"`) && !q.sql.includes('to_regclass'));
    expect(statement).toBeDefined();
    const plan = await store.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      CompiledQuery.raw(`explain (format json) ${statement!.sql}`, [...statement!.parameters]),
    );
    return scans(plan.rows[0]!['QUERY PLAN'][0]!.Plan);
  };

  it(`given ${SAMPLES} sample nodes, when ${FRONTIER} of them are read, then each is looked up by its key and the node table is not scanned whole`, async () => {
    const ids = Array.from({ length: FRONTIER }, (_, i) => sampleId(i * 7));
    sent.length = 0;
    const nodes = await nodesByIds(db, [...ids, 'absent'], undefined);
    expect([...nodes.keys()].sort()).toEqual(ids);
    const read = await scansOf(LINEAGE_NODES_TABLE);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((s) => s.startsWith('Seq Scan'))).toEqual([]);
  });

  it(`given ${SAMPLES} samples' edges, when a step goes up from ${FRONTIER} of them, then each is looked up in the index and no edge table is scanned whole`, async () => {
    const frontier = Array.from({ length: FRONTIER }, (_, i) => sampleId(i * 7));
    sent.length = 0;
    const edges = await stepEdges(db, { frontier, sign: -1, types: undefined, asOf: undefined, limit: 100 });
    // The first page of the frontier's edges, in position order.
    expect(edges.map((e) => e.from)).toEqual(frontier.slice(0, 100));
    const read = await scansOf(LINEAGE_EDGES_TABLE);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((s) => s.startsWith('Seq Scan'))).toEqual([]);
  });

  it('given a sample and its contributor, when a trace walks both ways from the sample, then which tables exist is asked once per read, not at every step', async () => {
    sent.length = 0;
    const walked = await trace(db, sampleId(0), { direction: 'both' });
    expect(walked._tag).toBe('Right');
    const asked = sent.filter((q) => q.sql.includes('to_regclass')).length;
    const steps = sent.filter((q) => q.sql.includes(`"${LINEAGE_EDGES_TABLE}"`)).length;
    // the root's node read, the walk's edge tables, the nodes' read
    expect(asked).toBe(3);
    // up: to the contributor, then from it (nothing); down: nothing
    expect(steps).toBe(3);
  });
});
