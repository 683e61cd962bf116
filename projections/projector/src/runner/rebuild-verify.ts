// Verify, the projection half: every projection is rebuilt from zero into one scratch schema up to
// its live checkpoint, by the runner's own catch-up of them together (each batch of the log read
// and decoded once for all of them), and its tables compared with the live ones: first by a digest
// per table made in the database (canonicalDigest), and only when a digest differs by the
// canonicalDump of both, which names the first line that differs (the verdict is the dumps', as it
// always was). A difference means the tables were changed behind the runner's back, or the log
// under them was. Then the time index is checked against the log (verify-log-times.ts).
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, LogPosition } from '@cairn/eventlog';
import { canonicalDigest, canonicalDump } from './canonical-dump.js';
import { quoteSchema } from '../storage/store.js';
import type { Projection } from './projection.js';
import { createProjectionRunner, type CatchUpReport, type ProjectionRunner } from './runner.js';
import type { RunnerError } from './errors.js';
import { verifyLogTimes, type LogTimeline } from './verify-log-times.js';

export interface BadRow {
  readonly projection: string;
  readonly reason: string;
  /** The first line (table header or row, canonical JSON) that differs, live and rebuilt. */
  readonly live: string | null;
  readonly rebuilt: string | null;
}

export interface ProjectionVerification {
  readonly projections: readonly {
    readonly name: string;
    readonly checkpoint: string | null;
    readonly rows: number;
    readonly ok: boolean;
  }[];
  readonly firstBad: BadRow | null;
}

export interface RebuildVerifyInputs<TDB = unknown> {
  /** The store's handle (any projection's: only the runner's tables and catalog are read through it). */
  readonly db: Kysely<TDB>;
  readonly runner: ProjectionRunner;
  readonly projections: readonly Projection[];
  readonly logHead: LogPosition | null;
  /**
   * The runner's log: given it, the rebuild runs through a runner of its own over it (default
   * batch size and decoder, as the live runner's must be, and none of the live runner's progress
   * callbacks); without it, through `runner`.
   */
  readonly log?: EventLog;
  /**
   * Every log event's position and time, to check cairn_log_times against (left unchecked when
   * absent). May be a promise: the log check that gathers them can run while the tables are
   * rebuilt, and the time index is checked last.
   */
  readonly leaves?: LogTimeline | PromiseLike<LogTimeline | undefined>;
  /** Why catching the live tables up failed, if it did: they are compared where they stand. */
  readonly catchUpFailure?: string;
  /**
   * Once aborted, the rebuild reads no more of the log: it stops at its next batch, its scratch
   * schema is dropped, and the verdict says it was stopped (the caller no longer wants it: verify
   * found the log itself bad meanwhile). Only with `log`.
   */
  readonly signal?: AbortSignal;
}

const STOPPED = 'the rebuild was stopped before it finished';

/** The log as the rebuild reads it: once `signal` is aborted, every read fails instead. */
function stoppable(log: EventLog, signal: AbortSignal | undefined): EventLog {
  if (signal === undefined) return log;
  return new Proxy(log, {
    get(target, property) {
      if (property === 'readAll')
        return (options?: Parameters<EventLog['readAll']>[0]) =>
          signal.aborted ? Promise.resolve(E.left({ _tag: 'Unavailable' as const, reason: STOPPED })) : target.readAll(options);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function firstDifference(live: string, rebuilt: string): { live: string | null; rebuilt: string | null } {
  const a = live.split('\n');
  const b = rebuilt.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return { live: a[i] ?? null, rebuilt: b[i] ?? null };
  return { live: null, rebuilt: null };
}

/** How the time index is named in a verdict. */
const LOG_TIMES = 'log times';

const messageOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

type Digest = Awaited<ReturnType<typeof canonicalDigest>>;

/**
 * The live digest of each projection, one after another in the background (never two at once on
 * a one-connection store, where each would hold up the rebuild's writes for longer). Each settles
 * to its digest or to why the tables could not be read; none is started once `signal` is aborted.
 */
function digestsInTurn<TDB>(
  db: Kysely<TDB>,
  projections: readonly Projection[],
  signal: AbortSignal | undefined,
): Map<string, Promise<E.Either<unknown, Digest>>> {
  const out = new Map<string, Promise<E.Either<unknown, Digest>>>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const projection of projections) {
    const digest = previous.then(() =>
      signal?.aborted === true
        ? E.left(new Error(STOPPED))
        : canonicalDigest(db, projection).then(
            (d) => E.right(d),
            (cause: unknown) => E.left(cause),
          ),
    );
    out.set(projection.name, digest);
    previous = digest;
  }
  return out;
}

/** A verdict for every projection up to the first that differs from its rebuild, never a throw. */
export async function verifyProjections<TDB>(inputs: RebuildVerifyInputs<TDB>): Promise<ProjectionVerification> {
  const { db, runner, projections, logHead } = inputs;
  // Unique per run: two verifies against one Postgres must not share a scratch schema.
  const SCRATCH = `cairn_verify_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const status = await runner.status();
  if (E.isLeft(status)) return { projections: [], firstBad: { projection: '-', reason: status.left.message, live: null, rebuilt: null } };
  const out: { name: string; checkpoint: string | null; rows: number; ok: boolean }[] = [];
  const verdict = (
    projection: string,
    reason: string,
    d: { live: string | null; rebuilt: string | null } = { live: null, rebuilt: null },
  ): ProjectionVerification => ({
    projections: out,
    firstBad: {
      projection,
      reason:
        inputs.catchUpFailure === undefined
          ? reason
          : `${reason}; catching the tables up from their checkpoint failed: ${inputs.catchUpFailure}`,
      ...d,
    },
  });
  let current = '-';
  const checkpointOf = (projection: Projection) => status.right.projections.find((p) => p.name === projection.name)?.checkpoint ?? null;
  // A projection whose live checkpoint is past the log's head is reported without a rebuild;
  // those before it are rebuilt and compared first, as when they were checked one by one.
  let cut = projections.findIndex((p) => {
    const checkpoint = checkpointOf(p);
    return checkpoint !== null && (logHead === null || checkpoint > logHead);
  });
  if (cut < 0) cut = projections.length;
  const ahead = projections.slice(0, cut);
  // The live tables stand still while they are checked (the session holds the store, and tables
  // that were behind were caught up before this was called), so their digests are taken while the
  // rebuild runs instead of after it: the database is mostly idle while the log is read and
  // decoded for the rebuild, and only the scratch tables' digests are left for the end.
  const liveDigests = digestsInTurn(db, ahead, inputs.signal);
  try {
    await sql`drop schema if exists ${sql.raw(quoteSchema(SCRATCH))} cascade`.execute(db);
    const through =
      inputs.log === undefined
        ? runner
        : createProjectionRunner({ log: stoppable(inputs.log, inputs.signal), store: { db }, projections: [...ahead] });
    // Projections are rebuilt together up to each checkpoint they share (after a catch-up, all of
    // them share the head's). A rebuild that fails in one projection stops the catch-up of all:
    // the failure is that projection's verdict, and the others are rebuilt again without it, so
    // each gets the verdict it would get rebuilt alone.
    const targets = new Map<string, Projection[]>();
    for (const projection of ahead) {
      const key = checkpointOf(projection)?.toString() ?? '';
      targets.set(key, [...(targets.get(key) ?? []), projection]);
    }
    const rebuilt = new Map<string, E.Either<RunnerError, CatchUpReport>>();
    for (const [key, together] of targets) {
      let pending = together;
      while (pending.length > 0) {
        const reports = await through.rebuildTogether(
          pending.map((p) => p.name),
          { schema: SCRATCH, ...(key === '' ? {} : { to: BigInt(key) }) },
        );
        if (E.isRight(reports)) {
          for (const report of reports.right) rebuilt.set(report.projection, E.right(report));
          break;
        }
        const failure = reports.left;
        const failed = 'projection' in failure ? pending.find((p) => p.name === failure.projection) : undefined;
        if (failed === undefined) {
          for (const projection of pending) rebuilt.set(projection.name, reports);
          break;
        }
        rebuilt.set(failed.name, reports);
        pending = pending.filter((p) => p !== failed);
      }
    }
    for (const [i, projection] of projections.entries()) {
      current = projection.name;
      const checkpoint = checkpointOf(projection);
      const entry = { name: projection.name, checkpoint: checkpoint === null ? null : checkpoint.toString(), rows: 0, ok: false };
      out.push(entry);
      if (i === cut) {
        return verdict(
          projection.name,
          `the projection has applied the log up to position ${checkpoint}, but the log now ends at ${logHead ?? 'nothing'}: events were removed from its tail`,
        );
      }
      const report = rebuilt.get(projection.name)!;
      if (E.isLeft(report)) return verdict(projection.name, `the scratch rebuild failed: ${report.left.message}`);
      const liveDigest = await liveDigests.get(projection.name)!;
      // A dropped or altered live table: the projection's tables are not what the runner made.
      if (E.isLeft(liveDigest))
        return verdict(projection.name, `the live tables cannot be read as the projection made them: ${messageOf(liveDigest.left)}`);
      entry.rows = liveDigest.right.rows;
      const scratchDigest = await canonicalDigest(db, projection, { schema: SCRATCH });
      if (liveDigest.right.lines.join('\n') !== scratchDigest.lines.join('\n')) {
        const live = await canonicalDump(db, projection);
        const scratch = await canonicalDump(db, projection, { schema: SCRATCH });
        if (live !== scratch) {
          const d = firstDifference(live, scratch);
          return verdict(
            projection.name,
            `the live tables differ from a rebuild from the log up to the projection's checkpoint ${checkpoint ?? '(none)'}`,
            d,
          );
        }
      }
      entry.ok = true;
    }
    current = LOG_TIMES;
    const leaves = await inputs.leaves;
    if (leaves !== undefined) {
      const applied = status.right.projections.reduce<bigint | null>(
        (min, p) => (p.checkpoint === null ? min : min === null || p.checkpoint < min ? p.checkpoint : min),
        null,
      );
      const bad = await verifyLogTimes(db, leaves, applied);
      if (bad) return verdict(LOG_TIMES, bad.reason, { live: bad.live, rebuilt: bad.log });
    }
    if (inputs.catchUpFailure !== undefined) return verdict('-', 'the tables match a rebuild, yet could not be caught up');
  } catch (cause) {
    // Whatever the tables were turned into, verify answers with a verdict, never a stack trace.
    return verdict(current, `the projection tables cannot be checked: ${messageOf(cause)}`);
  } finally {
    // Never left running under a store about to be closed (they settle, never reject).
    await Promise.all(liveDigests.values());
    await sql`drop schema if exists ${sql.raw(quoteSchema(SCRATCH))} cascade`.execute(db).catch(() => undefined);
  }
  return { projections: out, firstBad: null };
}
