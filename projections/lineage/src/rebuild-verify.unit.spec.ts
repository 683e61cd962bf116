// Rebuild-verify on PGlite: given projections caught up on a log, the live tables match a rebuild
// from zero and the time index answers as the log would; when a row or a time is changed behind
// the runner's back, the verdict names the projection (or the time index) and the first line that
// differs, and never throws.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft } from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import { sql } from 'kysely';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import { appendRequestFor, envelopeEvent, samplePayload, testContributorId, testDigest, type TestEnvelope } from '@cairn/projector';
import { lineageProjection } from './projection.js';
import { LOG_TIMES_TABLE } from '@cairn/projector';
import { createProjectionRunner, type ProjectionRunner } from '@cairn/projector';
import { verifyProjections } from '@cairn/projector';
import { verifyLogTimes, type LogTimeline } from '@cairn/projector';

const alice = testContributorId('alice');
const given: TestEnvelope[] = [
  { type: 'ContributorRegistered', payload: { publicKey: testDigest('alice-key'), name: 'Alice' }, signer: alice },
  ...[1, 2, 3].map((i): TestEnvelope => ({ type: 'SampleContributed', payload: samplePayload(i), signer: alice })),
];

const timelineOf = (events: readonly RecordedEvent[]): LogTimeline => ({
  size: events.length,
  eventAt: (i) => ({ position: events[i]!.position, time: events[i]!.recordedAt.getTime() }),
});

describe.each([
  ['each rebuilt through the live runner', false],
  ['rebuilt together through a runner of its own over the log', true],
] as const)('rebuild-verify (PGlite), %s', (_how, shared) => {
  let store: ProjectionStore;
  let log: EventLog;
  let runner: ProjectionRunner;
  let events: readonly RecordedEvent[];

  beforeEach(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    log = createInMemoryEventLog();
    for (const e of given) {
      const appended = await log.append(appendRequestFor(envelopeEvent(e)));
      if (isLeft(appended)) throw new Error(JSON.stringify(appended.left));
    }
    runner = createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 2 });
    const caughtUp = await runner.runOnce();
    if (isLeft(caughtUp)) throw new Error(caughtUp.left.message);
    const read = await log.readAll({});
    if (isLeft(read)) throw new Error(read.left._tag);
    events = read.right;
  });
  afterEach(async () => {
    await store.close();
    await log.close();
  });
  const verify = () =>
    verifyProjections({
      db: store.db,
      runner,
      projections: [lineageProjection],
      logHead: events.at(-1)!.position,
      leaves: timelineOf(events),
      ...(shared ? { log } : {}),
    });

  it('given projections caught up, then each matches its rebuild and nothing is bad', async () => {
    const v = await verify();
    expect(v.firstBad).toBeNull();
    expect(v.projections).toEqual([
      { name: 'lineage', checkpoint: events.at(-1)!.position.toString(), rows: expect.any(Number), ok: true },
    ]);
    expect(v.projections[0]!.rows).toBeGreaterThan(0);
  });

  it('when a node label is changed behind the runner, then the verdict names lineage and the differing line, live and rebuilt', async () => {
    await sql`update lineage_nodes set label = 'Mallory' where node_id = ${alice}`.execute(store.db);
    const v = await verify();
    expect(v.projections).toEqual([expect.objectContaining({ name: 'lineage', ok: false })]);
    expect(v.firstBad).toMatchObject({ projection: 'lineage', reason: expect.stringContaining('differ from a rebuild') });
    expect(v.firstBad!.live).toContain('Mallory');
    expect(v.firstBad!.rebuilt).toContain('Alice');
  });

  it('when a live table is dropped, then the verdict says the tables cannot be read, without a throw', async () => {
    // cascade: the contributed-by view reads the table
    await sql`drop table lineage_nodes cascade`.execute(store.db);
    const v = await verify();
    expect(v.firstBad).toMatchObject({
      projection: 'lineage',
      reason: expect.stringContaining('cannot be read as the projection made them'),
    });
  });

  it('when the log ends before the checkpoint, then the verdict says events were removed from its tail', async () => {
    const v = await verifyProjections({
      db: store.db,
      runner,
      projections: [lineageProjection],
      logHead: events[0]!.position,
      ...(shared ? { log } : {}),
    });
    expect(v.firstBad).toMatchObject({ projection: 'lineage', reason: expect.stringContaining('events were removed from its tail') });
  });

  it('when a time in the index is moved, then the verdict names the log times, the row and the log’s time', async () => {
    const last = events.at(-1)!;
    await sql`update ${sql.table(LOG_TIMES_TABLE)} set recorded_at = ${new Date(Date.UTC(2001, 0, 1)).toISOString()}::timestamptz where position = ${last.position.toString()}::bigint`.execute(
      store.db,
    );
    const v = await verify();
    expect(v.projections).toEqual([expect.objectContaining({ name: 'lineage', ok: true })]);
    expect(v.firstBad).toMatchObject({ projection: 'log times', rebuilt: last.recordedAt.toISOString() });
    expect(v.firstBad!.reason).toContain(`position ${last.position} was recorded at 2001-01-01T00:00:00.000Z`);
  });

  it('when the row for the last position is deleted, then verifyLogTimes says --as-of that time would answer an earlier position', async () => {
    const last = events.at(-1)!;
    await sql`delete from ${sql.table(LOG_TIMES_TABLE)} where position = ${last.position.toString()}::bigint`.execute(store.db);
    const bad = await verifyLogTimes(store.db, timelineOf(events), last.position);
    expect(bad).toEqual({
      reason: expect.stringContaining(`no row for position ${last.position}`),
      live: null,
      log: last.recordedAt.toISOString(),
    });
    // With nothing applied to check against, only the rows present are judged, and they are right.
    expect(await verifyLogTimes(store.db, timelineOf(events), null)).toBeNull();
  });

  it('when rows name positions 999 and 1000 the log never had, then the first fault named is 999 (positions compare as numbers, not text)', async () => {
    const at = new Date(Date.UTC(2001, 0, 1)).toISOString();
    await sql`insert into ${sql.table(LOG_TIMES_TABLE)} (position, recorded_at) values (1000, ${at}::timestamptz), (999, ${at}::timestamptz)`.execute(
      store.db,
    );
    const bad = await verifyLogTimes(store.db, timelineOf(events), null);
    expect(bad?.reason).toContain('names position 999, where the log has no event');
  });
});
