// Events a projection could not apply, one row each, written in the transaction that moves the
// checkpoint past them: the checkpoint never passes an event without either its effects or its
// failure row. A row holds only what the log and the code determine (no time, no connection
// detail), so a rebuild records the same rows and `cairn verify` can compare them.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '../storage/positions.js';
import { FAILURES_TABLE, type FailuresTable, type RunnerDatabase } from './runner-tables.js';

export { FAILURES_TABLE } from './runner-tables.js';

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

export async function recordFailures(
  tx: Transaction<RunnerDatabase>,
  projection: string,
  failures: readonly EventFailure[],
): Promise<void> {
  if (failures.length === 0) return;
  // unnest: one statement and four parameters however many events failed.
  await sql`insert into ${sql.table(FAILURES_TABLE)} (projection, position, event_id, event_type, reason)
    select ${projection}, * from unnest(${failures.map((f) => positionToDb(f.position))}::bigint[], ${failures.map((f) => f.eventId)}::text[],
      ${failures.map((f) => f.eventType)}::text[], ${failures.map((f) => f.reason)}::text[])
    on conflict (projection, position) do nothing`.execute(tx);
}

/** Forgets a projection's failures (it restarts from zero, and will meet them again). */
export async function clearFailures(tx: Transaction<RunnerDatabase>, projection: string): Promise<void> {
  await tx.deleteFrom(FAILURES_TABLE).where('projection', '=', projection).execute();
}

const fromRow = (r: Selectable<FailuresTable>): ProjectionFailure => ({
  projection: r.projection,
  position: positionFromDb(r.position),
  eventId: r.event_id,
  eventType: r.event_type,
  reason: r.reason,
});

/** A projection's failures in log order (at most `limit`), and how many there are in all. */
export async function readFailures(
  db: Kysely<RunnerDatabase>,
  projection: string,
  limit: number,
): Promise<{ readonly count: number; readonly first: readonly ProjectionFailure[] }> {
  const count = await db
    .selectFrom(FAILURES_TABLE)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('projection', '=', projection)
    .executeTakeFirst();
  const rows = await db
    .selectFrom(FAILURES_TABLE)
    .select(['projection', 'position', 'event_id', 'event_type', 'reason'])
    .where('projection', '=', projection)
    .orderBy('position')
    .limit(limit)
    .execute();
  return { count: Number(count?.n ?? 0), first: rows.map(fromRow) };
}
