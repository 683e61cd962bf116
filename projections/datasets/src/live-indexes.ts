// Which in-memory assembly index may serve a batch. The index lives in this process and the facts
// in the database; they agree only if the index has seen exactly the committed events. A rolled
// back batch, another runner (or process) applying batches, a rebuild, a restart or simply another
// database all break that, and none of them tells this process. So each batch records, in the
// same transaction as its effects and its checkpoint, which index (a random token) has seen the
// tables up to which position. The next batch uses an index only if that record names it at the
// position it remembers; otherwise it reloads one from the tables (loadFacts) at its first cut.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { AssetFact, CfFact, DeprecationFact, ErasureFact } from '@cairn/assembly';
import { indexFacts, type AssemblyIndex } from '@cairn/assembly';
import { LiveIndex } from '@cairn/assembly';
import { loadFacts } from './load-facts.js';
import { LIVE_INDEX_TABLE } from './live-index-table.js';
import type { DatasetsDatabase } from './tables.js';

interface Held {
  readonly token: string;
  readonly index: LiveIndex;
  /** The last event position the index has seen. */
  position: LogPosition;
}

/**
 * The live index of this process, kept between batches. One at a time: at a million CFs an index
 * is a few hundred MB, and a process projects into one database (a rebuild into a scratch schema
 * borrows the slot, and the live tables reload afterwards).
 */
export class LiveIndexes {
  private held: Held | undefined;
  /** Indexes loaded from the tables so far (a restart, a stale index): what the tests watch. */
  loads = 0;

  /** Hands out the index named by `token`, if held: a batch owns it until it puts it back. */
  take(token: string): Held | undefined {
    const held = this.held;
    if (held?.token !== token) return undefined;
    this.held = undefined;
    return held;
  }

  put(held: Held): void {
    this.held = held;
  }

  /** Forgets the held index (as a restarted process would). */
  clear(): void {
    this.held = undefined;
  }
}

/** The assembly index of one batch: live when the record vouches for it, else loaded at the first cut. */
export interface BatchIndex {
  addCf(cf: CfFact): void;
  addDeprecation(d: DeprecationFact): void;
  addAsset(asset: AssetFact): void;
  addErasure(e: ErasureFact): void;
  /** The index as of `position` (every fact up to it applied): valid until the next add. */
  at(tx: Transaction<DatasetsDatabase>, position: LogPosition): Promise<AssemblyIndex>;
  /** Records which index has seen the batch, in the batch's transaction, and keeps it for the next. */
  finish(tx: Transaction<DatasetsDatabase>, last: LogPosition): Promise<void>;
}

export async function openBatchIndex(tx: Transaction<DatasetsDatabase>, indexes: LiveIndexes, first: LogPosition): Promise<BatchIndex> {
  const row = await tx.selectFrom(LIVE_INDEX_TABLE).select(['token', 'position']).executeTakeFirst();
  let held = row === undefined ? undefined : indexes.take(row.token);
  // The record names the index but not where it stopped: a batch it saw was rolled back. Or the
  // batch starts at or before where it stopped: the projection was reset (its tables dropped, the
  // record not, as it is no dumped table) and is replaying from zero.
  if (held !== undefined && (held.position !== positionFromDb(row!.position) || first <= held.position)) held = undefined;
  return {
    addCf: (cf) => held?.index.addCf(cf),
    addDeprecation: (d) => held?.index.addDeprecation(d),
    addAsset: (asset) => held?.index.addAsset(asset),
    addErasure: (e) => held?.index.addErasure(e),
    async at(atTx, position) {
      if (held === undefined) {
        indexes.loads += 1;
        held = { token: randomUUID(), index: LiveIndex.of(await loadFacts(atTx, position)), position };
      }
      return held.index.snapshot();
    },
    async finish(atTx, last) {
      if (held === undefined) {
        // no index saw this batch: none may claim the tables after it
        await atTx.deleteFrom(LIVE_INDEX_TABLE).execute();
        return;
      }
      held.position = last;
      await atTx
        .insertInto(LIVE_INDEX_TABLE)
        .values({ singleton: true, token: held.token, position: positionToDb(last) })
        .onConflict((c) =>
          c.column('singleton').doUpdateSet((u) => ({ token: u.ref('excluded.token'), position: u.ref('excluded.position') })),
        )
        .execute();
      // put back now; if the transaction still rolls back, the record keeps the old position and
      // the next batch will not take this index
      indexes.put(held);
    },
  };
}

/** The reference path: the index rebuilt from the tables at every cut, nothing kept between batches. */
export function coldBatchIndex(): BatchIndex {
  return {
    addCf: () => undefined,
    addDeprecation: () => undefined,
    addAsset: () => undefined,
    addErasure: () => undefined,
    at: async (tx, position) => indexFacts(await loadFacts(tx, position)),
    // a live index elsewhere has not seen this batch
    finish: async (tx) => void (await tx.deleteFrom(LIVE_INDEX_TABLE).execute()),
  };
}
