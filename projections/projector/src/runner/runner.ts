// The projection runner: reads the log from each projection's checkpoint in batches and applies
// them through applyBatch (one transaction per batch, checkpoint by compare-and-set), so any
// number of runners, crashes and restarts still apply every event exactly once. An event that
// cannot be applied (it does not decode, or it fails in a way that is its own: event-failure.ts)
// is recorded as failed and passed, so nothing the log accepted stops a projection for good.
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { EventLog, LogPosition, LogSubscription } from '@cairn/eventlog';
import type { ProjectionStore } from '../storage/store.js';
import {
  analyzeTables,
  beginBulkLoad,
  checkpointsIfUpToDate,
  endBulkLoad,
  prepareProjection,
  readCheckpoint,
  inScope,
  type SkippedEvent,
  type StepHook,
} from './batch.js';
import { defaultEventDecoder, toProjectedEvent, type EventDecoder } from './decode.js';
import { logUnavailable, reasonOf, type RunnerError } from './errors.js';
import { readFailures, type ProjectionFailure } from './failures.js';
import { attemptStretch, isolateFailures, type IsolationContext } from './isolate.js';
import type { Projection, ProjectedEvent } from './projection.js';
import { runnerTables } from './runner-tables.js';

export interface RunnerProgress {
  readonly projection: string;
  /** Checkpoint after the batch just committed. */
  readonly position: LogPosition;
  /** Head of the log when the catch-up started (null for an empty log). */
  readonly head: LogPosition | null;
  /** Events applied to this projection since the catch-up started. */
  readonly applied: number;
}

export interface ProjectionRunnerOptions {
  readonly log: EventLog;
  readonly store: Pick<ProjectionStore, 'db'>;
  readonly projections: readonly Projection[];
  /** Events per transaction (default 1000). */
  readonly batchSize?: number;
  /** Envelope decoder (default: @cairn/schemas' decodeEvent). */
  readonly decode?: EventDecoder;
  /** Called after each committed batch (the CLI draws its progress bar from this). */
  readonly onProgress?: (progress: RunnerProgress) => void;
  /** Called for each event a projection recorded as failed (and passed) in the live tables, once the record has committed. */
  readonly onEventFailed?: (failure: ProjectionFailure) => void;
  /** Errors met while following (start()); the runner stops following after one. */
  readonly onError?: (error: RunnerError) => void;
  /** Test hook run at each step of a batch (the crash test kills the process there). */
  readonly atStep?: StepHook;
}

export interface CatchUpReport {
  readonly projection: string;
  readonly from: LogPosition | null;
  readonly to: LogPosition | null;
  readonly events: number;
  /** Batches this runner lost to another runner's compare-and-set (and re-read). */
  readonly lostRaces: number;
  /** Events recorded as failed (not applied) in this catch-up; they are counted in `events` too. */
  readonly failed: number;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: LogPosition | null;
  readonly caughtUp: boolean;
  /**
   * head - checkpoint. Positions are not dense, so this is an upper bound on the number of
   * events still to apply, not a count.
   */
  readonly lagPositions: bigint;
  /** Events this projection recorded as failed instead of applying: its tables do not reflect them. */
  readonly failedEvents: number;
  /** The earliest of them (null when none). */
  readonly firstFailure: ProjectionFailure | null;
}

export interface RunnerStatus {
  readonly head: LogPosition | null;
  readonly projections: readonly ProjectionStatus[];
}

export interface RebuildOptions {
  /** Replay only events at or before this position (time travel by rebuild). */
  readonly to?: LogPosition;
  /** Rebuild into this schema (created if missing) instead of the live tables. */
  readonly schema?: string;
}

export interface ProjectionRunner {
  /** Catches every projection up to the head of the log. */
  runOnce(): Promise<Either<RunnerError, readonly CatchUpReport[]>>;
  /** Catches up, then follows the log until stop() (errors go to onError). */
  start(): Promise<Either<RunnerError, readonly CatchUpReport[]>>;
  stop(): Promise<void>;
  /** Drops the projection's tables, migrates and replays from zero (optionally up to `to`, into `schema`). */
  rebuild(name: string, options?: RebuildOptions): Promise<Either<RunnerError, CatchUpReport>>;
  /**
   * rebuild() of several projections at once (all up to the same `to`, into the same `schema`): one
   * catch-up of them together, so each batch of the log is read and decoded once for all of them.
   */
  rebuildTogether(names: readonly string[], options?: RebuildOptions): Promise<Either<RunnerError, readonly CatchUpReport[]>>;
  status(): Promise<Either<RunnerError, RunnerStatus>>;
  /** The events a projection recorded as failed, in log order (at most `limit`, default 100). */
  failures(name: string, options?: { readonly limit?: number }): Promise<Either<RunnerError, readonly ProjectionFailure[]>>;
}

const DEFAULT_BATCH_SIZE = 1000;
/** A catch-up that applied this many events to a projection gathers its tables' statistics again. */
const ANALYZE_AFTER_EVENTS = 10_000;
/** Events decoded between two yields to the event loop (a few milliseconds of work). */
const DECODE_SLICE = 256;

export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { log, projections } = options;
  const db = runnerTables(options.store.db);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const decode = options.decode ?? defaultEventDecoder;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize: expected a positive integer, got ${batchSize}`);
  const names = new Set<string>();
  for (const p of projections) {
    if (names.has(p.name)) throw new Error(`projections: the name ${JSON.stringify(p.name)} is used twice`);
    names.add(p.name);
  }

  // One operation at a time per runner (follow wake-ups, rebuilds, runOnce from the caller).
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const prepared = new Set<string>();

  /** What one projection's prepare(events) made of a batch, or why it threw. */
  type Prepared = { readonly rows: unknown } | { readonly failure: string };

  interface Fetched {
    readonly events: readonly ProjectedEvent[];
    /** Events that did not decode: recorded as failed with the batch. */
    readonly undecodable: readonly SkippedEvent[];
    /** The last position read (null when the read was empty). */
    readonly through: LogPosition | null;
    /** prepare(events) of each projection that has one and was to apply the batch when it was read. */
    readonly prepared: ReadonlyMap<string, Prepared>;
    /** The read came back full and uncut: there may be more after it. */
    readonly more: boolean;
    /** The read was cut at a bound short of `to` (another projection's checkpoint): there is more after it. */
    readonly cut: boolean;
  }

  /**
   * Reads and decodes the batch after `after`, up to `bound` (inclusive) when given, and runs the
   * prepare of each of `projections` on it; never rejects.
   */
  async function fetchBatch(
    projections: readonly Projection[],
    after: LogPosition | null,
    bound: LogPosition | undefined,
    to: LogPosition | undefined,
  ): Promise<Either<RunnerError, Fetched>> {
    try {
      const read = await log.readAll({ after, limit: batchSize });
      if (isLeft(read)) return left(logUnavailable(read.left));
      const recorded = bound === undefined ? read.right : read.right.filter((e) => e.position <= bound);
      const events: ProjectedEvent[] = [];
      const undecodable: SkippedEvent[] = [];
      for (const [i, r] of recorded.entries()) {
        // Decoding is this process's CPU and the batch being written is the server's: yielding
        // now and then lets the writer send its next statement as soon as the last one returns,
        // so the two overlap instead of the whole decode running between two statements.
        if (i % DECODE_SLICE === DECODE_SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
        const decoded = toProjectedEvent(r, decode);
        if (isLeft(decoded)) {
          // Not skipped silently: recorded with its position, field and reason, shown by status and verify.
          const reason = decoded.left._tag === 'EventUndecodable' ? `${decoded.left.field}: ${decoded.left.reason}` : decoded.left.message;
          undecodable.push({
            position: r.position,
            eventId: r.id,
            eventType: r.type,
            reason: `does not decode: ${reason}`,
            recordedAt: r.recordedAt,
          });
        } else events.push(decoded.right);
      }
      const uncut = recorded.length === read.right.length;
      const prepared = new Map<string, Prepared>();
      for (const projection of projections) {
        if (projection.prepare === undefined || events.length === 0) continue;
        await new Promise((resolve) => setImmediate(resolve));
        try {
          prepared.set(projection.name, { rows: projection.prepare(events) });
        } catch (cause) {
          prepared.set(projection.name, { failure: reasonOf(cause) });
        }
      }
      return right({
        events,
        undecodable,
        through: recorded[recorded.length - 1]?.position ?? null,
        prepared,
        more: read.right.length === batchSize && uncut,
        cut: !uncut && bound !== undefined && (to === undefined || bound < to),
      });
    } catch (cause) {
      return left({
        _tag: 'LogUnavailable',
        error: { _tag: 'Unavailable', reason: reasonOf(cause), cause },
        message: `reading the log failed: ${reasonOf(cause)}`,
      });
    }
  }

  /** One projection's progress through a catch-up. */
  interface Lane {
    readonly projection: Projection;
    /** Its checkpoint as this runner last claimed or read it; undefined: read it first. */
    checkpoint: LogPosition | null | undefined;
    from: LogPosition | null | undefined;
    applied: number;
    lostRaces: number;
    failedEvents: number;
    /** A bulk load (see beginBulkLoad), decided at the lane's first batch. */
    bulk: boolean | undefined;
    done: boolean;
  }

  /**
   * Catches `projections` up together: each batch of the log is read and decoded once and applied
   * to every projection whose checkpoint is where the batch starts, each in its own transaction (so
   * each keeps its own checkpoint, failures and races, exactly as if it ran alone). Projections at
   * different checkpoints are brought level first: the one furthest behind reads alone, its batches
   * cut at the next checkpoint up, until it reaches it and the two go on as one.
   */
  async function catchUp(
    projections: readonly Projection[],
    schema: string | null,
    to: LogPosition | undefined,
  ): Promise<Either<RunnerError, readonly CatchUpReport[]>> {
    const headResult = await log.head();
    if (isLeft(headResult)) return left(logUnavailable(headResult.left));
    const head = to !== undefined && headResult.right !== null && headResult.right > to ? to : headResult.right;
    const checkpointOf = async (projection: Projection) =>
      (schema === null ? await readCheckpoint(db, projection.name) : await inScope(db, schema, (tx) => readCheckpoint(tx, projection.name)))
        ?.position ?? null;
    const lanes: Lane[] = projections.map((projection) => ({
      projection,
      checkpoint: undefined,
      from: undefined,
      applied: 0,
      lostRaces: 0,
      failedEvents: 0,
      bulk: undefined,
      done: false,
    }));
    // The next batch is read and decoded while the current one is written (decoding is CPU in
    // this process, writing is mostly the database's time); a prefetch for another start or bound
    // (a lost race, projections come level) is simply dropped.
    let prefetched:
      | { readonly after: LogPosition; readonly bound: LogPosition | undefined; readonly batch: Promise<Either<RunnerError, Fetched>> }
      | undefined;
    const failed = (
      projection: Projection,
      fromPosition: LogPosition,
      toPosition: LogPosition,
      cause: unknown,
    ): Either<RunnerError, never> =>
      left({
        _tag: 'ProjectionFailed',
        projection: projection.name,
        fromPosition,
        toPosition,
        reason: reasonOf(cause),
        cause,
        message: `projection ${projection.name} failed on positions ${fromPosition}..${toPosition}: ${reasonOf(cause)}`,
      });
    const before = (a: LogPosition | null, b: LogPosition | null) => (a === null ? b !== null : b !== null && a < b);

    /** Applies a batch to one lane; returns false when it lost the race for its checkpoint. */
    const applyTo = async (lane: Lane, fetched: Fetched, more: boolean): Promise<Either<RunnerError, boolean>> => {
      const { projection } = lane;
      const after = lane.checkpoint ?? null;
      const { events, undecodable, through } = fetched;
      if (through === null) return right(true);
      const firstPosition = events[0]?.position ?? undecodable[0]?.position ?? through;
      await options.atStep?.('batch-read', { projection: projection.name, events: events.length });
      let outcome: 'applied' | 'lost-race';
      try {
        lane.bulk ??= after === null && more && (await beginBulkLoad(db, schema, projection));
        const ctx: IsolationContext = {
          db,
          schema,
          projection,
          bulk: lane.bulk,
          hook: options.atStep,
          onFailed: (f) => {
            lane.failedEvents += 1;
            if (schema === null)
              options.onEventFailed?.({
                projection: projection.name,
                position: f.position,
                eventId: f.eventId,
                eventType: f.eventType,
                reason: f.reason,
              });
          },
        };
        const stretch = { events, skipped: undecodable, through };
        const made = fetched.prepared.get(projection.name);
        const tried =
          made !== undefined && 'failure' in made ? { reason: made.failure } : await attemptStretch(ctx, after, stretch, made?.rows);
        outcome = typeof tried === 'string' ? tried : await isolateFailures(ctx, after, stretch, tried.reason);
      } catch (cause) {
        return failed(projection, firstPosition, through, cause);
      }
      if (outcome === 'lost-race') {
        lane.lostRaces += 1;
        lane.checkpoint = undefined;
        return right(false);
      }
      lane.checkpoint = through;
      lane.applied += events.length + undecodable.length;
      options.onProgress?.({ projection: projection.name, position: through, head, applied: lane.applied });
      return right(true);
    };

    const batches = async (): Promise<Either<RunnerError, void>> => {
      for (;;) {
        for (const lane of lanes) {
          if (lane.done || lane.checkpoint !== undefined) continue;
          lane.checkpoint = await checkpointOf(lane.projection);
          lane.from ??= lane.checkpoint;
          if (to !== undefined && lane.checkpoint !== null && lane.checkpoint >= to) lane.done = true;
        }
        const active = lanes.filter((l) => !l.done);
        if (active.length === 0) return right(undefined);
        // The lanes furthest behind read together, up to the next checkpoint up (or `to`).
        let after: LogPosition | null = active[0]!.checkpoint!;
        for (const l of active) if (before(l.checkpoint!, after)) after = l.checkpoint!;
        const group = active.filter((l) => l.checkpoint === after);
        let next: LogPosition | undefined;
        for (const l of active) {
          const c = l.checkpoint!;
          if (c !== null && before(after, c) && (next === undefined || c < next)) next = c;
        }
        const bound = next !== undefined && (to === undefined || next < to) ? next : to;
        const fetched =
          prefetched !== undefined && prefetched.after === after && prefetched.bound === bound
            ? await prefetched.batch
            : await fetchBatch(
                group.map((l) => l.projection),
                after,
                bound,
                to,
              );
        prefetched = undefined;
        if (isLeft(fetched)) return fetched;
        const batch = fetched.right;
        const { through } = batch;
        // Nothing after `after` (up to the bound): the group is done, unless a bound cut it short.
        if (through === null) {
          for (const l of group) l.done = true;
          continue;
        }
        const more = batch.more || batch.cut;
        if (more && (bound === undefined || through < bound))
          prefetched = {
            after: through,
            bound,
            batch: fetchBatch(
              group.map((l) => l.projection),
              through,
              bound,
              to,
            ),
          };
        for (const lane of group) {
          const applied = await applyTo(lane, batch, more);
          if (isLeft(applied)) return applied;
          if (applied.right && !more) lane.done = true;
        }
      }
    };
    const done = await batches();
    for (const lane of lanes) {
      if (lane.bulk !== true) continue;
      try {
        await endBulkLoad(db, schema, lane.projection);
      } catch (cause) {
        // Rows are complete either way; the next prepare (migrate) builds whatever is still missing.
        if (isLeft(done)) return done;
        const at = (await checkpointOf(lane.projection)) ?? 0n;
        return failed(lane.projection, at, at, cause);
      }
    }
    if (isLeft(done)) return done;
    // A catch-up from zero, or a long one, reshaped the tables: the planner's statistics follow.
    // (A scratch schema, as verify rebuilds into, is dumped and dropped: no plan reads it.)
    for (const lane of lanes)
      if (schema === null && lane.applied > 0 && (lane.from === null || lane.applied >= ANALYZE_AFTER_EVENTS))
        await analyzeTables(db, lane.projection).catch(() => undefined); // only speed is at stake
    const reports: CatchUpReport[] = [];
    for (const lane of lanes)
      reports.push({
        projection: lane.projection.name,
        from: lane.from ?? null,
        to: await checkpointOf(lane.projection),
        events: lane.applied,
        lostRaces: lane.lostRaces,
        failed: lane.failedEvents,
      });
    return right(reports);
  }

  async function prepare(projection: Projection, schema: string | null, reset: boolean): Promise<Either<RunnerError, void>> {
    try {
      await prepareProjection(db, schema, projection, { reset });
      return right(undefined);
    } catch (cause) {
      return left({
        _tag: 'ProjectionFailed',
        projection: projection.name,
        fromPosition: 0n,
        toPosition: 0n,
        reason: reasonOf(cause),
        cause,
        message: `projection ${projection.name} could not be migrated: ${reasonOf(cause)}`,
      });
    }
  }

  /**
   * Reports of a catch-up with nothing to do, when one read of the head and one of the
   * checkpoints shows that (see checkpointsIfUpToDate): a query on a store nobody wrote to since
   * pays no migration and no per-projection reads. A projection whose migrate gained statements
   * without a version bump gets them at the next catch-up that has events to apply.
   */
  const nothingToDo = async (): Promise<readonly CatchUpReport[] | undefined> => {
    // Any failure here is the full path's to report.
    const head = await log.head().catch(() => undefined);
    if (head === undefined || isLeft(head)) return undefined;
    const at = await checkpointsIfUpToDate(db, projections, head.right);
    return (
      at &&
      projections.map((p) => ({
        projection: p.name,
        from: at.get(p.name) ?? null,
        to: at.get(p.name) ?? null,
        events: 0,
        lostRaces: 0,
        failed: 0,
      }))
    );
  };

  const runOnceNow = async (): Promise<Either<RunnerError, readonly CatchUpReport[]>> => {
    const idle = await nothingToDo();
    if (idle !== undefined) return right(idle);
    for (const projection of projections) {
      if (prepared.has(projection.name)) continue;
      const ready = await prepare(projection, null, false);
      if (isLeft(ready)) return ready;
      prepared.add(projection.name);
    }
    const reports = await catchUp(projections, null, undefined);
    // Migrate again next time: it restores indexes a failed bulk load may have left dropped.
    if (isLeft(reports)) for (const projection of projections) prepared.delete(projection.name);
    return reports;
  };

  const rebuildTogether = (wanted: readonly string[], rebuildOptions: RebuildOptions = {}) =>
    exclusive(async (): Promise<Either<RunnerError, readonly CatchUpReport[]>> => {
      const chosen: Projection[] = [];
      for (const name of new Set(wanted)) {
        const projection = projections.find((p) => p.name === name);
        if (projection === undefined) {
          return left({
            _tag: 'UnknownProjection',
            projection: name,
            message: `no projection named ${JSON.stringify(name)} (known: ${[...names].join(', ')})`,
          } as const);
        }
        chosen.push(projection);
      }
      const schema = rebuildOptions.schema ?? null;
      for (const projection of chosen) {
        const ready = await prepare(projection, schema, true);
        if (isLeft(ready)) return ready;
        if (schema === null) prepared.add(projection.name);
      }
      return catchUp(chosen, schema, rebuildOptions.to);
    });

  let subscription: LogSubscription | undefined;
  let following: Promise<void> | undefined;

  async function follow(sub: LogSubscription): Promise<void> {
    let pending = false;
    let worker: Promise<void> | undefined;
    const work = async () => {
      while (pending && subscription === sub) {
        pending = false;
        const result = await exclusive(runOnceNow);
        if (isLeft(result)) {
          options.onError?.(result.left);
          await sub.close();
          return;
        }
      }
    };
    try {
      for await (const _event of sub) {
        pending = true;
        worker ??= work().finally(() => (worker = undefined));
      }
    } catch (cause) {
      options.onError?.({
        _tag: 'LogUnavailable',
        error: { _tag: 'Unavailable', reason: reasonOf(cause), cause },
        message: `following the log failed: ${reasonOf(cause)}`,
      });
    }
    await worker;
  }

  return {
    runOnce: () => exclusive(runOnceNow),
    start: async () => {
      if (subscription !== undefined) throw new Error('start: the runner is already following the log');
      const first = await exclusive(runOnceNow);
      if (isLeft(first)) return first;
      // Subscribing after the lowest checkpoint wakes us for anything appended since catch-up.
      const checkpoints = first.right.map((r) => r.to);
      const lowest = checkpoints.includes(null)
        ? null
        : (checkpoints as LogPosition[]).reduce<LogPosition | null>((min, p) => (min === null || p < min ? p : min), null);
      const sub = log.subscribe({ after: lowest, batchSize });
      subscription = sub;
      following = follow(sub);
      return first;
    },
    stop: async () => {
      const sub = subscription;
      subscription = undefined;
      await sub?.close();
      await following;
      following = undefined;
      await exclusive(async () => undefined);
    },
    rebuild: async (name, rebuildOptions = {}) => {
      const reports = await rebuildTogether([name], rebuildOptions);
      return isLeft(reports) ? reports : right(reports.right[0]!);
    },
    rebuildTogether: (names, rebuildOptions) => rebuildTogether(names, rebuildOptions),
    status: async () => {
      const head = await log.head();
      if (isLeft(head)) return left(logUnavailable(head.left));
      const statuses: ProjectionStatus[] = [];
      for (const projection of projections) {
        const checkpoint = await readCheckpoint(db, projection.name).catch(() => undefined);
        const failures =
          checkpoint === undefined
            ? { count: 0, first: [] }
            : await readFailures(db, projection.name, 1).catch(() => ({ count: 0, first: [] }));
        const position = checkpoint?.position ?? null;
        const lag = head.right === null ? 0n : position === null ? head.right : head.right - position;
        statuses.push({
          name: projection.name,
          version: checkpoint?.version ?? projection.version,
          checkpoint: position,
          // A checkpoint of another version is caught up with nothing: the next catch-up rebuilds it.
          caughtUp:
            (checkpoint === undefined || checkpoint.version === projection.version) &&
            (head.right === null || (position !== null && position >= head.right)),
          lagPositions: lag < 0n ? 0n : lag,
          failedEvents: failures.count,
          firstFailure: failures.first[0] ?? null,
        });
      }
      return right({ head: head.right, projections: statuses });
    },
    failures: async (name, failureOptions = {}) => {
      if (!names.has(name))
        return left({
          _tag: 'UnknownProjection',
          projection: name,
          message: `no projection named ${JSON.stringify(name)} (known: ${[...names].join(', ')})`,
        });
      try {
        return right((await readFailures(db, name, failureOptions.limit ?? 100)).first);
      } catch (cause) {
        // No runner tables yet: nothing has been projected, so nothing has failed.
        if ((await readCheckpoint(db, name).catch(() => undefined)) === undefined) return right([]);
        return left({
          _tag: 'ProjectionFailed',
          projection: name,
          fromPosition: 0n,
          toPosition: 0n,
          reason: reasonOf(cause),
          cause,
          message: `the failures of projection ${name} could not be read: ${reasonOf(cause)}`,
        });
      }
    },
  };
}
