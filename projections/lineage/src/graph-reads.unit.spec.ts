// How a walk's step reads the edges of a frontier of many nodes: by each node's own index entries,
// so the step touches the frontier's edges and not the store's. Held by the plan Postgres chooses
// (EXPLAIN), not by timing: the projections never ANALYZE their tables, so the planner has no
// statistics and must not be left to guess how many edges a frontier matches.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { openProjectionStore, testContributorId, type ProjectionStore } from '@cairn/projector';
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

/** A signer's CFs, their contributed-by edges kept in the nodes (lineage_contributed_by). */
const HUB_CFS = 20_000;
const PAGE = 64;
const HUB = testContributorId('hub');

interface AnalyzedNode extends PlanNode {
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Actual Rows'?: number;
  readonly Plans?: readonly AnalyzedNode[];
}
const nodesOf = (n: AnalyzedNode): AnalyzedNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

describe('a walk step over contributed-by edges kept in their nodes', () => {
  let dir: string;
  let store: ProjectionStore<LineageDatabase>;
  let db: Kysely<LineageDatabase>;
  const sent: CompiledQuery[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-lineage-hub-'));
    store = await openProjectionStore<LineageDatabase>({ dataDir: path.join(dir, 'projections') });
    await createLineageNodesTable(store.db, LINEAGE_NODES_TABLE);
    // As a projection writes them: no ANALYZE afterwards. Every CF is the one signer's.
    await sql`insert into lineage_nodes (node_id, kind, label, event_id, position, contributed_by, recorded_at)
      select 's' || lpad(i::text, 6, '0'), 'sample', 'sample', null, i, decode(${HUB}, 'hex'), now() from generate_series(0, ${HUB_CFS - 1}) i`.execute(
      store.db,
    );
    // As the runner does after a catch-up (and autovacuum on a server): with no statistics at all
    // the planner guesses a hub has a few dozen edges and sorts them rather than read them in order.
    await sql`analyze lineage_nodes`.execute(store.db);
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
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** The plan nodes of the step's statement, as run (EXPLAIN ANALYZE: how many rows each read). */
  const planOfStep = async (): Promise<AnalyzedNode[]> => {
    const statement = sent.find((q) => q.sql.includes('"lineage_contributed_by"') && !q.sql.includes('to_regclass'));
    expect(statement).toBeDefined();
    const plan = await store.db.executeQuery<{ 'QUERY PLAN': { Plan: AnalyzedNode }[] }>(
      CompiledQuery.raw(`explain (analyze, format json) ${statement!.sql}`, [...statement!.parameters]),
    );
    return nodesOf(plan.rows[0]!['QUERY PLAN'][0]!.Plan);
  };

  it(`given a signer of ${HUB_CFS} CFs, when a page of its edges is read down, then the page comes from the contributed-by index on the signer's bytes in position order and reads about a page of them, not all`, async () => {
    sent.length = 0;
    const first = await stepEdges(db, { frontier: [HUB], sign: 1, types: undefined, asOf: undefined, limit: PAGE });
    expect(first.map((e) => [e.from, e.to])).toEqual(Array.from({ length: PAGE }, (_, i) => [sampleId(i), HUB]));
    const plan = await planOfStep();
    const read = plan.filter((n) => n['Relation Name'] === LINEAGE_NODES_TABLE);
    expect(read.map((n) => `${n['Node Type']} using ${n['Index Name']}`)).toEqual([
      'Index Scan using lineage_nodes_contributed_by_position',
    ]);
    // the index is sought by the signer's bytes, not by an expression over them
    expect(read[0]!['Index Cond']).toMatch(/^\(contributed_by = /);
    expect(read[0]!['Index Cond']).not.toContain('encode');
    expect(read[0]!['Actual Rows']).toBeLessThanOrEqual(2 * PAGE);
    // no sort takes in every edge of the hub: what is sorted is at most the page
    for (const sort of plan.filter((n) => n['Node Type'] === 'Sort')) expect(sort['Actual Rows']).toBeLessThanOrEqual(2 * PAGE);

    sent.length = 0;
    const second = await stepEdges(db, {
      frontier: [HUB],
      sign: 1,
      types: undefined,
      asOf: undefined,
      limit: PAGE,
      after: first.at(-1)!,
    });
    expect(second.map((e) => e.from)).toEqual(Array.from({ length: PAGE }, (_, i) => sampleId(PAGE + i)));
    const next = (await planOfStep()).filter((n) => n['Relation Name'] === LINEAGE_NODES_TABLE);
    expect(next.map((n) => n['Node Type'])).toEqual(['Index Scan']);
    expect(next[0]!['Actual Rows']).toBeLessThanOrEqual(2 * PAGE);
  });

  it(`given a signer of ${HUB_CFS} CFs, when a step goes down from it and from ids that are no id (uppercase, not hex, with a NUL), then those match nothing and the page is the signer's alone`, async () => {
    const frontier = [HUB.toUpperCase(), HUB, `${HUB.slice(0, 63)}g`, `${HUB}\u0000`, 'hub'];
    const page = await stepEdges(db, { frontier, sign: 1, types: undefined, asOf: undefined, limit: PAGE });
    expect(page.map((e) => [e.from, e.to])).toEqual(Array.from({ length: PAGE }, (_, i) => [sampleId(i), HUB]));
    expect(page).toEqual(await stepEdges(db, { frontier: [HUB], sign: 1, types: undefined, asOf: undefined, limit: PAGE }));
    for (const bad of frontier.filter((id) => id !== HUB))
      expect(await stepEdges(db, { frontier: [bad], sign: 1, types: undefined, asOf: undefined, limit: PAGE })).toEqual([]);
  });

  it(`given ${HUB_CFS} CFs, when a step goes up from ${FRONTIER} of them, then each one's edge is looked up by the nodes' key`, async () => {
    const frontier = Array.from({ length: FRONTIER }, (_, i) => sampleId(i * 7));
    sent.length = 0;
    const edges = await stepEdges(db, { frontier, sign: -1, types: undefined, asOf: undefined, limit: 100 });
    expect(edges.map((e) => [e.from, e.to])).toEqual(frontier.slice(0, 100).map((id) => [id, HUB]));
    const read = (await planOfStep()).filter((n) => n['Relation Name'] === LINEAGE_NODES_TABLE);
    expect(read.length).toBeGreaterThan(0);
    expect(new Set(read.map((n) => n['Index Name']))).toEqual(new Set(['lineage_nodes_pkey']));
  });
});
