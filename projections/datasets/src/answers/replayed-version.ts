// A version as cut by a replay of the datasets projection into a scratch schema (the runner's
// rebuild with `schema`), read there rather than from the live tables, so a caller checking that
// the log alone cuts the same version compares against an independent copy.
import type { Kysely } from 'kysely';
import { quoteSchema } from '@cairn/projector';
import { T, type DatasetsDatabase } from '../tables.js';

export interface ReplayedVersion {
  readonly merkleRoot: string;
  readonly memberCount: number;
}

/** The version's root and member count in `schema`'s datasets tables, or null when that replay did not cut it. */
export async function versionInSchema(db: Kysely<DatasetsDatabase>, schema: string, versionId: string): Promise<ReplayedVersion | null> {
  quoteSchema(schema); // refuses a name that is no plain identifier, as the store does, before any query
  const row = await db
    .withSchema(schema)
    .selectFrom(T.versions)
    .select(['merkle_root', 'member_count'])
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return row === undefined ? null : { merkleRoot: row.merkle_root, memberCount: Number(row.member_count) };
}
