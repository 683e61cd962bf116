// Events a projection could not apply, one row each, written in the transaction that moves the
// checkpoint past them: the checkpoint never passes an event without either its effects or its
// failure row. A row holds only what the log and the code determine (no time, no connection
// detail), so a rebuild records the same rows and `cairn verify` can compare them.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '../storage/positions.js';
import type { AnyDB } from './projection.js';

export const FAILURES_TABLE = 'cairn_projection_failures';

/** One event a projection skipped, and why. */
export interface ProjectionFailure {
  readonly projection: string;
  readonly position: LogPosition;
  readonly eventId: string;
  /** The type the log recorded for the event. */
  readonly eventType: string;
  /** Why it could not be applied: a decode problem with its field, a handler's reason, a database error with its SQLSTATE. */
  readonly reason: string;
}

export type EventFailure = Omit<ProjectionFailure, 'projection'>;

export async function migrateFailuresTable(db: Kysely<AnyDB>): Promise<void> {
  await sql`create table if not exists ${sql.table(FAILURES_TABLE)} (
    projection text not null,
    position bigint not null,
    event_id text not null,
    event_type text not null,
    reason text not null,
    primary key (projection, position)
  )`.execute(db);
}

export async function recordFailures(tx: Transaction<AnyDB>, projection: string, failures: readonly EventFailure[]): Promise<void> {
  if (failures.length === 0) return;
  await sql`insert into ${sql.table(FAILURES_TABLE)} (projection, position, event_id, event_type, reason)
    select ${projection}, * from unnest(${failures.map((f) => positionToDb(f.position))}::bigint[], ${failures.map((f) => f.eventId)}::text[],
      ${failures.map((f) => f.eventType)}::text[], ${failures.map((f) => f.reason)}::text[])
    on conflict (projection, position) do nothing`.execute(tx);
}

/** Forgets a projection's failures (it restarts from zero, and will meet them again). */
export async function clearFailures(tx: Transaction<AnyDB>, projection: string): Promise<void> {
  await sql`delete from ${sql.table(FAILURES_TABLE)} where projection = ${projection}`.execute(tx);
}

interface FailureRow {
  projection: string;
  position: string;
  event_id: string;
  event_type: string;
  reason: string;
}

const fromRow = (r: FailureRow): ProjectionFailure => ({
  projection: r.projection,
  position: positionFromDb(r.position),
  eventId: r.event_id,
  eventType: r.event_type,
  reason: r.reason,
});

/** A projection's failures in log order (at most `limit`), and how many there are in all. */
export async function readFailures(
  db: Kysely<AnyDB>,
  projection: string,
  limit: number,
): Promise<{ readonly count: number; readonly first: readonly ProjectionFailure[] }> {
  const count = await sql<{ n: string }>`select count(*) as n from ${sql.table(FAILURES_TABLE)} where projection = ${projection}`.execute(
    db,
  );
  const rows = await sql<FailureRow>`select projection, position, event_id, event_type, reason from ${sql.table(FAILURES_TABLE)}
    where projection = ${projection} order by position limit ${limit}`.execute(db);
  return { count: Number(count.rows[0]?.n ?? 0), first: rows.rows.map(fromRow) };
}
