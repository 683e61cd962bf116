// verifyProjections over several projections rebuilt together: a projection whose scratch rebuild
// fails gets that failure as its verdict, while the projections before it are still rebuilt (again,
// without it) and compared, as if each had been rebuilt alone.
import { describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { createInMemoryEventLog, ExpectedRevision } from '@cairn/eventlog';
import { sql } from 'kysely';
import { openProjectionStore } from '../storage/store.js';
import { envelopeEvent, testContributorId } from '../testing/envelopes.js';
import { samplePayload } from '../testing/payloads.js';
import { createProjectionRunner } from './runner.js';
import type { Projection } from './projection.js';
import { verifyProjections } from './rebuild-verify.js';
import type { LogTimeline } from './verify-log-times.js';

const alice = testContributorId('alice');

/** A projection keeping every event's position and id in `<name>_events`. */
const seenAs = (name: string, onMigrate: (schema: string) => void = () => undefined): Projection => ({
  name,
  version: 1,
  tables: [`${name}_events`],
  migrate: async (db) => {
    onMigrate((await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s);
    await sql`create table if not exists ${sql.table(`${name}_events`)} (position bigint primary key, id text not null)`.execute(db);
  },
  apply: async (tx, events) => {
    await sql`insert into ${sql.table(`${name}_events`)} (position, id) select * from unnest(${events.map((e) => e.position.toString())}::bigint[], ${events.map((e) => e.id)}::text[])`.execute(
      tx,
    );
  },
});

/** A log of `events` samples, and one projection `p1` caught up to its head in batches of `batchSize`. */
async function caughtUp(events: number, batchSize: number) {
  const log = createInMemoryEventLog();
  for (let i = 0; i < events; i++) {
    const event = envelopeEvent({ type: 'SampleContributed', payload: samplePayload(i), signer: alice });
    const r = await log.append({ stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream });
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
  }
  const store = await openProjectionStore({ pglite: await PGlite.create() });
  const projections = [seenAs('p1')];
  const runner = createProjectionRunner({ log, store, projections, batchSize });
  if ((await runner.runOnce())._tag === 'Left') throw new Error('live catch-up');
  const head = await log.head();
  if (head._tag === 'Left') throw new Error('head');
  return { log, store, projections, runner, head: head.right };
}

describe('verifyProjections, projections rebuilt together', () => {
  it('given the second of three projections cannot be made in a scratch schema, when verified, then the first is identical, the second’s verdict is its failed rebuild, and the live tables are untouched', async () => {
    const log = createInMemoryEventLog();
    for (let i = 0; i < 5; i++) {
      const event = envelopeEvent({ type: 'SampleContributed', payload: samplePayload(i), signer: alice });
      const r = await log.append({ stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream });
      if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    }
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    const broken = seenAs('p2', (schema) => {
      if (schema.startsWith('cairn_verify_')) throw new Error('no room in scratch');
    });
    const projections = [seenAs('p1'), broken, seenAs('p3')];
    const runner = createProjectionRunner({ log, store, projections, batchSize: 2 });
    if ((await runner.runOnce())._tag === 'Left') throw new Error('live catch-up');
    const head = await log.head();
    if (head._tag === 'Left') throw new Error('head');
    const v = await verifyProjections({ db: store.db, runner, projections, logHead: head.right, log });
    expect(v.projections).toEqual([
      { name: 'p1', checkpoint: head.right!.toString(), rows: 5, ok: true },
      { name: 'p2', checkpoint: head.right!.toString(), rows: 0, ok: false },
    ]);
    expect(v.firstBad).toMatchObject({ projection: 'p2', reason: expect.stringContaining('the scratch rebuild failed') });
    expect(v.firstBad!.reason).toContain('no room in scratch');
    const live = await sql<{ n: number }>`select count(*)::int as n from p2_events`.execute(store.db);
    expect(live.rows[0]!.n).toBe(5);
    const scratch = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname like 'cairn_verify_%'`.execute(
      store.db,
    );
    expect(scratch.rows[0]!.n).toBe(0);
    await store.close();
  });

  it('given the log timeline comes as a promise settled only after the tables were rebuilt and compared, when verified, then the time index is held to it: a moved time fails, no timeline leaves it unchecked', async () => {
    const { log, store, projections, runner, head } = await caughtUp(5, 2);
    const read = await log.readAll({ after: null, limit: 100 });
    if (read._tag === 'Left') throw new Error('log');
    // The log as a timeline, each event a day later than the log recorded it: no row of the index matches.
    const moved: LogTimeline = {
      size: read.right.length,
      eventAt: (i) => ({ position: read.right[i]!.position, time: read.right[i]!.recordedAt.getTime() + 86_400_000 }),
    };
    const later = <T>(value: T) => {
      let settle!: () => void;
      const promise = new Promise<T>((resolve) => (settle = () => resolve(value)));
      return { promise, settle };
    };

    const withMoved = later<LogTimeline | undefined>(moved);
    const verdict = verifyProjections({ db: store.db, runner, projections, logHead: head, log, leaves: withMoved.promise });
    // The rebuild runs to its end without the timeline; nothing is decided until it comes.
    let decided = false;
    void verdict.then(() => (decided = true));
    for (let i = 0; i < 50 && !decided; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(decided).toBe(false);
    withMoved.settle();
    const bad = await verdict;
    expect(bad.projections).toEqual([{ name: 'p1', checkpoint: head!.toString(), rows: 5, ok: true }]);
    expect(bad.firstBad).toMatchObject({ projection: 'log times', reason: expect.stringContaining('the log says') });

    const none = later<LogTimeline | undefined>(undefined);
    const unchecked = verifyProjections({ db: store.db, runner, projections, logHead: head, log, leaves: none.promise });
    none.settle();
    expect((await unchecked).firstBad).toBeNull();
    await store.close();
  });

  it('given the caller aborts while the rebuild waits for the log, when verified, then the rebuild reads no further, its verdict says it was stopped, no scratch schema is left and the live tables are untouched', async () => {
    const { log, store, projections, runner, head } = await caughtUp(2500, 500);
    // The rebuild reads the 2,500 events in batches of the default 1,000: three reads unless it stops after the first.
    let reads = 0;
    const stop = new AbortController();
    const counted = new Proxy(log, {
      get(target, property) {
        if (property === 'readAll')
          return (options?: Parameters<typeof log.readAll>[0]) => {
            reads += 1;
            stop.abort();
            return target.readAll(options);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const v = await verifyProjections({ db: store.db, runner, projections, logHead: head, log: counted, signal: stop.signal });
    expect(reads).toBe(1);
    expect(v.firstBad).toMatchObject({ projection: 'p1', reason: expect.stringContaining('the rebuild was stopped before it finished') });
    const scratch = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname like 'cairn_verify_%'`.execute(
      store.db,
    );
    expect(scratch.rows[0]!.n).toBe(0);
    const live = await sql<{ n: number }>`select count(*)::int as n from p1_events`.execute(store.db);
    expect(live.rows[0]!.n).toBe(2500);
    await store.close();
  });
});
