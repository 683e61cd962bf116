// One batch = one transaction: claim the checkpoint by compare-and-set, apply the handlers, record
// the log times, commit. The claim comes first so a second runner blocks on the checkpoint row
// instead of doing the work twice; when it gets the row, the position is no longer the one it read
// (READ COMMITTED re-checks the WHERE on the new row version), it updates 0 rows, rolls back and
// re-reads. Either every effect of the batch, the failure rows of the events it could not apply and
// the new checkpoint commit, or none does.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionToDb } from '../storage/positions.js';
import { quoteSchema } from '../storage/store.js';
import { clearFailures, recordFailures, type EventFailure } from './failures.js';
import { recordLogTimes, type LogMark } from './log-times.js';
import type { ProjectedEvent, Projection } from './projection.js';
import { BULK_LOADS_TABLE, CHECKPOINTS_TABLE, migrateRunnerTables, type RunnerDatabase } from './runner-tables.js';

/** Points in a batch where a test hook may run (the crash test kills the process there). */
export type RunnerStep = 'batch-read' | 'checkpoint-claimed' | 'applied' | 'committed';

export type StepHook = (step: RunnerStep, context: { readonly projection: string; readonly events: number }) => void | Promise<void>;

/** Runs fn in a transaction whose search_path is `schema` (null: the store's own). */
export async function inScope<TDB, T>(db: Kysely<TDB>, schema: string | null, fn: (tx: Transaction<TDB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    if (schema !== null) await sql`set local search_path to ${sql.raw(quoteSchema(schema))}`.execute(tx);
    return fn(tx);
  });
}

export interface Checkpoint {
  readonly version: number;
  readonly position: LogPosition | null;
}

export async function readCheckpoint(db: Kysely<RunnerDatabase>, name: string): Promise<Checkpoint | undefined> {
  const row = await db.selectFrom(CHECKPOINTS_TABLE).select(['version', 'position']).where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : { version: Number(row.version), position: nullablePositionFromDb(row.position) };
}

/**
 * The checkpoints of `projections` when every one of them has nothing to do: a checkpoint of its
 * current version at or past `head` (any checkpoint, for an empty log) and no bulk load waiting
 * for its indexes. Undefined otherwise, or when the runner's tables are missing or older (the
 * caller then takes the full path, which migrates). One read, no lock, no write.
 */
export async function checkpointsIfUpToDate(
  db: Kysely<RunnerDatabase>,
  projections: readonly Projection[],
  head: LogPosition | null,
): Promise<Map<string, LogPosition | null> | undefined> {
  let rows: readonly { name: string; version: number; position: string | null; bulk: boolean }[];
  try {
    rows = await db
      .selectFrom(`${CHECKPOINTS_TABLE} as c`)
      .select(['c.name', 'c.version', 'c.position'])
      .select((eb) =>
        eb
          .exists(eb.selectFrom(`${BULK_LOADS_TABLE} as b`).select(eb.lit(1).as('one')).whereRef('b.name', '=', 'c.name'))
          .$castTo<boolean>()
          .as('bulk'),
      )
      .execute();
  } catch {
    return undefined;
  }
  const byName = new Map(rows.map((r) => [r.name, r]));
  const at = new Map<string, LogPosition | null>();
  for (const projection of projections) {
    const row = byName.get(projection.name);
    if (row === undefined || Number(row.version) !== projection.version || row.bulk) return undefined;
    const position = nullablePositionFromDb(row.position);
    if (head !== null && (position === null || position < head)) return undefined;
    at.set(projection.name, position);
  }
  return at;
}

async function dropTables(tx: Transaction<RunnerDatabase>, projection: Projection): Promise<void> {
  for (const table of projection.tables) await tx.schema.dropTable(table).ifExists().cascade().execute();
}

/**
 * Makes the projection ready in this scope: runner tables, the projection's tables, its checkpoint
 * row. A checkpoint written by another version of the projection (or `reset`) means drop and
 * start from zero. Returns true when the projection was (re)started from zero.
 */
export async function prepareProjection(
  db: Kysely<RunnerDatabase>,
  schema: string | null,
  projection: Projection,
  options: { readonly reset: boolean },
): Promise<boolean> {
  if (schema !== null) await sql`create schema if not exists ${sql.raw(quoteSchema(schema))}`.execute(db);
  return inScope(db, schema, async (tx) => {
    await migrateRunnerTables(tx);
    await tx
      .insertInto(CHECKPOINTS_TABLE)
      .values({ name: projection.name, version: projection.version, position: null })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await lockCheckpoint(tx, projection.name).select(['version', 'position']).executeTakeFirst();
    const restart = options.reset || row === undefined || Number(row.version) !== projection.version;
    if (restart) {
      await dropTables(tx, projection);
      await clearFailures(tx, projection.name);
      await tx
        .updateTable(CHECKPOINTS_TABLE)
        .set({ version: projection.version, position: null })
        .where('name', '=', projection.name)
        .execute();
    }
    await projection.migrate(tx);
    // migrate recreated whatever an interrupted bulk load had dropped.
    await tx.deleteFrom(BULK_LOADS_TABLE).where('name', '=', projection.name).execute();
    return restart;
  });
}

/**
 * The bulk-load bracket around a catch-up from zero (see Projection.dropDeferrableIndexes). Both
 * ends hold the checkpoint row, as prepareProjection does, so concurrent runners take turns with
 * the DDL; the drop happens only while the checkpoint is still at zero, so a runner that lost the
 * race to another never strips indexes from tables that are already being read.
 */
export async function beginBulkLoad(db: Kysely<RunnerDatabase>, schema: string | null, projection: Projection): Promise<boolean> {
  const drop = projection.dropDeferrableIndexes?.bind(projection);
  if (drop === undefined) return false;
  return inScope(db, schema, async (tx) => {
    const row = await lockCheckpoint(tx, projection.name).select('position').where('version', '=', projection.version).executeTakeFirst();
    if (row === undefined || row.position !== null) return false;
    await tx
      .insertInto(BULK_LOADS_TABLE)
      .values({ name: projection.name })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await drop(tx);
    return true;
  });
}

/** Builds the indexes beginBulkLoad dropped (migrate recreates what is missing). */
export async function endBulkLoad(db: Kysely<RunnerDatabase>, schema: string | null, projection: Projection): Promise<void> {
  await inScope(db, schema, async (tx) => {
    await lockCheckpoint(tx, projection.name).select('name').execute();
    await projection.migrate(tx);
    await tx.deleteFrom(BULK_LOADS_TABLE).where('name', '=', projection.name).execute();
  });
}

/**
 * Gathers the planner's statistics on a projection's tables. An embedded store's Postgres has no
 * autovacuum, so without this nothing ever does: the planner guesses every row count and may scan
 * a whole table where an index would find a few rows. Statistics change plans, never rows.
 */
export async function analyzeTables(db: Kysely<RunnerDatabase>, projection: Projection): Promise<void> {
  if (projection.tables.length === 0) return;
  await sql`analyze ${sql.join(projection.tables.map((t) => sql.id(t)))}`.execute(db);
}

/** The checkpoint row of `name`, held until the transaction ends: runners take turns on it. */
function lockCheckpoint(tx: Transaction<RunnerDatabase>, name: string) {
  return tx.selectFrom(CHECKPOINTS_TABLE).where('name', '=', name).forUpdate();
}

class LostRace extends Error {}

/** The events of a batch that `projection` declares it handles (all of them when it declares none). */
export function handledEvents(projection: Projection, events: readonly ProjectedEvent[]): readonly ProjectedEvent[] {
  const handles = projection.handles;
  if (handles === undefined) return events;
  return events.filter((e) => handles.includes(e.event.type));
}

/** An event of a batch that is not applied but recorded as failed (it did not decode, or its handler refused it). */
export type SkippedEvent = EventFailure & LogMark;

export interface Batch {
  /** The events to apply, in log order. */
  readonly events: readonly ProjectedEvent[];
  readonly prepared?: unknown;
  readonly bulk?: boolean;
  /** Events of the same stretch of the log recorded as failed instead of applied. */
  readonly skipped?: readonly SkippedEvent[];
  /** The checkpoint after the batch: the last position it covers, applied or skipped. */
  readonly through: LogPosition;
}

export async function applyBatch(
  db: Kysely<RunnerDatabase>,
  schema: string | null,
  projection: Projection,
  from: LogPosition | null,
  batch: Batch,
  hook: StepHook | undefined,
): Promise<'applied' | 'lost-race'> {
  const { events, prepared } = batch;
  const skipped = batch.skipped ?? [];
  const context = { projection: projection.name, events: events.length };
  try {
    await inScope(db, schema, async (tx) => {
      const claimed = await tx
        .updateTable(CHECKPOINTS_TABLE)
        .set({ position: positionToDb(batch.through) })
        .where('name', '=', projection.name)
        .where('version', '=', projection.version)
        .where('position', 'is not distinct from', positionToDb(from))
        .executeTakeFirst();
      if (claimed.numUpdatedRows !== 1n) throw new LostRace();
      // A bulk load need not wait for each batch's WAL flush: a server crash can only lose the
      // last few commits whole, checkpoint and effects together, and the runner applies them
      // again, so exactly-once holds. The index build that ends the load commits synchronously,
      // which flushes every batch before it: a finished rebuild is as durable as ever.
      if (batch.bulk === true) await sql`set local synchronous_commit = off`.execute(tx);
      await hook?.('checkpoint-claimed', context);
      const handled = handledEvents(projection, events);
      if (handled.length > 0) await projection.apply(tx, handled, prepared, { bulk: batch.bulk === true });
      await recordFailures(
        tx,
        projection.name,
        skipped.map(({ position, eventId, eventType, reason }) => ({ position, eventId, eventType, reason })),
      );
      await recordLogTimes(tx, skipped.length === 0 ? events : [...events, ...skipped].sort((a, b) => (a.position < b.position ? -1 : 1)));
      await hook?.('applied', context);
    });
  } catch (e) {
    if (e instanceof LostRace) return 'lost-race';
    throw e;
  }
  await hook?.('committed', context);
  return 'applied';
}
