// Verify, the projection half: each projection is rebuilt from zero into a scratch schema of its
// own up to its live checkpoint (all at once, sharing each read and decode of the log, when the
// log is given), and its tables compared with the live ones: first by a digest per table
// made in the database (canonicalDigest), and only when a digest differs by the canonicalDump of
// both, which names the first line that differs (the verdict is the dumps', as it always was).
// A difference means the tables were changed behind the runner's back, or the log under them
// was. Then the time index is checked against the log (verify-log-times.ts).
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, LogPosition } from '@cairn/eventlog';
import { canonicalDigest, canonicalDump } from './canonical-dump.js';
import { quoteSchema } from '../storage/store.js';
import type { Projection } from './projection.js';
import { createProjectionRunner, type CatchUpReport, type ProjectionRunner } from './runner.js';
import type { RunnerError } from './errors.js';
import { sharedReads } from './shared-reads.js';
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
   * The runner's log: given it, every projection is rebuilt at once, each through a runner of its
   * own (default batch size and decoder, as the live runner's must be), sharing one read and one
   * decode of each batch; without it, one after the other through `runner`.
   */
  readonly log?: EventLog;
  /** Every log event's position and time, to check cairn_log_times against (left unchecked when absent). */
  readonly leaves?: LogTimeline;
  /** Why catching the live tables up failed, if it did: they are compared where they stand. */
  readonly catchUpFailure?: string;
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
  const scratchOf = (i: number) => `${SCRATCH}_${i}`;
  const checkpointOf = (projection: Projection) => status.right.projections.find((p) => p.name === projection.name)?.checkpoint ?? null;
  // A projection whose live checkpoint is past the log's head is reported without a rebuild;
  // those before it are rebuilt and compared first, as when they were checked one by one.
  let cut = projections.findIndex((p) => {
    const checkpoint = checkpointOf(p);
    return checkpoint !== null && (logHead === null || checkpoint > logHead);
  });
  if (cut < 0) cut = projections.length;
  const rebuildOne = (projection: Projection, i: number, through: ProjectionRunner) => {
    const checkpoint = checkpointOf(projection);
    return through.rebuild(projection.name, { schema: scratchOf(i), ...(checkpoint === null ? {} : { to: checkpoint }) });
  };
  try {
    const ahead = projections.slice(0, cut);
    for (const [i] of ahead.entries()) await sql`drop schema if exists ${sql.raw(quoteSchema(scratchOf(i)))} cascade`.execute(db);
    let rebuilds: Promise<E.Either<RunnerError, CatchUpReport>>[];
    if (inputs.log !== undefined) {
      const shared = sharedReads(inputs.log);
      rebuilds = ahead.map((projection, i) => {
        const view = shared.view();
        const own = createProjectionRunner({ log: view.log, store: { db }, projections: [projection], decode: view.decode });
        return rebuildOne(projection, i, own).finally(view.leave);
      });
    } else {
      // One after the other: the runner takes one operation at a time anyway.
      rebuilds = [];
      for (const [i, projection] of ahead.entries()) {
        const previous = rebuilds[i - 1];
        rebuilds.push((previous ?? Promise.resolve()).then(() => rebuildOne(projection, i, runner)));
      }
    }
    // Every rebuild settles before a verdict, so none is left writing into a schema being dropped.
    const settled = await Promise.allSettled(rebuilds);
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
      const rebuilt = settled[i]!;
      if (rebuilt.status === 'rejected') throw rebuilt.reason;
      if (E.isLeft(rebuilt.value)) return verdict(projection.name, `the scratch rebuild failed: ${rebuilt.value.left.message}`);
      let liveDigest: Awaited<ReturnType<typeof canonicalDigest>>;
      try {
        liveDigest = await canonicalDigest(db, projection);
      } catch (cause) {
        // A dropped or altered live table: the projection's tables are not what the runner made.
        return verdict(projection.name, `the live tables cannot be read as the projection made them: ${messageOf(cause)}`);
      }
      entry.rows = liveDigest.rows;
      const scratchDigest = await canonicalDigest(db, projection, { schema: scratchOf(i) });
      if (liveDigest.lines.join('\n') !== scratchDigest.lines.join('\n')) {
        const live = await canonicalDump(db, projection);
        const scratch = await canonicalDump(db, projection, { schema: scratchOf(i) });
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
    if (inputs.leaves !== undefined) {
      const applied = status.right.projections.reduce<bigint | null>(
        (min, p) => (p.checkpoint === null ? min : min === null || p.checkpoint < min ? p.checkpoint : min),
        null,
      );
      const bad = await verifyLogTimes(db, inputs.leaves, applied);
      if (bad) return verdict(LOG_TIMES, bad.reason, { live: bad.live, rebuilt: bad.log });
    }
    if (inputs.catchUpFailure !== undefined) return verdict('-', 'the tables match a rebuild, yet could not be caught up');
  } catch (cause) {
    // Whatever the tables were turned into, verify answers with a verdict, never a stack trace.
    return verdict(current, `the projection tables cannot be checked: ${messageOf(cause)}`);
  } finally {
    for (const [i] of projections.entries())
      await sql`drop schema if exists ${sql.raw(quoteSchema(scratchOf(i)))} cascade`.execute(db).catch(() => undefined);
  }
  return { projections: out, firstBad: null };
}
