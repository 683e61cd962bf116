// Cairn hardening #13, item 3: one event the projections cannot apply (a NUL an older writer let
// into the log) made every catch-up fail, forever. Now such an event is recorded as failed with
// its reason, in the transaction that moves the checkpoint past it, and the runner goes on; a
// failure that is not the event's own (a dropped connection) still stops the batch, recording nothing.
import { describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { right, isLeft, isRight } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { createInMemoryEventLog, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import type { CairnEvent } from '@cairn/schemas';
import { createAttributionProjection } from './projection.js';
import { cfFactsFromLog } from './cf-facts.js';
import { createInMemoryArtifactStore } from './artifact-store.js';
import { contentIdOf } from '@cairn/assembly';
import { LiveIndexes } from '@cairn/datasets';
import { createDatasetsProjection } from '@cairn/datasets';
import { lineageProjection } from '@cairn/lineage';
import { canonicalDump } from '@cairn/projector';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { envelopeEvent, testContributorId, type TestEnvelope } from '@cairn/projector';
import { labelPayload, samplePayload, testDigest } from '@cairn/projector';
import { appendRequestFor } from '@cairn/projector';
import type { EventDecoder } from '@cairn/projector';
import type { Projection } from '@cairn/projector';
import { createProjectionRunner, type ProjectionRunnerOptions } from '@cairn/projector';

const alice = testContributorId('alice');
const NUL = '\u0000';

const registered: TestEnvelope = {
  type: 'ContributorRegistered',
  payload: { publicKey: testDigest('alice-key'), name: 'alice' },
  signer: alice,
};
const sample = (seed: string, extra: Parameters<typeof samplePayload>[1] = {}): TestEnvelope => ({
  type: 'SampleContributed',
  payload: samplePayload(seed, extra),
  signer: alice,
});

/** What an older build decoded: anything shaped like an envelope (it let NULs through). */
const olderDecoder: EventDecoder = (data) => right(data as CairnEvent);

const projectionsFor = (log: EventLog): Projection[] => [
  lineageProjection,
  createDatasetsProjection({ liveIndexes: new LiveIndexes() }),
  createAttributionProjection({ artifacts: createInMemoryArtifactStore(), cfFacts: cfFactsFromLog(log) }),
];

interface World {
  readonly log: EventLog;
  readonly store: ProjectionStore;
  readonly projections: readonly Projection[];
  readonly recorded: readonly RecordedEvent[];
  runner(options?: Partial<ProjectionRunnerOptions>): ReturnType<typeof createProjectionRunner>;
  close(): Promise<void>;
}

/** The envelopes, appended straight to a log (no SDK, no rules: as an older writer left them). */
async function worldOf(envelopes: readonly TestEnvelope[]): Promise<World> {
  const log = createInMemoryEventLog();
  for (const e of envelopes) {
    const appended = await log.append(appendRequestFor(envelopeEvent(e)));
    if (isLeft(appended)) throw new Error(`append ${e.type}: ${JSON.stringify(appended.left)}`);
  }
  const read = await log.readAll({});
  if (isLeft(read)) throw new Error('read');
  const store = await openProjectionStore({ pglite: await PGlite.create() });
  const projections = projectionsFor(log);
  return {
    log,
    store,
    projections,
    recorded: read.right,
    runner: (options = {}) => createProjectionRunner({ log, store, projections, batchSize: 100, ...options }),
    close: async () => {
      await store.close();
      await log.close();
    },
  };
}

const nodeIds = async (w: World) =>
  (await sql<{ node_id: string }>`select node_id from lineage_nodes order by node_id`.execute(w.store.db)).rows.map((r) => r.node_id);

describe('hardening: an event the projections cannot apply never stops them', () => {
  it('given a sample whose source holds a NUL, appended straight to the log, when the runner catches up, then every projection reaches the head, records that event as failed naming the field, and applies the events around it', async () => {
    const w = await worldOf([registered, sample('1'), sample('2', { source: `web${NUL}` }), sample('3')]);
    try {
      const runner = w.runner({ batchSize: 3 });
      const first = await runner.runOnce();
      if (isLeft(first)) throw new Error(`the runner stopped: ${first.left.message}`);
      expect(first.right.map((r) => [r.projection, r.failed])).toEqual([
        ['lineage', 1],
        ['datasets', 1],
        ['attribution', 1],
      ]);
      const bad = w.recorded[2]!;
      const status = await runner.status();
      if (isLeft(status)) throw new Error(status.left.message);
      for (const p of status.right.projections) {
        expect([p.name, p.caughtUp, p.checkpoint, p.failedEvents]).toEqual([p.name, true, w.recorded[3]!.position, 1]);
        expect(p.firstFailure).toMatchObject({
          projection: p.name,
          position: bad.position,
          eventId: bad.id,
          eventType: 'SampleContributed',
        });
        expect(p.firstFailure?.reason).toMatch(
          /^does not decode: SampleContributed\.payload\.source: expected text without U\+0000 \(NUL\)/,
        );
      }
      expect(await nodeIds(w)).toEqual(expect.arrayContaining([w.recorded[1]!.id, w.recorded[3]!.id]));
      expect(await nodeIds(w)).not.toContain(bad.id);
      const again = await runner.runOnce();
      expect(isRight(again) && again.right.map((r) => r.events)).toEqual([0, 0, 0]);
    } finally {
      await w.close();
    }
  });

  it("given an older build's decoder that lets NULs through, when a batch holding them is applied, then each database refusal is recorded against its own event with its SQLSTATE and the rest of the batch is applied", async () => {
    const w = await worldOf([
      registered,
      sample('1'),
      sample('2', { source: `web${NUL}` }),
      sample('3'),
      {
        type: 'AssetAssembled',
        payload: {
          name: 'set',
          members: [envelopeEvent(sample('1')).id],
          transformations: [{ kind: 'filter', params: { by: `x${NUL}` } }],
        },
        signer: alice,
      },
      { type: 'LabelContributed', payload: labelPayload([envelopeEvent(sample('3')).id], 'cat'), signer: alice },
    ]);
    try {
      const runner = w.runner({ decode: olderDecoder });
      const result = await runner.runOnce();
      if (isLeft(result)) throw new Error(`the runner stopped: ${result.left.message}`);
      const failures = async (name: string) => {
        const f = await runner.failures(name);
        return isLeft(f) ? [] : f.right.map((x) => [x.position, x.reason.match(/SQLSTATE \w+/)?.[0]]);
      };
      const [badSample, asset] = [w.recorded[2]!.position, w.recorded[4]!.position];
      expect(await failures('lineage')).toEqual([[badSample, 'SQLSTATE 22021']]);
      expect(await failures('datasets')).toEqual([
        [badSample, 'SQLSTATE 22021'],
        [asset, 'SQLSTATE 22P05'],
      ]);
      // attribution keeps no copy of samples (it reads a run's CFs from the log), so it has nothing to refuse
      expect(await failures('attribution')).toEqual([]);
      const labels = await sql<{ n: number }>`select count(*)::int as n from attribution_labels`.execute(w.store.db);
      expect(labels.rows[0]?.n).toBe(1);
      expect(await nodeIds(w)).toEqual(expect.arrayContaining([w.recorded[3]!.id, w.recorded[4]!.id, w.recorded[5]!.id]));
    } finally {
      await w.close();
    }
  });

  it("given a failure that is not the event's own (the connection drops mid-batch), when the runner catches up, then it stops without recording anything, and the next catch-up applies every event", async () => {
    const w = await worldOf([registered, sample('1'), sample('2')]);
    try {
      let drops = 0;
      const runner = w.runner({
        atStep: (step) => {
          if (step === 'applied' && drops++ === 0)
            throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        },
      });
      const failed = await runner.runOnce();
      expect(isLeft(failed) && failed.left._tag).toBe('ProjectionFailed');
      const none = await runner.failures('lineage');
      expect(isRight(none) && none.right).toEqual([]);
      const retried = await runner.runOnce();
      expect(isRight(retried) && retried.right.map((r) => r.failed)).toEqual([0, 0, 0]);
      expect(await nodeIds(w)).toHaveLength(3);
    } finally {
      await w.close();
    }
  });

  it("given a build that names a manifest the log never defined, when datasets applies it, then the handler's reason is recorded and a later build is cut", async () => {
    const manifest = {
      candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
      minApprovals: { count: 0, scope: 'either' },
      minAgreement: 0,
      scoreThreshold: 0.5,
      labels: { required: [] },
      licensePolicy: { allowed: ['MIT'] },
      dedup: 'none',
      excludeDeprecated: true,
    };
    const w = await worldOf([
      registered,
      sample('1'),
      { type: 'DatasetDefined', payload: { name: 'cats' }, signer: alice },
      { type: 'DatasetBuildRequested', payload: { dataset: 'cats', manifestId: 'f'.repeat(64) }, signer: alice },
      { type: 'ManifestDefined', payload: { manifest }, signer: alice },
      {
        type: 'DatasetBuildRequested',
        payload: { dataset: 'cats', manifestId: contentIdOf('manifest', manifest as never) },
        signer: alice,
      },
    ]);
    try {
      const runner = w.runner();
      expect(isRight(await runner.runOnce())).toBe(true);
      const failures = await runner.failures('datasets');
      expect(isRight(failures) && failures.right.map((f) => [f.position, f.eventType, f.reason])).toEqual([
        [
          w.recorded[3]!.position,
          'DatasetBuildRequested',
          `DatasetBuildRequested ${w.recorded[3]!.id} names manifest ${'f'.repeat(64)}, which the log never defined`,
        ],
      ]);
      const builds = await sql<{ n: number }>`select count(*)::int as n from datasets_builds`.execute(w.store.db);
      expect(builds.rows[0]?.n).toBe(1);
    } finally {
      await w.close();
    }
  });

  it('given events recorded as failed, when each projection is rebuilt with other batch sizes, then the tables and the failure records dump byte-identical, and a rebuild in place records each failure once', async () => {
    const w = await worldOf([
      registered,
      ...Array.from({ length: 12 }, (_, i) =>
        sample(String(i), i % 4 === 1 ? { source: `s${NUL}${i}` } : i % 5 === 2 ? { attributes: { k: [`v${NUL}`] } } : {}),
      ),
      // what attribution refuses: it keeps labels, not samples
      { type: 'LabelContributed', payload: labelPayload([envelopeEvent(sample('0')).id], 'cat', { labelType: `c${NUL}` }), signer: alice },
    ]);
    try {
      const live = w.runner({ batchSize: 3, decode: olderDecoder });
      expect(isRight(await live.runOnce())).toBe(true);
      for (const [i, batchSize] of [1, 1000].entries()) {
        const other = w.runner({ batchSize, decode: olderDecoder });
        for (const projection of w.projections) {
          const schema = `poison_rebuild_${i}`;
          const rebuilt = await other.rebuild(projection.name, { schema });
          if (isLeft(rebuilt)) throw new Error(rebuilt.left.message);
          const liveDump = await canonicalDump(w.store.db, projection);
          expect(liveDump).toContain('cairn_projection_failures');
          expect(await canonicalDump(w.store.db, projection, { schema })).toBe(liveDump);
        }
      }
      const before = await live.status();
      expect(isRight(await live.rebuild('lineage'))).toBe(true);
      const after = await live.status();
      const counts = (s: typeof before) => (isRight(s) ? s.right.projections.map((p) => p.failedEvents) : []);
      expect(counts(after)).toEqual(counts(before));
      expect(counts(after)[0]).toBe(4); // lineage: the three sources holding a NUL and the label type
    } finally {
      await w.close();
    }
  });
});
