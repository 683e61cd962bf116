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

/** Rows of the time index read at once: the index has up to a row per event, and a long log's would not fit in memory whole. */
export const LOG_TIMES_PAGE = 10_000;

/**
 * The first fault of the time index against the log, or null when it answers as the log would.
 * A fault of a row (in position order) comes before a missing row (in log order). The table and
 * the timeline are both in position order, so they are walked side by side, the table a page at
 * a time: nothing is held per event.
 */
export async function verifyLogTimes<TDB>(
  db: Kysely<TDB>,
  timeline: LogTimeline,
  appliedUpTo: LogPosition | null,
  page: number = LOG_TIMES_PAGE,
): Promise<BadTime | null> {
  let missing: BadTime | null = null;
  // The timeline's event the walk is at, and whether a row named it.
  let i = 0;
  let named = false;
  /** Passes the timeline's events before `position`, noting the first run end without a row. */
  const passTo = (position: LogPosition | null) => {
    for (; i < timeline.size; i++, named = false) {
      const { position: at, time } = timeline.eventAt(i);
      if (position !== null && at >= position) return;
      if (named || missing !== null || appliedUpTo === null || at > appliedUpTo) continue;
      const next = i + 1 < timeline.size ? timeline.eventAt(i + 1) : undefined;
      if (next === undefined || next.time !== time)
        missing = {
          reason: `${LOG_TIMES_TABLE} has no row for position ${at} (recorded at ${iso(time)}), so --as-of that time answers an earlier position`,
          live: null,
          log: iso(time),
        };
    }
  };
  const t = LOG_TIMES_TABLE;
  for (let after: { readonly position: string; readonly at: string } | null = null; ;) {
    // Ordered by the table's bigint column: the output column of the same name is text, and text
    // order would name position 1000 before 999 as the first fault. Pages follow on from the
    // last row's position and time, both: a table whose key was dropped can hold a position twice.
    let query = runnerTables(db)
      .selectFrom(t)
      .select([sql<string>`position::text`.as('position'), 'recorded_at', sql<string>`recorded_at::text`.as('at')])
      .orderBy(`${t}.position`)
      .orderBy(`${t}.recorded_at`)
      .limit(page);
    if (after !== null)
      query = query.where(
        sql<boolean>`(${sql.ref(`${t}.position`)}, ${sql.ref(`${t}.recorded_at`)}) > (${after.position}::bigint, ${after.at}::timestamptz)`,
      );
    const rows = await query.execute();
    for (const row of rows) {
      const position = BigInt(row.position);
      const time = new Date(row.recorded_at).getTime();
      passTo(position);
      const event = i < timeline.size ? timeline.eventAt(i) : undefined;
      const live = `${LOG_TIMES_TABLE} position ${position} at ${iso(time)}`;
      if (event === undefined || event.position !== position)
        return { reason: `${LOG_TIMES_TABLE} names position ${position}, where the log has no event`, live, log: null };
      if (event.time !== time)
        return {
          reason: `${LOG_TIMES_TABLE} says position ${position} was recorded at ${iso(time)}, the log says ${iso(event.time)}`,
          live,
          log: iso(event.time),
        };
      named = true;
    }
    if (rows.length < page) break;
    const last = rows[rows.length - 1]!;
    after = { position: last.position, at: last.at };
  }
  passTo(null);
  return missing;
}
