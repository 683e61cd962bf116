// The runner's own bookkeeping, kept in the same schema (and the same transactions) as the
// projection tables it describes: that is what makes a checkpoint commit with its effects.
import { sql, type Kysely } from 'kysely';
import { migrateFailuresTable } from './failures.js';
import type { AnyDB } from './projection.js';

export const CHECKPOINTS_TABLE = 'cairn_projection_checkpoints';
export const LOG_TIMES_TABLE = 'cairn_log_times';
/**
 * Projections whose bulk load dropped indexes that no migrate has restored yet (a row from
 * beginBulkLoad until endBulkLoad or the next prepare): such a projection is not "up to date" even
 * when its checkpoint is at the head, so the runner's no-work check must not skip its migrate.
 */
export const BULK_LOADS_TABLE = 'cairn_projection_bulk_loads';

export async function migrateRunnerTables(db: Kysely<AnyDB>): Promise<void> {
  await sql`create table if not exists ${sql.table(CHECKPOINTS_TABLE)} (
    name text primary key,
    version integer not null,
    position bigint
  )`.execute(db);
  // position → recordedAt, for "as of time T" (see log-times.ts for why only some positions).
  await sql`create table if not exists ${sql.table(LOG_TIMES_TABLE)} (
    position bigint primary key,
    recorded_at timestamptz not null
  )`.execute(db);
  await sql`create index if not exists cairn_log_times_recorded_at on ${sql.table(LOG_TIMES_TABLE)} (recorded_at, position)`.execute(db);
  await sql`create table if not exists ${sql.table(BULK_LOADS_TABLE)} (name text primary key)`.execute(db);
  await migrateFailuresTable(db);
}
