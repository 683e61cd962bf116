// Postgres-family adapters: transactions that overlap and commit in an order other than the one
// they started in, driven through raw sessions beside the adapter. Whatever the interleaving, a
// reader must only ever see a prefix of the final log, and a subscriber must see every
// committed event once, in position order.
import { describe, expect, it } from '@jest/globals';
import type { EventLog, RecordedEvent } from '@cairn/eventlog';
import { collect, eventId, newEvent, readAll, right, sleep, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions, ConformanceSubject, RawSqlSession } from '../subject.js';
import { expectGapFreeOrder } from './subscription.js';

/** Polls readAll until stopped, keeping every snapshot's id list. */
function watchSnapshots(log: EventLog) {
  const snapshots: string[][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      snapshots.push(right(await log.readAll()).map((e) => e.id));
      await sleep(2);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return snapshots;
    },
  };
}

function expectPrefixes(snapshots: readonly string[][], final: readonly RecordedEvent[]): void {
  const ids = final.map((e) => e.id);
  expect(snapshots.length).toBeGreaterThan(0);
  for (const snapshot of snapshots) expect(snapshot).toEqual(ids.slice(0, snapshot.length));
}

export function interleaved(factory: ConformanceFactory, rawSql: NonNullable<ConformanceOptions['rawSql']>): void {
  async function scenario(
    body: (ctx: {
      subject: ConformanceSubject;
      table: string;
      sessions: RawSqlSession[];
      insert: (s: RawSqlSession, label: string) => Promise<string>;
    }) => Promise<number>,
  ) {
    await withSubject(factory, async (subject) => {
      const raw = rawSql(subject);
      const sessions = await Promise.all([raw.open(), raw.open()]);
      const insert = async (s: RawSqlSession, label: string) => {
        const id = eventId(`${label}-${Math.random()}`);
        await s.query(
          `insert into ${raw.table} (id, stream, revision, type, data) values (decode($1, 'hex'), $2, 0, 'RawInserted', '{}')`,
          [id, uniqueStream('raw')],
        );
        return id;
      };
      try {
        const watcher = watchSnapshots(subject.log);
        const subscription = subject.log.subscribe({ batchSize: 2 });
        // The body returns how many events it expects committed in the end.
        const expected = await body({ subject, table: raw.table, sessions, insert });
        const delivered = await collect(subscription, expected);
        const snapshots = await watcher.stop();
        const final = await readAll(subject.log);
        expect(final).toHaveLength(expected);
        expectPrefixes(snapshots, final);
        expectGapFreeOrder(delivered, final);
      } finally {
        await Promise.all(sessions.map((s) => s.end()));
      }
    });
  }

  describe('interleaved transactions (raw sessions beside the adapter)', () => {
    it('given T1 holding an uncommitted event and T2 started after it trying to commit first, when both commit, then T1 keeps the lower position and readers never skip it', () =>
      scenario(async ({ sessions: [t1, t2], insert, subject }) => {
        await t1!.query('begin');
        await t2!.query('begin');
        const first = await insert(t1!, 't1');
        // T2 (and an adapter append) queue behind T1; T2 commits as soon as it can.
        const second = (async () => {
          const id = await insert(t2!, 't2');
          await t2!.query('commit');
          return id;
        })();
        const viaAdapter = subject.log.append({ stream: uniqueStream(), events: [newEvent()] });
        await sleep(100);
        await t1!.query('commit');
        const [secondId] = await Promise.all([second, viaAdapter.then(right)]);
        const final = await readAll(subject.log);
        const pos = (id: string) => final.find((e) => e.id === id)!.position;
        expect(pos(first) < pos(secondId)).toBe(true);
        return 3;
      }));

    it('given a slow transaction inserting several events with pauses while the adapter appends, when it commits, then all are seen once in position order', () =>
      scenario(async ({ sessions: [slow], insert, subject }) => {
        await slow!.query('begin');
        await insert(slow!, 'slow-1');
        const appends = Promise.all([1, 2, 3].map(() => subject.log.append({ stream: uniqueStream(), events: [newEvent(), newEvent()] })));
        await sleep(30);
        await insert(slow!, 'slow-2');
        await sleep(30);
        await insert(slow!, 'slow-3');
        await slow!.query('commit');
        (await appends).forEach((r) => right(r));
        return 3 + 6;
      }));

    it('given a transaction that inserts and rolls back while the adapter appends, when all settle, then only committed events are seen, each once', () =>
      scenario(async ({ sessions: [doomed, other], insert, subject }) => {
        await doomed!.query('begin');
        const lost = await insert(doomed!, 'doomed');
        const append = subject.log.append({ stream: uniqueStream(), events: [newEvent()] });
        const rawCommitted = (async () => {
          await other!.query('begin');
          await insert(other!, 'kept');
          await other!.query('commit');
        })();
        await sleep(50);
        await doomed!.query('rollback');
        right(await append);
        await rawCommitted;
        expect(right(await subject.log.readByIds([lost]))).toEqual([]);
        return 2;
      }));
  });
}
