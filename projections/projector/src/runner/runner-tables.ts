// The runner's own bookkeeping, kept in the same schema (and the same transactions) as the
// projection tables it describes: that is what makes a checkpoint commit with its effects. The
// names, the row types and the DDL of those tables, in one place.
import type { ColumnType, Kysely, Transaction } from 'kysely';

export const CHECKPOINTS_TABLE = 'cairn_projection_checkpoints';
export const LOG_TIMES_TABLE = 'cairn_log_times';
/**
 * Projections whose bulk load dropped indexes that no migrate has restored yet (a row from
 * beginBulkLoad until endBulkLoad or the next prepare): such a projection is not "up to date" even
 * when its checkpoint is at the head, so the runner's no-work check must not skip its migrate.
 */
export const BULK_LOADS_TABLE = 'cairn_projection_bulk_loads';
/** Events a projection could not apply (see failures.ts). */
export const FAILURES_TABLE = 'cairn_projection_failures';

/**
 * An int8 column: both drivers read it as decimal text (see positions.ts) and positions are sent
 * as decimal text, cast by Postgres.
 */
type Int8 = string;

export interface CheckpointsTable {
  name: string;
  version: number;
  /** The last position applied; null before the first batch. */
  position: Int8 | null;
}

export interface LogTimesTable {
  position: Int8;
  recorded_at: ColumnType<Date, string, string>;
}

export interface BulkLoadsTable {
  name: string;
}

export interface FailuresTable {
  projection: string;
  position: Int8;
  event_id: string;
  event_type: string;
  reason: string;
}

/** The runner's tables, present in every schema it runs projections in. */
export interface RunnerDatabase {
  [CHECKPOINTS_TABLE]: CheckpointsTable;
  [LOG_TIMES_TABLE]: LogTimesTable;
  [BULK_LOADS_TABLE]: BulkLoadsTable;
  [FAILURES_TABLE]: FailuresTable;
}

export async function migrateRunnerTables(db: Kysely<RunnerDatabase>): Promise<void> {
  await db.schema
    .createTable(CHECKPOINTS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('position', 'bigint')
    .execute();
  // position → recordedAt, for "as of time T" (see log-times.ts for why only some positions).
  await db.schema
    .createTable(LOG_TIMES_TABLE)
    .ifNotExists()
    .addColumn('position', 'bigint', (c) => c.primaryKey())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('cairn_log_times_recorded_at')
    .ifNotExists()
    .on(LOG_TIMES_TABLE)
    .columns(['recorded_at', 'position'])
    .execute();
  await db.schema
    .createTable(BULK_LOADS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .execute();
  await db.schema
    .createTable(FAILURES_TABLE)
    .ifNotExists()
    .addColumn('projection', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${FAILURES_TABLE}_pkey`, ['projection', 'position'])
    .execute();
}

/**
 * `db` seen through the runner's tables. They sit in every schema the runner applies projections
 * in, beside the projection's own, so any projection's handle reaches them; Kysely<DB> is
 * invariant in DB, hence an assertion (kysely's own withTables is one too). A Transaction stays one.
 */
export function runnerTables<TDB>(db: Transaction<TDB>): Transaction<RunnerDatabase>;
export function runnerTables<TDB>(db: Kysely<TDB>): Kysely<RunnerDatabase>;
export function runnerTables<TDB>(db: Kysely<TDB>): Kysely<RunnerDatabase> {
  return db as unknown as Kysely<RunnerDatabase>;
}
