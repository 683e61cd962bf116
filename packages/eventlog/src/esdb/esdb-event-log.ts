// The EventStoreDB log: streams 1:1, global position = the $all commit position, event ids as
// deterministic UUIDs (full id in metadata). EventStoreDB appends are atomic per stream only, so
// appendMany writes request by request and stops at the first failure; because replays are
// recognised, retrying the same batch completes it without duplicating what was written.
//
// Known differences from the SQL adapters (EventStoreDB has no index by event id):
// - a duplicate id is detected within its stream, not across streams;
// - readByIds finds events by the `cf-<id>` stream convention (CFs, which is what the SDK's
//   reference checks ask for); other ids are reported absent.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, AppendResult, EventLog, EventLogError, LogPosition, LogSubscription, RecordedEvent } from '../port.js';
import { prepareRequests, type PreparedRequest } from '../prepare.js';
import { planAppends, type StoredEvent } from '../append-plan.js';
import { fromEsdbEvent, toEsdbExpectedRevision, toEsdbMetadata, translateEsdbError, uuidFromEventId, type EsdbRecorded } from './mapping.js';
import { canonicalize } from '@cairn/core';

const TAIL_CHECK = 1000;

function stored(event: RecordedEvent): StoredEvent {
  const canon = (v: unknown) => E.getOrElse(() => '')(canonicalize(v as never));
  return {
    id: event.id,
    type: event.type,
    data: canon(event.data),
    metadata: event.metadata === undefined ? null : canon(event.metadata),
    stream: event.stream,
    revision: event.revision,
    position: event.position,
  };
}

function mapResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  return resolved.event ? fromEsdbEvent(resolved.event as unknown as EsdbRecorded) : undefined;
}

export function createEventStoreDbEventLog(client: EventStoreDBClient): EventLog {
  const subscriptions = new Set<LogSubscription>();

  async function readStreamRaw(stream: string, options: Parameters<EventStoreDBClient['readStream']>[1]): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(stream, options)) {
        const event = mapResolved(resolved);
        if (event) out.push(event);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
    return out;
  }

  /** What the stream's tail already holds for this request: replays and conflicts are decided on it. */
  async function plan(request: PreparedRequest) {
    const tail = await readStreamRaw(request.stream, { direction: BACKWARDS, fromRevision: END, maxCount: TAIL_CHECK });
    const ids = new Set(request.events.map((e) => e.id));
    const byId = new Map(tail.filter((e) => ids.has(e.id)).map((e) => [e.id, stored(e)]));
    const lastRevision = new Map(tail.length > 0 ? [[request.stream, tail[0]!.revision]] : []);
    // The expected revision is left to the server (it is the only race-free check).
    return planAppends([{ ...request, expectedRevision: { kind: 'any' } }], { byId, lastRevision });
  }

  async function appendOne(request: PreparedRequest): Promise<E.Either<EventLogError, AppendResult>> {
    try {
      const planned = await plan(request);
      if (E.isLeft(planned)) return planned;
      const decision = planned.right[0]!;
      if (decision.kind === 'replay') return E.right(decision.result);
      const result = await client.appendToStream(
        request.stream,
        request.events.map((e) =>
          jsonEvent({ id: uuidFromEventId(e.id), type: e.type, data: JSON.parse(e.data), metadata: toEsdbMetadata(e.id, e.metadata === null ? undefined : JSON.parse(e.metadata)) }),
        ),
        { expectedRevision: toEsdbExpectedRevision(request.expectedRevision) },
      );
      return E.right({ nextExpectedRevision: result.nextExpectedRevision, position: result.position?.commit ?? -1n, alreadyAppended: false });
    } catch (e) {
      const error = translateEsdbError(e, { stream: request.stream, expected: request.expectedRevision });
      if (error._tag !== 'WrongExpectedRevision') return E.left(error);
      // A concurrent appender may have written this very batch: that is a replay, not a loss.
      const again = await plan(request).catch(() => undefined);
      const decision = again && E.isRight(again) ? again.right[0] : undefined;
      return decision?.kind === 'replay' ? E.right(decision.result) : E.left(error);
    }
  }

  async function appendMany(requests: readonly AppendRequest[]): Promise<E.Either<EventLogError, readonly AppendResult[]>> {
    const prepared = prepareRequests(requests);
    if (E.isLeft(prepared)) return prepared;
    const results: AppendResult[] = [];
    for (const request of prepared.right) {
      const result = await appendOne(request);
      if (E.isLeft(result)) return result;
      results.push(result.right);
    }
    return E.right(results);
  }

  async function guard<T>(read: () => Promise<T>): Promise<E.Either<EventLogError, T>> {
    try {
      return E.right(await read());
    } catch (e) {
      return E.left(translateEsdbError(e, { stream: '$all', expected: { kind: 'any' } }));
    }
  }

  /** $all from just after `after`, skipping system and foreign events until `limit` are found. */
  async function readAllAfter(after: LogPosition | null, limit: number | undefined): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    const page = Math.min(limit ?? 1000, 1000);
    let from: LogPosition | null = after;
    for (;;) {
      let seen = 0;
      for await (const resolved of client.readAll({
        fromPosition: from === null ? START : { commit: from, prepare: from },
        maxCount: page + 1,
        direction: FORWARDS,
      })) {
        const position = resolved.event?.position.commit;
        if (position === undefined || (from !== null && position <= from)) continue;
        seen++;
        from = position;
        const event = mapResolved(resolved);
        if (event) out.push(event);
        if (limit !== undefined && out.length >= limit) return out;
      }
      if (seen < page) return out;
    }
  }

  return {
    adapter: 'esdb',
    append: async (request) => E.map((r: readonly AppendResult[]) => r[0]!)(await appendMany([request])),
    appendMany,
    readStream: (stream, o = {}) =>
      guard(() => readStreamRaw(stream, { direction: FORWARDS, fromRevision: o.fromRevision ?? START, maxCount: o.limit ?? Number.MAX_SAFE_INTEGER })),
    readAll: (o = {}) => guard(() => readAllAfter(o.after ?? null, o.limit)),
    readByIds: (ids) =>
      guard(async () => {
        const found = await Promise.all(
          [...new Set(ids)].map(async (id) => (await readStreamRaw(`cf-${id}`, { fromRevision: START, maxCount: 1 })).find((e) => e.id === id)),
        );
        return found.filter((e): e is RecordedEvent => e !== undefined).sort((a, b) => (a.position < b.position ? -1 : 1));
      }),
    head: () =>
      guard(async () => {
        for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 10_000 })) {
          const event = mapResolved(resolved);
          if (event) return event.position;
        }
        return null;
      }),
    subscribe: (o = {}) => {
      const after = o.after ?? null;
      const source = client.subscribeToAll({
        fromPosition: after === null ? START : { commit: after, prepare: after },
        filter: excludeSystemEvents(),
      });
      async function* iterate(): AsyncGenerator<RecordedEvent> {
        for await (const resolved of source) {
          const event = mapResolved(resolved);
          if (event && (after === null || event.position > after)) yield event;
        }
      }
      const iterator = iterate();
      const subscription: LogSubscription = {
        [Symbol.asyncIterator]: () => iterator,
        close: async () => {
          subscriptions.delete(subscription);
          await source.unsubscribe();
        },
      };
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
export function openEventStoreDbEventLog(connectionString: string): EventLog {
  return createEventStoreDbEventLog(EventStoreDBClient.connectionString(connectionString));
}
