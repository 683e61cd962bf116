// A node's contributed-by edge, stated by the node's own event, is kept in the node's row
// (lineage_nodes.contributed_by), not as a lineage_edges row of its own; the graph's answers are
// the same as when it was an edge row.
import { afterEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { createInMemoryEventLog, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import {
  appendRequestFor,
  canonicalDump,
  createProjectionRunner,
  envelopeEvent,
  openProjectionStore,
  samplePayload,
  testContributorId,
  testDigest,
  type ProjectionStore,
  type TestEnvelope,
} from '@cairn/projector';
import { edgesTouching, hasEdges, nodesByIds, stepEdges } from './graph-reads.js';
import { history } from './history.js';
import { lineageProjection } from './projection.js';
import type { LineageDatabase, LineageEdge } from './tables.js';
import { trace } from './trace.js';

const alice = testContributorId('alice');
const bob = testContributorId('bob');

function ok<E, A>(r: Either<E, A>): A {
  if (isLeft(r)) throw new Error(String((r.left as { message?: unknown; _tag?: unknown }).message ?? (r.left as { _tag?: unknown })._tag));
  return r.right;
}

const register = (signer: string, name: string): TestEnvelope => ({
  type: 'ContributorRegistered',
  payload: { publicKey: testDigest(`${name}-key`), name },
  signer,
});
const sample = (seed: string, signer = alice): TestEnvelope => ({ type: 'SampleContributed', payload: samplePayload(seed), signer });
const trainingRun = (codeVersion: string, signer: string): TestEnvelope => ({
  type: 'TrainingRunRecorded',
  payload: {
    runId: 'run-1',
    dataset: { name: 'cats', versionId: testDigest('cats-version-1') },
    codeVersion,
    seeds: { data: 1 },
    hyperparameters: { lr: 0.1 },
    environment: { torch: '2.3.0' },
    modelHash: testDigest(`model-${codeVersion}`),
  },
  signer,
});

const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function logOf(envelopes: readonly TestEnvelope[]): Promise<{ log: EventLog; events: RecordedEvent[] }> {
  const log = createInMemoryEventLog();
  for (const e of envelopes) ok(await log.append(appendRequestFor(envelopeEvent(e))));
  const events = ok(await log.readAll());
  return { log, events: [...events] };
}

async function openStore(): Promise<ProjectionStore<LineageDatabase>> {
  const pglite = await PGlite.create();
  const store = await openProjectionStore<LineageDatabase>({ pglite });
  opened.push(pglite, store);
  return store;
}

const contributedBy = (e: RecordedEvent, signer: string, from: string = e.id): LineageEdge => ({
  type: 'contributed-by',
  from,
  to: signer,
  eventId: e.id,
  position: e.position,
  recordedAt: e.recordedAt,
});

async function edgeRows(store: ProjectionStore<LineageDatabase>): Promise<string[][]> {
  const r = await sql<{ from_id: string; to_id: string }>`select from_id, to_id from lineage_edges
    where edge_type = 'contributed-by' order by position`.execute(store.db);
  return r.rows.map((row) => [row.from_id, row.to_id]);
}

describe('contributed-by edges kept in their nodes', () => {
  it('given samples by one signer, projected a few at a time, then no edge row repeats their contributed-by edges, and the signer’s edges come a page at a time in position order, each with its event, position and time', async () => {
    const { log, events } = await logOf([register(alice, 'alice'), ...Array.from({ length: 9 }, (_, i) => sample(`one-signer-${i}`))]);
    const store = await openStore();
    ok(await createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 2 }).runOnce());
    const expected = events.slice(1).map((e) => contributedBy(e, alice));

    expect(await edgeRows(store)).toEqual([]);
    expect(ok(await trace(store.db, alice, { direction: 'down' })).edges).toEqual(expected);
    expect(ok(await trace(store.db, alice, { direction: 'down', maxNodes: 4 })).edges).toEqual(expected.slice(0, 3));
    expect(ok(await trace(store.db, events[5]!.id, { direction: 'up' })).edges).toEqual([expected[4]]);
    const pages: LineageEdge[][] = [];
    let after: LineageEdge | undefined;
    for (;;) {
      const page = await stepEdges(store.db, {
        frontier: [alice],
        sign: 1,
        types: undefined,
        asOf: undefined,
        limit: 4,
        ...(after ? { after } : {}),
      });
      if (page.length === 0) break;
      pages.push(page);
      after = page.at(-1);
    }
    expect(pages).toEqual([expected.slice(0, 4), expected.slice(4, 8), expected.slice(8)]);
    // as of a position, only the edges stated by then
    expect(ok(await trace(store.db, alice, { direction: 'down', asOf: events[3]!.position })).edges).toEqual(expected.slice(0, 3));
  });

  it('given a training run recorded again under its run id, when projected live and when rebuilt from zero, then the node keeps the first statement, the second one’s contributed-by edge is an edge row, and both answer alike', async () => {
    const { log } = await logOf([register(alice, 'alice'), register(bob, 'bob'), trainingRun('git:abc', bob)]);
    const live = await openStore();
    ok(await createProjectionRunner({ log, store: live, projections: [lineageProjection] }).runOnce());
    // applied live, not as a bulk load: the second statement meets the key (insertLineageNodeRows)
    ok(await log.append(appendRequestFor(envelopeEvent(trainingRun('git:def', alice)))));
    ok(await createProjectionRunner({ log, store: live, projections: [lineageProjection] }).runOnce());
    const events = ok(await log.readAll());
    // a bulk load, one event a batch: the key's build at the end moves it (createLineageNodesTable)
    const rebuilt = await openStore();
    ok(await createProjectionRunner({ log, store: rebuilt, projections: [lineageProjection], batchSize: 1 }).rebuild('lineage'));
    // both in one batch: the batch folds only the first statement's edge (foldContributedBy)
    const oneBatch = await openStore();
    ok(await createProjectionRunner({ log, store: oneBatch, projections: [lineageProjection], batchSize: 100 }).rebuild('lineage'));

    for (const store of [live, rebuilt, oneBatch]) {
      expect(await edgeRows(store)).toEqual([['run-1', alice]]);
      const up = ok(await trace(store.db, 'run-1', { direction: 'up', edgeTypes: ['contributed-by'] }));
      expect(up.edges).toEqual([contributedBy(events[2]!, bob, 'run-1'), contributedBy(events[3]!, alice, 'run-1')]);
    }
    const dump = await canonicalDump(live.db, lineageProjection);
    expect(await canonicalDump(rebuilt.db, lineageProjection)).toBe(dump);
    expect(await canonicalDump(oneBatch.db, lineageProjection)).toBe(dump);
  });

  it('given a store projected by version 3 (every contributed-by edge an edge row), when the runner opens it, then the projection is rebuilt with the edges in the nodes', async () => {
    const { log, events } = await logOf([register(alice, 'alice'), sample('v3-0'), sample('v3-1')]);
    const store = await openStore();
    ok(await createProjectionRunner({ log, store, projections: [lineageProjection] }).runOnce());
    // the shape version 3 left: no contributed-by columns on the nodes, the edges as rows
    await sql`drop view lineage_contributed_by`.execute(store.db);
    await sql`alter table lineage_nodes drop column contributed_by, drop column recorded_at`.execute(store.db);
    await sql`insert into lineage_edges (edge_type, from_id, to_id, event_id, position, recorded_at)
      values ('contributed-by', ${events[1]!.id}, ${alice}, null, ${events[1]!.position.toString()}, now())`.execute(store.db);
    await sql`update cairn_projection_checkpoints set version = 3 where name = 'lineage'`.execute(store.db);

    ok(await createProjectionRunner({ log, store, projections: [lineageProjection] }).runOnce());
    expect(await edgeRows(store)).toEqual([]);
    expect(ok(await trace(store.db, alice, { direction: 'down' })).edges).toEqual(events.slice(1).map((e) => contributedBy(e, alice)));
  });

  it('given samples by one signer, then lineage_nodes keeps the signer as its 32 bytes, and its contributed-by index is on those bytes then the position', async () => {
    const { log } = await logOf([register(alice, 'alice'), sample('bytes-0'), sample('bytes-1')]);
    const store = await openStore();
    ok(await createProjectionRunner({ log, store, projections: [lineageProjection] }).runOnce());
    const column = await sql<{ data_type: string }>`select data_type from information_schema.columns
      where table_name = 'lineage_nodes' and column_name = 'contributed_by'`.execute(store.db);
    expect(column.rows).toEqual([{ data_type: 'bytea' }]);
    const kept = await sql<{ n: number; hex: string }>`select octet_length(contributed_by) as n, encode(contributed_by, 'hex') as hex
      from lineage_nodes where contributed_by is not null`.execute(store.db);
    expect(kept.rows).toEqual([
      { n: 32, hex: alice },
      { n: 32, hex: alice },
    ]);
    const index = await sql<{ def: string }>`select pg_get_indexdef('lineage_nodes_contributed_by_position'::regclass) as def`.execute(
      store.db,
    );
    expect(index.rows[0]!.def).toMatch(/\(contributed_by, "?position"?\)/);
  });

  it('given a store projected by version 4 (the signer kept as hex text), when the runner opens it, then the projection is rebuilt with the signer as bytes and the answers are the same', async () => {
    const { log, events } = await logOf([
      register(alice, 'alice'),
      register(bob, 'bob'),
      sample('v4-0'),
      sample('v4-1', bob),
      sample('v4-2'),
    ]);
    const store = await openStore();
    ok(await createProjectionRunner({ log, store, projections: [lineageProjection] }).runOnce());
    const before = [ok(await trace(store.db, alice, { direction: 'down' })), ok(await trace(store.db, events[3]!.id, { direction: 'up' }))];
    // the shape version 4 left: the signer as its hex text, in the column, the index and the view
    await sql`drop view lineage_contributed_by`.execute(store.db);
    await sql`alter table lineage_nodes alter column contributed_by type text using encode(contributed_by, 'hex')`.execute(store.db);
    await sql`create view lineage_contributed_by as select 'contributed-by'::text as edge_type, node_id as from_id,
      contributed_by as to_id, event_id, position, recorded_at from lineage_nodes where contributed_by is not null`.execute(store.db);
    await sql`update cairn_projection_checkpoints set version = 4 where name = 'lineage'`.execute(store.db);

    ok(await createProjectionRunner({ log, store, projections: [lineageProjection] }).runOnce());
    const column = await sql<{ data_type: string }>`select data_type from information_schema.columns
      where table_name = 'lineage_nodes' and column_name = 'contributed_by'`.execute(store.db);
    expect(column.rows).toEqual([{ data_type: 'bytea' }]);
    expect([
      ok(await trace(store.db, alice, { direction: 'down' })),
      ok(await trace(store.db, events[3]!.id, { direction: 'up' })),
    ]).toEqual(before);
    expect(before[0]!.edges).toEqual([contributedBy(events[2]!, alice), contributedBy(events[4]!, alice)]);
  });

  it('given samples by one signer, when an id that is the signer uppercased, not hex, too short, or holding a NUL is asked for, then it matches nothing and no read throws', async () => {
    const { log } = await logOf([register(alice, 'alice'), sample('bad-0'), sample('bad-1')]);
    const store = await openStore();
    ok(await createProjectionRunner({ log, store, projections: [lineageProjection] }).runOnce());
    const bad = [alice.toUpperCase(), `${alice.slice(0, 63)}g`, alice.slice(0, 62), `${alice.slice(0, 63)}\u0000`, `${alice}\u0000`, ''];
    for (const id of bad) {
      const traced = await trace(store.db, id, { direction: 'both' });
      expect(isLeft(traced) && traced.left._tag).toBe('NodeNotFound');
      const asked = await history(store.db, id);
      expect(isLeft(asked) && asked.left._tag).toBe('NodeNotFound');
      expect(await hasEdges(store.db, id, undefined)).toBe(false);
      expect((await nodesByIds(store.db, [id], undefined)).size).toBe(0);
      for (const sign of [1, -1] as const)
        expect(await stepEdges(store.db, { frontier: [id], sign, types: undefined, asOf: undefined, limit: 10 })).toEqual([]);
    }
    expect(await edgesTouching(store.db, bad, 'either', undefined)).toEqual([]);
    expect(await stepEdges(store.db, { frontier: bad, sign: 1, types: undefined, asOf: undefined })).toEqual([]);
    // the signer itself, among them, still finds its edges
    expect(await edgesTouching(store.db, [...bad, alice], 'to', undefined)).toHaveLength(2);
  });
});
