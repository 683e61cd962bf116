// What the rules need to know about the log, read from the log: contributor keys and roles, the
// kind and author of referenced events, which streams exist, and who founded the ledger. The
// caches hold only facts the append-only log can never take back (an event, once in, stays) and
// contributor state is brought up to date from its stream before every batch, so the cache can
// make a check cheaper but never make it answer differently from the log.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition, RecordedEvent } from '@cairn/eventlog';
import { currentKey, foldContributor, type ContributorState } from './contributor-state.js';
import { cfStream, contributorStream, datasetStream } from '../ingest/streams.js';
import { createContributorDirectory, type ContributorDirectory } from './contributor-directory.js';
import { createLogTail, type TailEvent } from './log-tail.js';
import { erasureReachAt, foldAmendment, type LoggedAmendments } from '../api/erasure-reach.js';

/** An event already in the log, as the rules see it. */
export interface EventFact {
  readonly id: string;
  readonly type: string;
  readonly signer: string;
  /** What makes two copies of the event the same: its signature, or `<sealId>#<index>` for a sealed CF. */
  readonly authorship: string;
  readonly stream: string;
  readonly position: LogPosition;
  /** The payload, kept for samples only (reads and amendments need their metadata). */
  readonly payload?: unknown;
}

const MAX_CACHED_FACTS = 200_000;

export interface LedgerState {
  /** Brings the named contributors up to date from their streams; absent ids are not registered. */
  contributors(ids: Iterable<string>): Promise<E.Either<EventLogError, ReadonlyMap<string, ContributorState>>>;
  /** The events with these ids that are in the log (one readByIds for the ones not cached). */
  events(ids: Iterable<string>): Promise<E.Either<EventLogError, ReadonlyMap<string, EventFact>>>;
  /** Which of these streams have at least one event. */
  existingStreams(streams: Iterable<string>): Promise<E.Either<EventLogError, ReadonlySet<string>>>;
  /** The current key as last read from the log (may be stale: used only to start verifying early). */
  cachedKey(contributorId: string): string | undefined;
  /** The contributor registered first in the log: the one who may grant the first admin role. */
  founder(): Promise<E.Either<EventLogError, string | undefined>>;
  /** The signer of each named dataset's DatasetDefined (absent: not defined). */
  datasetDefiners(names: Iterable<string>): Promise<E.Either<EventLogError, ReadonlyMap<string, string>>>;
  /** Sample id → the SampleErased on its stream, for the named samples that are erased. */
  erasures(sampleIds: Iterable<string>): Promise<E.Either<EventLogError, ReadonlyMap<string, string>>>;
  /** Every key and name contributors ever took, up to date with the log. */
  directory(): Promise<E.Either<EventLogError, ContributorDirectory>>;
  /**
   * The samples these logged erasures reach (each sample and, transitively, the samples amending
   * it before its erasure: api/erasure-reach.ts), from an amends → amended-by index caught up
   * with what was appended since it was last read, so the walk costs their own amendments.
   */
  erasureReach(
    erasures: readonly { readonly sample: string; readonly position: LogPosition }[],
  ): Promise<E.Either<EventLogError, ReadonlySet<string>>>;
  /** Events this process just wrote to the log (their data is the signed event), for the indexes above; never fails. */
  appended(events: readonly TailEvent[]): Promise<void>;
}

/** An envelope's signature, or its seal reference as `<sealId>#<index>`. */
export function authorshipOf(data: {
  readonly signature?: string;
  readonly seal?: { readonly id: string; readonly index: number };
}): string {
  return data.seal === undefined ? String(data.signature) : `${data.seal.id}#${data.seal.index}`;
}

/** True for a sealed CF's authorship (`<seal id>#<index>`; a signature, in base64, has no `#`). */
export const isSealedAuthorship = (authorship: string): boolean => authorship.includes('#');

export function factOf(event: RecordedEvent): EventFact {
  const data = event.data as Parameters<typeof authorshipOf>[0] & { type: string; signer: string; payload: unknown };
  return {
    id: event.id,
    type: data.type,
    signer: data.signer,
    authorship: authorshipOf(data),
    stream: event.stream,
    position: event.position,
    ...(data.type === 'SampleContributed' ? { payload: data.payload } : {}),
  };
}

export function createLedgerState(log: EventLog): LedgerState {
  const contributorCache = new Map<string, ContributorState>();
  const factCache = new Map<string, EventFact>();
  const knownStreams = new Set<string>();
  const definers = new Map<string, string>();
  let founder: string | undefined;
  // What the log has no index for, folded from one cursor over it (log-tail.ts).
  const contributorDirectory = createContributorDirectory();
  const amendedBy: LoggedAmendments = new Map();
  const tail = createLogTail(log, [contributorDirectory.fold, (event) => foldAmendment(amendedBy, event)]);

  const remember = (fact: EventFact) => {
    if (factCache.size >= MAX_CACHED_FACTS) factCache.clear();
    factCache.set(fact.id, fact);
  };

  const refreshOne = async (id: string): Promise<E.Either<EventLogError, ContributorState | undefined>> => {
    const cached = contributorCache.get(id);
    const read = await log.readStream(contributorStream(id), cached ? { fromRevision: cached.revision + 1n } : {});
    if (E.isLeft(read)) return read;
    const state = foldContributor(id, read.right, cached);
    if (state) contributorCache.set(id, state);
    return E.right(state);
  };

  return {
    directory: async () => {
      const caughtUp = await tail.catchUp();
      return E.isLeft(caughtUp) ? caughtUp : E.right(contributorDirectory.directory);
    },
    appended: (events) => tail.appended(events),
    erasureReach: async (erasures) => {
      const caughtUp = await tail.catchUp();
      if (E.isLeft(caughtUp)) return caughtUp;
      const reached = new Set<string>();
      for (const e of erasures) for (const id of erasureReachAt(amendedBy, e.sample, e.position)) reached.add(id);
      return E.right(reached);
    },
    contributors: async (ids) => {
      // All streams at once: a batch signed by many contributors waits one round trip, not one each.
      const unique = [...new Set(ids)];
      const states = await Promise.all(unique.map(refreshOne));
      const out = new Map<string, ContributorState>();
      for (const [i, state] of states.entries()) {
        if (E.isLeft(state)) return state;
        if (state.right) out.set(unique[i]!, state.right);
      }
      return E.right(out);
    },
    events: async (ids) => {
      const out = new Map<string, EventFact>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const fact = factCache.get(id);
        if (fact) out.set(id, fact);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const read = await log.readByIds(missing);
        if (E.isLeft(read)) return read;
        for (const event of read.right) {
          const fact = factOf(event);
          remember(fact);
          out.set(fact.id, fact);
        }
      }
      return E.right(out);
    },
    cachedKey: (contributorId) => {
      const cached = contributorCache.get(contributorId);
      return cached && currentKey(cached);
    },
    existingStreams: async (streams) => {
      const out = new Set<string>();
      for (const stream of new Set(streams)) {
        if (knownStreams.has(stream)) {
          out.add(stream);
          continue;
        }
        const read = await log.readStream(stream, { limit: 1 });
        if (E.isLeft(read)) return read;
        if (read.right.length > 0) {
          knownStreams.add(stream);
          out.add(stream);
        }
      }
      return E.right(out);
    },
    datasetDefiners: async (names) => {
      const out = new Map<string, string>();
      for (const name of new Set(names)) {
        let definer = definers.get(name);
        if (definer === undefined) {
          // A dataset's stream opens with its DatasetDefined (written with "no stream").
          const read = await log.readStream(datasetStream(name), { limit: 1 });
          if (E.isLeft(read)) return read;
          const first = read.right[0]?.data as { type?: string; signer?: string } | undefined;
          if (first?.type !== 'DatasetDefined' || typeof first.signer !== 'string') continue;
          definer = first.signer;
          definers.set(name, definer);
        }
        out.set(name, definer);
      }
      return E.right(out);
    },
    erasures: async (sampleIds) => {
      // An erasure is filed on the sample's own stream, after the sample; erasures are few, so
      // the stream is read each time (an erasure appended by another process must count).
      const out = new Map<string, string>();
      for (const sampleId of new Set(sampleIds)) {
        const read = await log.readStream(cfStream(sampleId));
        if (E.isLeft(read)) return read;
        const erasure = read.right.find((e) => (e.data as { type?: string }).type === 'SampleErased');
        if (erasure) out.set(sampleId, erasure.id);
      }
      return E.right(out);
    },
    founder: async () => {
      if (founder !== undefined) return E.right(founder);
      let after: LogPosition | null = null;
      for (;;) {
        const page = await log.readAll({ after, limit: 256 });
        if (E.isLeft(page)) return page;
        const first = page.right.find((e) => (e.data as { type?: string }).type === 'ContributorRegistered');
        if (first) {
          founder = (first.data as { signer: string }).signer;
          return E.right(founder);
        }
        if (page.right.length < 256) return E.right(undefined);
        after = page.right[page.right.length - 1]!.position;
      }
    },
  };
}
