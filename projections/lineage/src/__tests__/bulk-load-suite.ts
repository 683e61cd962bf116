// A rebuild from zero loads the lineage tables without the keys and the edges' to-index, and
// builds them at the end (Projection.dropDeferrableIndexes), its rows going in as COPY. The
// specification, on any store: the tables come out as a batch-by-batch apply with every index in
// place would leave them (one batch is no bulk load: its nodes go in by INSERT), the first
// statement of a node still wins, a label COPY must escape comes back as it was, and a runner that
// dies mid-load leaves nothing a restart does not mend.
import { describe, expect, it } from '@jest/globals';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import type { ProjectionStore } from '@cairn/projector';
import { canonicalDump } from '@cairn/projector';
import { createProjectionRunner } from '@cairn/projector';
import { appendRequestFor, envelopeEvent, syntheticLineageLog, testContributorId, testDigest, type TestEnvelope } from '@cairn/projector';
import { lineageProjection } from '../projection.js';

const EVENTS = 120;
/** Every character COPY's text format escapes, and a `\N` that must stay text, not become NULL. */
export const AWKWARD_NAME = 'tab\there\nnew line\r\\N and a back\\slash';

function ok<E, A>(r: Either<E, A>): A {
  if (isLeft(r)) throw new Error(String((r.left as { message?: unknown; _tag?: unknown }).message ?? (r.left as { _tag?: unknown })._tag));
  return r.right;
}

/**
 * The synthetic mix, with its first contributor registered again (renamed) half-way and at the
 * end, and a contributor with an awkward name registered early.
 */
async function testLog(): Promise<{ log: EventLog; contributor: string; awkward: string }> {
  const log = createInMemoryEventLog();
  const synthetic = syntheticLineageLog('bulk');
  const first = synthetic.envelope(0);
  const again = (name: string): TestEnvelope => ({
    type: 'ContributorRegistered',
    payload: { publicKey: testDigest(`bulk-${name}`), name },
    signer: first.signer,
  });
  const awkward = testContributorId('awkward');
  for (let i = 0; i < EVENTS; i++) {
    if (i === 3)
      ok(
        await log.append(
          appendRequestFor(
            envelopeEvent({
              type: 'ContributorRegistered',
              payload: { publicKey: testDigest('awkward'), name: AWKWARD_NAME },
              signer: awkward,
            }),
          ),
        ),
      );
    if (i === EVENTS / 2) ok(await log.append(appendRequestFor(envelopeEvent(again('renamed-mid-log')))));
    ok(await log.append(appendRequestFor(synthetic.event(i))));
  }
  ok(await log.append(appendRequestFor(envelopeEvent(again('renamed-at-the-end')))));
  return { log, contributor: first.signer, awkward };
}

/** A catalog read: any handle on the store will do. */
async function lineageIndexes<TDB>(db: Kysely<TDB>, schema: string): Promise<string[]> {
  const r = await sql<{
    indexname: string;
  }>`select indexname from pg_indexes where schemaname = ${schema} and tablename like 'lineage_%' order by indexname`.execute(db);
  return r.rows.map((row) => row.indexname);
}

const ALL_INDEXES = [
  'lineage_edges_from_position',
  'lineage_edges_to_position',
  'lineage_node_states_pkey',
  'lineage_nodes_contributed_by_position',
  'lineage_nodes_pkey',
];

export interface BulkLoadTarget {
  readonly store: ProjectionStore;
  /** The schema the store's tables are in (what pg_indexes calls it). */
  readonly schema: string;
  /** A second, empty schema for a rebuild to compare with (created by the rebuild). */
  readonly otherSchema: string;
  readonly close: () => Promise<void>;
}

export function bulkLoadSuite(name: string, open: () => Promise<BulkLoadTarget>): void {
  describe(`lineage bulk load (rebuild from zero), ${name}`, () => {
    it('given a log of many batches, when rebuilt from zero in small batches, then the tables equal a one-batch rebuild, the first name wins, an awkward name comes back whole and every index is back', async () => {
      const { log, contributor, awkward } = await testLog();
      const { store, schema, otherSchema, close } = await open();
      try {
        ok(await createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 7 }).rebuild('lineage'));
        ok(
          await createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 10_000 }).rebuild('lineage', {
            schema: otherSchema,
          }),
        );
        expect(await canonicalDump(store.db, lineageProjection)).toBe(
          await canonicalDump(store.db, lineageProjection, { schema: otherSchema }),
        );
        const label = await sql<{ label: string }>`select label from lineage_nodes where node_id = ${contributor}`.execute(store.db);
        expect(label.rows).toEqual([{ label: 'ada' }]);
        const awkwardLabel = await sql<{ label: string }>`select label from lineage_nodes where node_id = ${awkward}`.execute(store.db);
        expect(awkwardLabel.rows).toEqual([{ label: AWKWARD_NAME }]);
        expect(await lineageIndexes(store.db, schema)).toEqual(ALL_INDEXES);
      } finally {
        await close();
      }
    });

    it('given a runner that dies mid-load, when another starts, then it builds the indexes again and catches up to the tables of a clean rebuild', async () => {
      const { log } = await testLog();
      const { store, schema, otherSchema, close } = await open();
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
        let over = false;
        void dying.runOnce().finally(() => (over = true));
        // (A runner that stops before its third commit fails the next line instead of hanging here.)
        while (committed < 3 && !over) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(await lineageIndexes(store.db, schema)).toEqual(['lineage_node_states_pkey']);

        const runner = createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 11 });
        ok(await runner.runOnce());
        expect(await lineageIndexes(store.db, schema)).toEqual(ALL_INDEXES);
        ok(await runner.rebuild('lineage', { schema: otherSchema }));
        expect(await canonicalDump(store.db, lineageProjection)).toBe(
          await canonicalDump(store.db, lineageProjection, { schema: otherSchema }),
        );
      } finally {
        await close();
      }
    });
  });
}
