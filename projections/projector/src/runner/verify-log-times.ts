// Verify, the time index: the runner's cairn_log_times (what `--as-of TIME` answers from) against
// the times the log recorded. The runner keeps only the last position of each run of equal times
// within a batch (log-times.ts), so the table is not a canonical dump to compare byte for byte;
// instead: every row must name a log event and carry its time, and every position where the log's
// time changes (up to what the projections applied) must have a row. Those are exactly the rows
// `positionAtTime` needs to answer as the log would.
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { LOG_TIMES_TABLE, runnerTables } from './runner-tables.js';

/** The log's events in order, each with its position and the time (ms since the epoch) the log recorded it. */
export interface LogTimeline {
  readonly size: number;
  eventAt(index: number): { readonly position: LogPosition; readonly time: number };
}

export interface BadTime {
  readonly reason: string;
  /** The time index row at fault, null when a row is missing. */
  readonly live: string | null;
  /** The log's time at that position, null when the log has no event there. */
  readonly log: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The first fault of the time index against the log, or null when it answers as the log would. */
export async function verifyLogTimes<TDB>(
  db: Kysely<TDB>,
  timeline: LogTimeline,
  appliedUpTo: LogPosition | null,
): Promise<BadTime | null> {
  // Ordered by the table's bigint column: the output column of the same name is text, and text
  // order would name position 1000 before 999 as the first fault.
  const rows = await runnerTables(db)
    .selectFrom(LOG_TIMES_TABLE)
    .select([sql<string>`position::text`.as('position'), 'recorded_at'])
    .orderBy(`${LOG_TIMES_TABLE}.position`)
    .execute();
  const timeAt = new Map<bigint, number>();
  for (let i = 0; i < timeline.size; i++) {
    const { position, time } = timeline.eventAt(i);
    timeAt.set(position, time);
  }
  const present = new Set<bigint>();
  for (const row of rows) {
    const position = BigInt(row.position);
    const time = new Date(row.recorded_at).getTime();
    const logTime = timeAt.get(position);
    const live = `${LOG_TIMES_TABLE} position ${position} at ${iso(time)}`;
    if (logTime === undefined)
      return { reason: `${LOG_TIMES_TABLE} names position ${position}, where the log has no event`, live, log: null };
    if (logTime !== time)
      return {
        reason: `${LOG_TIMES_TABLE} says position ${position} was recorded at ${iso(time)}, the log says ${iso(logTime)}`,
        live,
        log: iso(logTime),
      };
    present.add(position);
  }
  if (appliedUpTo === null) return null;
  for (let i = 0; i < timeline.size; i++) {
    const { position, time } = timeline.eventAt(i);
    if (position > appliedUpTo) break;
    const next = i + 1 < timeline.size ? timeline.eventAt(i + 1) : undefined;
    const runEnds = next === undefined || next.time !== time;
    if (runEnds && !present.has(position))
      return {
        reason: `${LOG_TIMES_TABLE} has no row for position ${position} (recorded at ${iso(time)}), so --as-of that time answers an earlier position`,
        live: null,
        log: iso(time),
      };
  }
  return null;
}
