import { describe, expect, it } from '@jest/globals';
import { createInMemoryEventLog, ExpectedRevision, type EventLog } from '@cairn/eventlog';
import { sql } from 'kysely';
import { openProjectionStore } from '../storage/store.js';
import { canonicalDump } from './canonical-dump.js';
import { envelopeEvent, testContributorId } from '../testing/envelopes.js';
import { labelPayload, samplePayload } from '../testing/payloads.js';
import { newPGlite } from '../testing/specification.js';
import { createProjectionRunner } from './runner.js';
import { defaultEventDecoder, type EventDecoder } from './decode.js';
import { positionAtTime } from './log-times.js';
import type { Projection } from './projection.js';

const alice = testContributorId('alice');

const seen: Projection = {
  name: 'seen',
  version: 1,
  tables: ['seen_events'],
  migrate: async (db) => {
    await sql`create table if not exists seen_events (position bigint primary key, id text not null, type text not null)`.execute(db);
  },
  apply: async (tx, events) => {
    await sql`insert into seen_events (position, id, type) select * from unnest(${events.map((e) => e.position.toString())}::bigint[], ${events.map((e) => e.id)}::text[], ${events.map((e) => e.event.type)}::text[])`.execute(
      tx,
    );
  },
};

async function appendSamples(log: EventLog, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const event = envelopeEvent({ type: 'SampleContributed', payload: samplePayload(i), signer: alice });
    const r = await log.append({ stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream });
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
  }
}

describe('projection runner on PGlite', () => {
  it('given 25 events, when it runs once with batches of 10, then every event is applied once and the checkpoint is the head', async () => {
    const log = createInMemoryEventLog();
    await appendSamples(log, 0, 25);
    const store = await openProjectionStore({ pglite: await newPGlite() });
    const progress: number[] = [];
    const runner = createProjectionRunner({ log, store, projections: [seen], batchSize: 10, onProgress: (p) => progress.push(p.applied) });
    const result = await runner.runOnce();
    expect(result._tag).toBe('Right');
    const count = await sql<{ n: string }>`select count(*)::text as n from seen_events`.execute(store.db);
    expect(count.rows[0]?.n).toBe('25');
    expect(progress).toEqual([10, 20, 25]);
    const status = await runner.status();
    if (status._tag === 'Left') throw new Error(status.left.message);
    expect(status.right.projections[0]?.caughtUp).toBe(true);
    expect(status.right.projections[0]?.checkpoint).toBe(status.right.head);
    await store.close();
  });

  it('given a projection caught up at version 1, when a runner of its version 2 reads the status, then it is not caught up (its next catch-up rebuilds it), and after that catch-up it is', async () => {
    const log = createInMemoryEventLog();
    await appendSamples(log, 0, 5);
    const store = await openProjectionStore({ pglite: await newPGlite() });
    expect((await createProjectionRunner({ log, store, projections: [seen] }).runOnce())._tag).toBe('Right');
    const newer = createProjectionRunner({ log, store, projections: [{ ...seen, version: 2 }] });
    const before = await newer.status();
    if (before._tag === 'Left') throw new Error(before.left.message);
    expect(before.right.projections[0]).toMatchObject({ version: 1, checkpoint: before.right.head, caughtUp: false });
    expect((await newer.runOnce())._tag).toBe('Right');
    const after = await newer.status();
    if (after._tag === 'Left') throw new Error(after.left.message);
    expect(after.right.projections[0]).toMatchObject({ version: 2, checkpoint: after.right.head, caughtUp: true });
    await store.close();
  });

  it('given a projection declaring it handles only samples, when a log of samples then labels is caught up, then apply sees only the samples, is not called for the batches of labels, and the checkpoint and log times still cover every event', async () => {
    const log = createInMemoryEventLog();
    await appendSamples(log, 0, 6);
    const samples = await log.readAll({});
    if (samples._tag === 'Left') throw new Error('read');
    for (let i = 0; i < 9; i++) {
      const target = samples.right[i % 6]!.id;
      const event = envelopeEvent({ type: 'LabelContributed', payload: labelPayload([target], i), signer: alice });
      const r = await log.append({ stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream });
      if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    }
    const applied: string[][] = [];
    const samplesOnly: Projection = {
      ...seen,
      handles: ['SampleContributed'],
      apply: async (tx, events, prepared, context) => {
        applied.push(events.map((e) => e.event.type));
        await seen.apply(tx, events, prepared, context);
      },
    };
    const store = await openProjectionStore({ pglite: await newPGlite() });
    const runner = createProjectionRunner({ log, store, projections: [samplesOnly], batchSize: 4 });
    expect((await runner.runOnce())._tag).toBe('Right');
    const failures = await sql<{ n: string }>`select count(*)::text as n from cairn_projection_failures`.execute(store.db);
    expect(failures.rows[0]?.n).toBe('0');

    // batches: 4 samples | 2 samples + 2 labels | 4 labels | 3 labels
    expect(applied).toEqual([Array(4).fill('SampleContributed'), Array(2).fill('SampleContributed')]);
    const status = await runner.status();
    if (status._tag === 'Left') throw new Error(status.left.message);
    expect(status.right.projections[0]?.checkpoint).toBe(status.right.head);
    const all = await log.readAll({});
    if (all._tag === 'Left') throw new Error('read');
    const last = all.right[all.right.length - 1]!;
    expect(await positionAtTime(store.db, last.recordedAt)).toBe(last.position);
    await store.close();
  });

  it('given two runners on one store, when both catch up, then nothing is applied twice', async () => {
    const log = createInMemoryEventLog();
    await appendSamples(log, 0, 50);
    const store = await openProjectionStore({ pglite: await newPGlite() });
    const a = createProjectionRunner({ log, store, projections: [seen], batchSize: 7 });
    const b = createProjectionRunner({ log, store, projections: [seen], batchSize: 5 });
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra._tag).toBe('Right');
    expect(rb._tag).toBe('Right');
    const count = await sql<{ n: string }>`select count(*)::text as n from seen_events`.execute(store.db);
    expect(count.rows[0]?.n).toBe('50');
    await store.close();
  });

  it('given a rebuild into another schema up to a position, then that schema holds exactly the prefix', async () => {
    const log = createInMemoryEventLog();
    await appendSamples(log, 0, 30);
    const store = await openProjectionStore({ pglite: await newPGlite() });
    const runner = createProjectionRunner({ log, store, projections: [seen], batchSize: 8 });
    await runner.runOnce();
    const all = await log.readAll({});
    if (all._tag === 'Left') throw new Error('read');
    const tenth = all.right[9]!.position;
    const rebuilt = await runner.rebuild('seen', { to: tenth, schema: 'asof_10' });
    if (rebuilt._tag === 'Left') throw new Error(rebuilt.left.message);
    expect(rebuilt.right.events).toBe(10);
    const dump = await canonicalDump(store.db, seen, { schema: 'asof_10' });
    expect(dump.trim().split('\n')).toHaveLength(11);
    const live = await canonicalDump(store.db, seen);
    expect(live.trim().split('\n')).toHaveLength(31);
    await store.close();
  });

  it('given an event whose envelope does not decode, then the runner records it as failed naming its position and field, and applies the rest', async () => {
    const log = createInMemoryEventLog();
    await appendSamples(log, 0, 3);
    const bad = envelopeEvent({ type: 'SampleContributed', payload: samplePayload('bad'), signer: alice });
    await log.append({ stream: `cf-${bad.id}`, events: [{ ...bad, data: { ...(bad.data as object), signer: 'not-hex' } }] });
    const store = await openProjectionStore({ pglite: await newPGlite() });
    const runner = createProjectionRunner({ log, store, projections: [seen] });
    const result = await runner.runOnce();
    if (result._tag === 'Left') throw new Error(`expected the runner to go on: ${result.left.message}`);
    const failures = await runner.failures('seen');
    if (failures._tag === 'Left') throw new Error(failures.left.message);
    expect(failures.right.map((f) => [f.position, f.eventId])).toEqual([[4n, bad.id]]);
    expect(failures.right[0]?.reason).toContain('SampleContributed.signer');
    const count = await sql<{ n: string }>`select count(*)::text as n from seen_events`.execute(store.db);
    expect(count.rows[0]?.n).toBe('3');
    await store.close();
  });

  describe('several projections catching up together', () => {
    /** `seen` under another name and table, so several can share a store. */
    const seenAs = (name: string): Projection => ({
      ...seen,
      name,
      tables: [`${name}_events`],
      migrate: async (db) => {
        await sql`create table if not exists ${sql.table(`${name}_events`)} (position bigint primary key, id text not null, type text not null)`.execute(
          db,
        );
      },
      apply: async (tx, events) => {
        await sql`insert into ${sql.table(`${name}_events`)} (position, id, type) select * from unnest(${events.map((e) => e.position.toString())}::bigint[], ${events.map((e) => e.id)}::text[], ${events.map((e) => e.event.type)}::text[])`.execute(
          tx,
        );
      },
    });
    const counting = (log: EventLog): { log: EventLog; reads: () => number } => {
      let reads = 0;
      return { log: { ...log, readAll: (options) => ((reads += 1), log.readAll(options)) }, reads: () => reads };
    };

    it('given three projections at zero, when they catch up on 25 events in batches of 10, then the log is read once per batch, not once per projection, and each holds every event', async () => {
      const base = createInMemoryEventLog();
      await appendSamples(base, 0, 25);
      const { log, reads } = counting(base);
      const store = await openProjectionStore({ pglite: await newPGlite() });
      const projections = [seenAs('p1'), seenAs('p2'), seenAs('p3')];
      const result = await createProjectionRunner({ log, store, projections, batchSize: 10 }).runOnce();
      if (result._tag === 'Left') throw new Error(result.left.message);
      expect(result.right.map((r) => r.events)).toEqual([25, 25, 25]);
      // 10 + 10 + 5: the short third read ends the catch-up
      expect(reads()).toBe(3);
      for (const p of projections) expect((await canonicalDump(store.db, p)).trim().split('\n')).toHaveLength(26);
      await store.close();
    });

    it('given three projections, when they are rebuilt together into a scratch schema up to a position, then the log is read once per batch and each event decoded once, each holds exactly that prefix and the live tables are untouched', async () => {
      const base = createInMemoryEventLog();
      await appendSamples(base, 0, 25);
      const { log, reads } = counting(base);
      let decodes = 0;
      const decode: EventDecoder = (data) => ((decodes += 1), defaultEventDecoder(data));
      const store = await openProjectionStore({ pglite: await newPGlite() });
      const projections = [seenAs('p1'), seenAs('p2'), seenAs('p3')];
      const runner = createProjectionRunner({ log, store, projections, batchSize: 10, decode });
      if ((await runner.runOnce())._tag === 'Left') throw new Error('live catch-up');
      const [readsBefore, decodesBefore] = [reads(), decodes];
      const all = await base.readAll({});
      if (all._tag === 'Left') throw new Error('read');
      const to = all.right[21]!.position;
      const result = await runner.rebuildTogether(
        projections.map((p) => p.name),
        { schema: 'scratch', to },
      );
      if (result._tag === 'Left') throw new Error(result.left.message);
      expect(result.right.map((r) => [r.projection, r.events, r.to])).toEqual(projections.map((p) => [p.name, 22, to]));
      // 10 + 10 + the 2 up to `to` (the read of 10 cut there ends the catch-up)
      expect(reads() - readsBefore).toBe(3);
      expect(decodes - decodesBefore).toBe(22);
      for (const p of projections) {
        expect((await canonicalDump(store.db, p, { schema: 'scratch' })).trim().split('\n')).toHaveLength(23);
        expect((await canonicalDump(store.db, p)).trim().split('\n')).toHaveLength(26);
      }
      await store.close();
    });

    it('given one projection ahead of another, when both catch up, then the one behind is brought level and both end with the same rows as a projection that ran alone', async () => {
      const base = createInMemoryEventLog();
      await appendSamples(base, 0, 13);
      const store = await openProjectionStore({ pglite: await newPGlite() });
      const [behind, ahead, alone] = [seenAs('behind'), seenAs('ahead'), seenAs('alone')];
      await createProjectionRunner({ log: base, store, projections: [ahead], batchSize: 4 }).runOnce();
      await appendSamples(base, 13, 20);
      const { log, reads } = counting(base);
      const result = await createProjectionRunner({ log, store, projections: [behind, ahead], batchSize: 4 }).runOnce();
      if (result._tag === 'Left') throw new Error(result.left.message);
      expect(result.right.map((r) => [r.projection, r.events])).toEqual([
        ['behind', 33],
        ['ahead', 20],
      ]);
      // behind alone up to ahead's checkpoint (4 + 4 + 4 + 1), then both together (five full reads of the 20 events, then an empty one)
      expect(reads()).toBe(4 + 6);
      await createProjectionRunner({ log: base, store, projections: [alone], batchSize: 4 }).runOnce();
      const rowsOf = async (p: Projection) => (await canonicalDump(store.db, p)).split('\n').slice(1).join('\n');
      expect(await rowsOf(behind)).toBe(await rowsOf(alone));
      expect(await rowsOf(ahead)).toBe(await rowsOf(alone));
      await store.close();
    });
  });

  describe('a catch-up with nothing new (a query in a fresh process)', () => {
    /** `seen` counting its migrations, with an index it can drop for a bulk load. */
    function counted(): { projection: Projection; migrations: () => number } {
      let migrations = 0;
      return {
        migrations: () => migrations,
        projection: {
          ...seen,
          migrate: async (db) => {
            migrations += 1;
            await seen.migrate(db);
            await sql`create index if not exists seen_events_type on seen_events (type)`.execute(db);
          },
          dropDeferrableIndexes: async (tx) => {
            await sql`drop index if exists seen_events_type`.execute(tx);
          },
        },
      };
    }
    const hasTypeIndex = async (db: Parameters<Projection['migrate']>[0]) =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_indexes where indexname = 'seen_events_type'`.execute(db)).rows[0]!.n ===
      1;

    it('given a store caught up to the head, when a new runner runs once, then it neither migrates nor reads any event, and reports each checkpoint', async () => {
      const log = createInMemoryEventLog();
      await appendSamples(log, 0, 5);
      const store = await openProjectionStore({ pglite: await newPGlite() });
      await createProjectionRunner({ log, store, projections: [seen] }).runOnce();
      const { projection, migrations } = counted();
      let reads = 0;
      const watched: EventLog = { ...log, readAll: (options) => ((reads += 1), log.readAll(options)) };
      const result = await createProjectionRunner({ log: watched, store, projections: [projection] }).runOnce();
      if (result._tag === 'Left') throw new Error(result.left.message);
      const head = await log.head();
      expect(result.right).toEqual([
        {
          projection: 'seen',
          from: head._tag === 'Right' ? head.right : null,
          to: head._tag === 'Right' ? head.right : null,
          events: 0,
          lostRaces: 0,
          failed: 0,
        },
      ]);
      expect(migrations()).toBe(0);
      expect(reads).toBe(0);
      await store.close();
    });

    it('given events appended after the last catch-up, when a new runner runs once, then it migrates and applies exactly those events', async () => {
      const log = createInMemoryEventLog();
      await appendSamples(log, 0, 5);
      const store = await openProjectionStore({ pglite: await newPGlite() });
      await createProjectionRunner({ log, store, projections: [seen] }).runOnce();
      await appendSamples(log, 5, 3);
      const { projection, migrations } = counted();
      const result = await createProjectionRunner({ log, store, projections: [projection] }).runOnce();
      if (result._tag === 'Left') throw new Error(result.left.message);
      expect(result.right[0]?.events).toBe(3);
      expect(migrations()).toBe(1);
      const count = await sql<{ n: string }>`select count(*)::text as n from seen_events`.execute(store.db);
      expect(count.rows[0]?.n).toBe('8');
      await store.close();
    });

    it('given a bulk load cut off after its last batch (checkpoint at the head, an index still dropped), when a new runner runs once, then it migrates and the index is back', async () => {
      const log = createInMemoryEventLog();
      await appendSamples(log, 0, 25);
      const store = await openProjectionStore({ pglite: await newPGlite() });
      const first = counted();
      // Cut off the bulk load at its end: the index build (endBulkLoad's migrate) fails.
      const cut: Projection = {
        ...first.projection,
        migrate: async (db) => (first.migrations() >= 1 ? Promise.reject(new Error('killed')) : first.projection.migrate(db)),
      };
      const crashed = await createProjectionRunner({ log, store, projections: [cut], batchSize: 10 }).runOnce();
      expect(crashed._tag).toBe('Left');
      expect(await hasTypeIndex(store.db)).toBe(false);
      const again = counted();
      const result = await createProjectionRunner({ log, store, projections: [again.projection], batchSize: 10 }).runOnce();
      if (result._tag === 'Left') throw new Error(result.left.message);
      expect(again.migrations()).toBe(1);
      expect(await hasTypeIndex(store.db)).toBe(true);
      await store.close();
    });
  });
});
