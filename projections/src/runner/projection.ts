// The contract between the projection runner and each projection (lineage graph, datasets,
// licenses, attribution). A projection is a deterministic function from the ordered log to
// Postgres tables: only the events (and their positions/recordedAt, which live in the log)
// may influence what it writes, so a rebuild gives byte-identical tables.
import type { Kysely, Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import type { CairnEvent } from '@cairn/schemas';

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

// Projections declare their own table types; the runner is agnostic of them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDB = any;

export interface Projection<TDB = AnyDB> {
  /** Stable name; also the checkpoint key. */
  readonly name: string;
  /** Bump when tables or semantics change: the runner then rebuilds from zero. */
  readonly version: number;
  /** Tables this projection owns, in dump order (used by canonical dumps, rebuild and verify). */
  readonly tables: readonly string[];
  /** Creates this projection's tables in the connection's current schema; idempotent. */
  migrate(db: Kysely<TDB>): Promise<void>;
  /** Applies a batch of events, in log order, inside the runner's transaction. */
  apply(tx: Transaction<TDB>, events: readonly ProjectedEvent[]): Promise<void>;
}
