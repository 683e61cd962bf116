// The contract between the projection runner and each projection (lineage graph, datasets,
// licenses, attribution). A projection is a deterministic function from the ordered log to
// Postgres tables: only the events (and their positions/recordedAt, which live in the log)
// may influence what it writes, so a rebuild gives byte-identical tables.
import type { Kysely, Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import type { CairnEvent, EventType } from '@cairn/schemas';
import type { SomeProjectionsDatabase } from '../storage/db.js';

/** A decoded log event, as projections see it. */
export interface ProjectedEvent {
  readonly position: LogPosition;
  readonly recordedAt: Date;
  readonly stream: string;
  /** Event id (for CF events: the CF id). */
  readonly id: string;
  /** The decoded, signature-checked-at-ingest envelope. */
  readonly event: CairnEvent;
}

export interface ApplyContext {
  /** The projection's deferrable indexes are dropped for a bulk load (see dropDeferrableIndexes). */
  readonly bulk: boolean;
}

/**
 * A projection over the tables of TDB (its own Database interface). The default, used for a
 * list of projections of different databases, is the one untyped database (see storage/db.ts).
 */
export interface Projection<TDB = SomeProjectionsDatabase, TPrepared = unknown> {
  /** Stable name; also the checkpoint key. */
  readonly name: string;
  /** Bump when tables or semantics change: the runner then rebuilds from zero. */
  readonly version: number;
  /** Tables this projection owns, in dump order (used by canonical dumps, rebuild and verify). */
  readonly tables: readonly string[];
  /**
   * The event types apply acts on (absent: every type). The runner hands apply only these, and
   * skips a batch with none of them; every event still moves the checkpoint and the log times, so
   * what is skipped must be what apply would have ignored.
   */
  readonly handles?: readonly EventType[];
  /** Creates this projection's tables in the connection's current schema; idempotent. */
  migrate(db: Kysely<TDB>): Promise<void>;
  /**
   * The part of applying a batch that needs no database (optional): turning events into rows.
   * The runner calls it on the next batch while the current one is being written, so this
   * process's CPU and the server's overlap, and hands the result to apply with that batch.
   */
  prepare?(events: readonly ProjectedEvent[]): TPrepared;
  /**
   * Applies a batch of events, in log order, inside the runner's transaction. `prepared` is
   * prepare(events) when the runner made it; without it apply must do the same by itself.
   * `context.bulk`: this batch belongs to a bulk load, with the indexes dropDeferrableIndexes
   * drops gone until the load's end (absent: a batch like any other, every index in place).
   */
  apply(tx: Transaction<TDB>, events: readonly ProjectedEvent[], prepared?: TPrepared, context?: ApplyContext): Promise<void>;
  /**
   * Drops the indexes apply never reads (optional). A catch-up from zero that spans more than one
   * batch calls it first and migrate once at the end, so each such index is built once, sorted,
   * instead of maintained by random inserts (what pg_restore does). migrate must therefore recreate
   * whatever this drops when it is missing: that is what makes a runner killed mid-load whole again
   * when it restarts. Indexes only change speed, never rows, so the tables stay the same.
   */
  dropDeferrableIndexes?(tx: Transaction<TDB>): Promise<void>;
}
