// The in-memory log: the model the other adapters are held to. JavaScript runs each append to
// completion before the next starts, so "exactly one winner" needs no lock.
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, AppendResult, EventLog, EventLogError, LogPosition, LogSubscription, RecordedEvent } from '../port.js';
import { prepareRequests } from '../prepare.js';
import { batchKeys, planAppends, type StoredEvent } from '../append-plan.js';
import { appendSignal, pollingSubscription } from '../subscription.js';
import { toRecordedEvent } from '../recorded.js';

export function createInMemoryEventLog(): EventLog {
  const log: StoredEvent[] = [];
  const recordedAt: Date[] = [];
  const byId = new Map<string, number>();
  const streams = new Map<string, number[]>();
  const signal = appendSignal();
  const subscriptions = new Set<LogSubscription>();
  let closed = false;

  const recorded = (index: number): RecordedEvent => toRecordedEvent(log[index]!, recordedAt[index]!);
  const unavailable = (): E.Either<EventLogError, never> => E.left({ _tag: 'Unavailable', reason: 'the in-memory log is closed' });

  function appendMany(requests: readonly AppendRequest[]): E.Either<EventLogError, readonly AppendResult[]> {
    if (closed) return unavailable();
    const prepared = prepareRequests(requests);
    if (E.isLeft(prepared)) return prepared;
    const { ids, streams: touched } = batchKeys(prepared.right);
    const stored = new Map<string, StoredEvent>();
    for (const id of ids) {
      const index = byId.get(id);
      if (index !== undefined) stored.set(id, log[index]!);
    }
    const lastRevision = new Map<string, bigint>();
    for (const stream of touched) {
      const indexes = streams.get(stream);
      if (indexes) lastRevision.set(stream, BigInt(indexes.length - 1));
    }
    const plans = planAppends(prepared.right, { byId: stored, lastRevision });
    if (E.isLeft(plans)) return plans;
    const now = new Date();
    const results = plans.right.map((plan): AppendResult => {
      if (plan.kind === 'replay') return plan.result;
      let position: LogPosition = 0n;
      for (const row of plan.rows) {
        position = BigInt(log.length + 1);
        const index = log.push({ ...row, position }) - 1;
        recordedAt.push(now);
        byId.set(row.id, index);
        const indexes = streams.get(row.stream) ?? [];
        indexes.push(index);
        streams.set(row.stream, indexes);
      }
      return { nextExpectedRevision: plan.rows[plan.rows.length - 1]!.revision, position, alreadyAppended: false };
    });
    if (plans.right.some((p) => p.kind === 'write')) queueMicrotask(signal.notify);
    return E.right(results);
  }

  // Positions are 1-based array indexes + 1, so "after P" is the slice from index P.
  function readPage(after: LogPosition | null, limit?: number): E.Either<EventLogError, readonly RecordedEvent[]> {
    if (closed) return unavailable();
    const start = after === null || after < 0n ? 0 : Number(after);
    const end = limit === undefined ? log.length : Math.min(log.length, start + limit);
    const out: RecordedEvent[] = [];
    for (let i = start; i < end; i++) out.push(recorded(i));
    return E.right(out);
  }

  return {
    adapter: 'memory',
    append: async (request) => E.map((results: readonly AppendResult[]) => results[0]!)(appendMany([request])),
    appendMany: async (requests) => appendMany(requests),
    readStream: async (stream, options = {}) => {
      if (closed) return unavailable();
      const from = Number(options.fromRevision ?? 0n);
      const indexes = (streams.get(stream) ?? []).slice(from, options.limit === undefined ? undefined : from + options.limit);
      return E.right(indexes.map(recorded));
    },
    readAll: async (options = {}) => readPage(options.after ?? null, options.limit),
    readByIds: async (ids) => {
      if (closed) return unavailable();
      const indexes = [...new Set(ids)].map((id) => byId.get(id)).filter((i): i is number => i !== undefined);
      return E.right(indexes.sort((a, b) => a - b).map(recorded));
    },
    head: async () => (closed ? unavailable() : E.right(log.length === 0 ? null : BigInt(log.length))),
    count: async () => (closed ? unavailable() : E.right(log.length)),
    subscribe: (options) => {
      const subscription = pollingSubscription(
        { readPage: async (after, limit) => readPage(after, limit), onAppend: signal.onAppend, idleMs: 1000 },
        options,
      );
      subscriptions.add(subscription);
      return subscription;
    },
    close: async () => {
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
    },
  };
}
