// The table that says which in-memory assembly index has seen the committed facts (live-indexes.ts
// says how it is used); apart, so the tables' migration needs none of the index code.
import { sql, type Kysely } from 'kysely';

/**
 * One row: the token of the index that has seen every committed fact, and up to where. Not one of
 * the projection's dumped tables: its content is this process's, not a function of the log.
 */
export const LIVE_INDEX_TABLE = 'datasets_live_index';

/** The live index's record (a Database of its own, so this module needs nothing from tables.ts). */
export interface LiveIndexDatabase {
  datasets_live_index: { singleton: boolean; token: string; position: string };
}

export async function migrateLiveIndexTable<DB extends LiveIndexDatabase>(db: Kysely<DB>): Promise<void> {
  await sql`create table if not exists ${sql.table(LIVE_INDEX_TABLE)} (
    singleton boolean primary key default true check (singleton), token text not null, position bigint not null)`.execute(db);
}
