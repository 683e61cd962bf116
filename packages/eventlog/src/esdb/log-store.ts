// What the EventStoreDB adapter reads and writes besides the log append itself: the log's head
// and entries, the facts the append planner needs, and the links that index the log by stream
// and by id. Links are derived data: any writer completes the missing ones (in log order), and
// readers merge the entries not yet indexed, so a writer stopped between its log append and its
// links loses nothing and no reader sees less than the log holds.
import {
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  binaryEvent,
  jsonEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { EventId } from '../port.js';
import type { StoredFacts } from '../append-plan.js';
import { checkpointOf, fromLogRecord, linkData, uuidFromEventId, type EsdbRecorded, type LogEntry, type LogStreams } from './mapping.js';

/** The slice of the client the adapter calls (a fake implements it in the tests). */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'dispose'>;

interface ResolvedRecord {
  readonly event?: EsdbRecorded;
  readonly link?: EsdbRecorded;
}

type ReadOptions = {
  direction?: typeof FORWARDS | typeof BACKWARDS;
  fromRevision?: bigint | typeof START | typeof END;
  maxCount?: number | bigint;
  resolveLinkTos?: boolean;
};

const PARALLEL_READS = 32;

/** Runs `work` over `items`, at most `width` at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>, width = PARALLEL_READS): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export interface PlanningFacts extends StoredFacts {
  /** Log entries after the last index checkpoint (their links may be missing). */
  readonly pending: readonly LogEntry[];
}

export function logStore(client: EsdbClient, names: LogStreams) {
  async function read(stream: string, options: ReadOptions): Promise<ResolvedRecord[]> {
    const out: ResolvedRecord[] = [];
    try {
      for await (const resolved of client.readStream(stream, options)) out.push(resolved as unknown as ResolvedRecord);
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
    return out;
  }

  const entryOf = (resolved: ResolvedRecord): LogEntry | undefined =>
    resolved.event ? fromLogRecord(resolved.event, names.log) : undefined;
  const defined = <T>(value: T | undefined): value is T => value !== undefined;

  /** Revision of the last record of `stream` (for a Cairn stream: of its last link), if any. */
  async function lastRevision(stream: string): Promise<bigint | undefined> {
    const [last] = await read(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last?.event?.revision ?? last?.link?.revision;
  }

  /** Position of the last log entry, or null for an empty log. */
  const head = async (): Promise<bigint | null> => (await lastRevision(names.log)) ?? null;

  /** Log entries from `fromRevision` on, in log order. */
  async function entries(fromRevision: bigint, maxCount?: number): Promise<LogEntry[]> {
    return (await read(names.log, { direction: FORWARDS, fromRevision, maxCount: maxCount ?? Number.MAX_SAFE_INTEGER }))
      .map(entryOf)
      .filter(defined);
  }

  /** Entries in (checkpoint, upTo]: the ones whose links may not be written yet. */
  async function pending(upTo: bigint | null): Promise<LogEntry[]> {
    if (upTo === null) return [];
    const [last] = await read(names.indexed, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const done = checkpointOf(last?.event);
    const from = done === undefined ? 0n : done + 1n;
    return from > upTo ? [] : entries(from, Number(upTo - from + 1n));
  }

  async function byId(id: string): Promise<LogEntry | undefined> {
    const [resolved] = await read(names.byId(id), { direction: FORWARDS, fromRevision: START, maxCount: 1, resolveLinkTos: true });
    const entry = resolved ? entryOf(resolved) : undefined;
    return entry?.id === id ? entry : undefined;
  }

  /** Links `entry` from its stream (at its revision) and from its id stream; idempotent. */
  async function link(entry: LogEntry): Promise<void> {
    const event = () => binaryEvent({ id: uuidFromEventId(entry.id), type: '$>', data: linkData(entry.position, names.log) });
    try {
      await client.appendToStream(entry.stream, event(), { expectedRevision: entry.revision === 0n ? NO_STREAM : entry.revision - 1n });
    } catch (e) {
      // Already linked (by this writer's retry or another writer) is done; a gap below is not.
      const actual = e instanceof WrongExpectedVersionError ? e.actualVersion : undefined;
      if (typeof actual !== 'bigint' || actual < entry.revision) throw e;
    }
    try {
      await client.appendToStream(names.byId(entry.id), event(), { expectedRevision: NO_STREAM });
    } catch (e) {
      if (!(e instanceof WrongExpectedVersionError)) throw e;
    }
  }

  return {
    head,
    entries,
    pending,

    /** What the planner needs for a batch, as of log position `upTo`, entries not yet indexed included. */
    async facts(ids: readonly EventId[], streams: readonly string[], upTo: bigint | null): Promise<PlanningFacts> {
      const unindexed = await pending(upTo);
      const found = new Map<EventId, LogEntry>();
      const last = new Map<string, bigint>();
      await inParallel(ids, async (id) => {
        const entry = await byId(id);
        if (entry) found.set(id, entry);
      });
      await inParallel(streams, async (stream) => {
        const revision = await lastRevision(stream);
        if (revision !== undefined) last.set(stream, revision);
      });
      const wanted = new Set(ids);
      const touched = new Set(streams);
      for (const entry of unindexed) {
        if (wanted.has(entry.id)) found.set(entry.id, entry);
        const known = last.get(entry.stream);
        if (touched.has(entry.stream) && (known === undefined || known < entry.revision)) last.set(entry.stream, entry.revision);
      }
      return { byId: found, lastRevision: last, pending: unindexed };
    },

    /** A Cairn stream's events from `fromRevision`, through its links and the unindexed entries. */
    async stream(stream: string, fromRevision: bigint, limit: number | undefined): Promise<LogEntry[]> {
      const linked = (
        await read(stream, { direction: FORWARDS, fromRevision, maxCount: limit ?? Number.MAX_SAFE_INTEGER, resolveLinkTos: true })
      ).map(entryOf);
      const byRevision = new Map<bigint, LogEntry>();
      for (const entry of [...linked.filter(defined), ...(await pending(await head()))])
        if (entry.stream === stream && entry.revision >= fromRevision) byRevision.set(entry.revision, entry);
      const sorted = [...byRevision.values()].sort((a, b) => (a.revision < b.revision ? -1 : 1));
      return limit === undefined ? sorted : sorted.slice(0, limit);
    },

    /** The entries of these ids, through the id links and the unindexed entries. */
    async byIds(ids: readonly string[]): Promise<LogEntry[]> {
      const unique = [...new Set(ids)];
      const found = new Map<string, LogEntry>();
      await inParallel(unique, async (id) => {
        const entry = await byId(id);
        if (entry) found.set(id, entry);
      });
      const wanted = new Set(unique);
      for (const entry of await pending(await head())) if (wanted.has(entry.id)) found.set(entry.id, entry);
      return [...found.values()].sort((a, b) => (a.position < b.position ? -1 : 1));
    },

    /**
     * Links every entry (consecutive log positions, in log order), then records the checkpoint.
     * Streams are linked in parallel, each stream's entries in order.
     */
    async index(written: readonly LogEntry[]): Promise<void> {
      if (written.length === 0) return;
      const byStream = new Map<string, LogEntry[]>();
      for (const entry of written) {
        const group = byStream.get(entry.stream) ?? [];
        group.push(entry);
        byStream.set(entry.stream, group);
      }
      await inParallel([...byStream.values()], async (group) => {
        for (const entry of group) await link(entry);
      });
      const upTo = written[written.length - 1]!.position;
      await client.appendToStream(names.indexed, jsonEvent({ type: 'CairnLogIndexed', data: { upTo: upTo.toString() } }));
    },
  };
}

export type LogStore = ReturnType<typeof logStore>;
