// The EventStoreDB log. EventStoreDB appends are atomic per stream only, so the log is ONE stream
// (`<prefix>.log`): an appendMany is one append of all its events to it, made with the log's head
// as the expected revision. That makes a batch all-or-nothing and never seen half-written, gives
// a global order without gaps that any user allowed to read that stream can follow (no `$all`,
// which a secured server keeps for admins), and serialises writers the way the SQL adapters'
// ordering lock does: a writer whose view of the head is stale gets WrongExpectedVersion, reads
// the new facts and decides again with the shared planner, so every outcome is the planner's.
//
// Each Cairn stream and each event id is then indexed by links (`$>`) to the log entry; see
// ./log-store.ts for how a writer stopped before writing its links is recovered. Positions are
// log-stream revisions, which every server returns on every read.
import { randomUUID } from 'node:crypto';
import { NO_STREAM, WrongExpectedVersionError, jsonEvent, EventStoreDBClient } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, AppendResult, EventLog, EventLogError, LogSubscription, RecordedEvent } from '../port.js';
import { batchKeys, planAppends, type RowToWrite } from '../append-plan.js';
import { prepareRequests } from '../prepare.js';
import { toRecordedEvent } from '../recorded.js';
import { appendSignal, pollingSubscription } from '../subscription.js';
import { logStreams, toLogEntry, translateEsdbError, type LogEntry } from './mapping.js';
import { logStore, type EsdbClient } from './log-store.js';

export interface EventStoreDbEventLogOptions {
  /** Names the adapter's own streams (`<prefix>.log`, ...); Cairn streams may not start with `<prefix>.`. Default `cairn`. */
  readonly prefix?: string;
  /** How often an idle subscription polls for appends made by other processes. Default 200 ms. */
  readonly idlePollMs?: number;
}

/** Attempts at an append whose view of the head keeps being overtaken by other writers. */
const MAX_ATTEMPTS = 64;

const toRecorded = (entry: LogEntry): RecordedEvent => toRecordedEvent(entry, entry.recordedAt);

export function createEventStoreDbEventLog(client: EsdbClient, options: EventStoreDbEventLogOptions = {}): EventLog {
  const names = logStreams(options.prefix ?? 'cairn');
  const store = logStore(client, names);
  const signal = appendSignal();
  const subscriptions = new Set<LogSubscription>();
  const unavailable = (e: unknown): EventLogError => translateEsdbError(e, { stream: names.log, expected: { kind: 'any' } });

  async function guard<T>(read: () => Promise<T>): Promise<E.Either<EventLogError, T>> {
    try {
      return E.right(await read());
    } catch (e) {
      return E.left(unavailable(e));
    }
  }

  async function appendMany(requests: readonly AppendRequest[]): Promise<E.Either<EventLogError, readonly AppendResult[]>> {
    const prepared = prepareRequests(requests);
    if (E.isLeft(prepared)) return prepared;
    const reserved = prepared.right.findIndex((r) => r.stream.startsWith(names.prefix));
    if (reserved >= 0)
      return E.left({
        _tag: 'InvalidEvent',
        eventId: undefined,
        field: requests.length === 1 ? 'stream' : `requests[${reserved}].stream`,
        reason: `names starting with '${names.prefix}' are reserved for the log itself`,
      });
    const { ids, streams } = batchKeys(prepared.right);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const facts = await guard(async () => {
        const head = await store.head();
        return { head, ...(await store.facts(ids, streams, head)) };
      });
      if (E.isLeft(facts)) return facts;
      const plans = planAppends(prepared.right, facts.right);
      if (E.isLeft(plans)) return plans;
      const rows: RowToWrite[] = plans.right.flatMap((p) => (p.kind === 'write' ? p.rows : []));
      if (rows.length === 0) {
        await store.index(facts.right.pending).catch(() => undefined);
        return E.right(plans.right.map((p) => (p.kind === 'replay' ? p.result : (undefined as never))));
      }
      let last: bigint;
      try {
        // Fresh UUIDs: the planner, not the server's per-stream idempotency, decides what is a replay.
        const events = rows.map((row) => jsonEvent({ id: randomUUID(), ...toLogEntry(row) } as never));
        const { head } = facts.right;
        last = (await client.appendToStream(names.log, events, { expectedRevision: head === null ? NO_STREAM : head }))
          .nextExpectedRevision;
      } catch (e) {
        if (e instanceof WrongExpectedVersionError) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)));
          continue;
        }
        return E.left(translateEsdbError(e, { stream: prepared.right[0]!.stream, expected: prepared.right[0]!.expectedRevision }));
      }
      const first = last - BigInt(rows.length) + 1n;
      const now = new Date();
      const written: LogEntry[] = rows.map((row, i) => ({ ...row, position: first + BigInt(i), recordedAt: now }));
      signal.notify();
      // The batch is in the log (acknowledged); its links are derived data that the next writer
      // completes if this one cannot.
      await store.index([...facts.right.pending, ...written]).catch(() => undefined);
      const positions = new Map(written.map((w) => [w.id, w.position]));
      return E.right(
        plans.right.map((plan): AppendResult => {
          if (plan.kind === 'replay') return plan.result;
          const lastRow = plan.rows[plan.rows.length - 1]!;
          return { nextExpectedRevision: lastRow.revision, position: positions.get(lastRow.id)!, alreadyAppended: false };
        }),
      );
    }
    return E.left({ _tag: 'Unavailable', reason: `the log's head kept moving: ${MAX_ATTEMPTS} attempts were overtaken by other writers` });
  }

  const readAll = (after: bigint | null, limit: number | undefined) =>
    guard(async () => (await store.entries(after === null ? 0n : after + 1n, limit)).map(toRecorded));

  return {
    adapter: 'esdb',
    append: async (request) => E.map((r: readonly AppendResult[]) => r[0]!)(await appendMany([request])),
    appendMany,
    readStream: (stream, o = {}) => guard(async () => (await store.stream(stream, o.fromRevision ?? 0n, o.limit)).map(toRecorded)),
    readAll: (o = {}) => readAll(o.after ?? null, o.limit),
    readByIds: (ids) => guard(async () => (ids.length === 0 ? [] : (await store.byIds(ids)).map(toRecorded))),
    head: () => guard(() => store.head()),
    subscribe: (o) => {
      const subscription = pollingSubscription({ readPage: readAll, onAppend: signal.onAppend, idleMs: options.idlePollMs ?? 200 }, o);
      subscriptions.add(subscription);
      return subscription;
    },
    close: async () => {
      await Promise.all([...subscriptions].map((s) => s.close()));
      await client.dispose();
    },
  };
}

/** Opens a client from an `esdb://` connection string. */
export function openEventStoreDbEventLog(connectionString: string, options: EventStoreDbEventLogOptions = {}): EventLog {
  return createEventStoreDbEventLog(EventStoreDBClient.connectionString(connectionString), options);
}
