// Time → position. "As of time T" means "as of the last position recorded at or before T":
// answer(T) = max{ p : recordedAt(p) <= T }. Only the last position of each run of equal
// recordedAt values is stored (a bulk append shares one timestamp, so this is usually a few rows
// per batch): for any p in a run, the run's last position has the same recordedAt and is at least
// p, so the maximum over the stored rows equals the maximum over all positions, even when the
// log's clock is not monotonic in position.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionToDb } from '../storage/positions.js';
import { LOG_TIMES_TABLE, runnerTables, type RunnerDatabase } from './runner-tables.js';

/** A log position and when the log recorded it (an applied event, or one recorded as failed). */
export interface LogMark {
  readonly position: LogPosition;
  readonly recordedAt: Date;
}

/** `events` in log order. */
export async function recordLogTimes(tx: Transaction<RunnerDatabase>, events: readonly LogMark[]): Promise<void> {
  const positions: string[] = [];
  const times: string[] = [];
  events.forEach((event, i) => {
    const next = events[i + 1];
    if (next !== undefined && next.recordedAt.getTime() === event.recordedAt.getTime()) return;
    positions.push(positionToDb(event.position));
    times.push(event.recordedAt.toISOString());
  });
  if (positions.length === 0) return;
  // unnest: one statement and two parameters however long the batch.
  await sql`insert into ${sql.table(LOG_TIMES_TABLE)} (position, recorded_at)
    select * from unnest(${positions}::bigint[], ${times}::timestamptz[])
    on conflict (position) do nothing`.execute(tx);
}

/** The last applied position recorded at or before `time`, or null if none was. Any projection's handle will do. */
export async function positionAtTime<TDB>(db: Kysely<TDB>, time: Date): Promise<LogPosition | null> {
  const row = await runnerTables(db)
    .selectFrom(LOG_TIMES_TABLE)
    .select((eb) => eb.fn.max('position').as('position'))
    .where('recorded_at', '<=', sql<Date>`${time.toISOString()}::timestamptz`)
    .executeTakeFirst();
  return nullablePositionFromDb(row?.position);
}
