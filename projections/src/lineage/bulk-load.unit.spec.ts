// A rebuild from zero loads the lineage tables without the keys and the edges' to-index, and
// builds them at the end (Projection.dropDeferrableIndexes). The specification: the tables come out
// as a batch-by-batch apply with every index in place would leave them, the first statement of a
// node still wins, and a runner that dies mid-load leaves nothing a restart does not mend.
import { describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import { openProjectionStore } from '../storage/store.js';
import { canonicalDump } from '../storage/canonical-dump.js';
import { createProjectionRunner } from '../runner/runner.js';
import type { AnyDB } from '../runner/projection.js';
import { appendRequestFor, envelopeEvent, syntheticLineageLog, testDigest, type TestEnvelope } from '../testing/index.js';
import { lineageProjection } from './projection.js';

const EVENTS = 120;

function ok<E, A>(r: Either<E, A>): A {
  if (isLeft(r)) throw new Error(String((r.left as { message?: unknown; _tag?: unknown }).message ?? (r.left as { _tag?: unknown })._tag));
  return r.right;
}

/** The synthetic mix, with its first contributor registered again (renamed) half-way and at the end. */
async function logWithReRegistrations(): Promise<{ log: EventLog; contributor: string }> {
  const log = createInMemoryEventLog();
  const synthetic = syntheticLineageLog('bulk');
  const first = synthetic.envelope(0);
  const again = (name: string): TestEnvelope => ({ type: 'ContributorRegistered', payload: { publicKey: testDigest(`bulk-${name}`), name }, signer: first.signer });
  for (let i = 0; i < EVENTS; i++) {
    if (i === EVENTS / 2) ok(await log.append(appendRequestFor(envelopeEvent(again('renamed-mid-log')))));
    ok(await log.append(appendRequestFor(synthetic.event(i))));
  }
  ok(await log.append(appendRequestFor(envelopeEvent(again('renamed-at-the-end')))));
  return { log, contributor: first.signer };
}

async function lineageIndexes(db: Kysely<AnyDB>, schema = 'public'): Promise<string[]> {
  const r = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = ${schema} and tablename like 'lineage_%' order by indexname`.execute(db);
  return r.rows.map((row) => row.indexname);
}

const ALL_INDEXES = ['lineage_edges_pkey', 'lineage_edges_to', 'lineage_node_states_pkey', 'lineage_nodes_pkey'];

describe('lineage bulk load (rebuild from zero)', () => {
  it('given a log of many batches, when rebuilt from zero in small batches, then the tables equal a one-batch rebuild, the first name wins and every index is back', async () => {
    const { log, contributor } = await logWithReRegistrations();
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    try {
      ok(await createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 7 }).rebuild('lineage'));
      ok(await createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 10_000 }).rebuild('lineage', { schema: 'one_batch' }));
      expect(await canonicalDump(store.db, lineageProjection)).toBe(await canonicalDump(store.db, lineageProjection, { schema: 'one_batch' }));
      const label = await sql<{ label: string }>`select label from lineage_nodes where node_id = ${contributor}`.execute(store.db);
      expect(label.rows).toEqual([{ label: 'ada' }]);
      expect(await lineageIndexes(store.db)).toEqual(ALL_INDEXES);
    } finally {
      await store.close();
    }
  });

  it('given a runner that dies mid-load, when another starts, then it builds the indexes again and catches up to the tables of a clean rebuild', async () => {
    const { log } = await logWithReRegistrations();
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    try {
      let committed = 0;
      // Hangs forever after the third commit: as dead as a SIGKILL, without its finally blocks.
      const dying = createProjectionRunner({
        log,
        store,
        projections: [lineageProjection],
        batchSize: 9,
        atStep: (step) => (step === 'committed' && ++committed === 3 ? new Promise<void>(() => undefined) : undefined),
      });
      void dying.runOnce();
      while (committed < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await lineageIndexes(store.db)).toEqual(['lineage_node_states_pkey']);

      const runner = createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 11 });
      ok(await runner.runOnce());
      expect(await lineageIndexes(store.db)).toEqual(ALL_INDEXES);
      ok(await runner.rebuild('lineage', { schema: 'clean' }));
      expect(await canonicalDump(store.db, lineageProjection)).toBe(await canonicalDump(store.db, lineageProjection, { schema: 'clean' }));
    } finally {
      await store.close();
    }
  });
});
