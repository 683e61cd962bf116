// Reading dataset versions and the builds that cut them.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionFromDb, positionToDb } from '@cairn/projector';
import { T, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { versionNotFound, type AnswerError } from './errors.js';

export interface DatasetVersion {
  readonly versionId: string;
  readonly dataset: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly memberCount: number;
  /** Position of the first build that produced this version. */
  readonly position: LogPosition;
}

export interface Build {
  readonly dataset: string;
  readonly manifestId: string;
  readonly versionId: string;
  readonly position: LogPosition;
  readonly cause: string;
  readonly causeEventId: string;
  /** Position of the next cut of the same (dataset, manifest), or null while current. */
  readonly validTo: LogPosition | null;
}

interface VersionRow {
  version_id: string;
  dataset: string;
  manifest_id: string;
  merkle_root: string;
  member_count: number;
  position: string;
}

export async function readVersion(db: Kysely<DatasetsDatabase>, versionId: string): Promise<E.Either<AnswerError, DatasetVersion>> {
  const r = await sql<VersionRow>`select version_id, dataset, manifest_id, merkle_root, member_count, position
    from ${sql.table(T.versions)} where version_id = ${versionId}`.execute(db);
  const row = r.rows[0];
  if (row === undefined) return E.left(versionNotFound(versionId));
  return E.right({
    versionId: row.version_id,
    dataset: row.dataset,
    manifestId: row.manifest_id,
    merkleRoot: row.merkle_root,
    memberCount: Number(row.member_count),
    position: positionFromDb(row.position),
  });
}

/** The packed, sorted member ids of a version (32 bytes each). */
export async function readPackedMembers(db: Kysely<DatasetsDatabase>, versionId: string): Promise<Uint8Array | null> {
  const r = await sql<{ members: Uint8Array }>`select members from ${sql.table(T.versions)} where version_id = ${versionId}`.execute(db);
  const m = r.rows[0]?.members;
  return m === undefined ? null : new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
}

const toBuild = (r: {
  dataset: string;
  manifest_id: string;
  version_id: string;
  position: string;
  cause: string;
  cause_event_id: string;
  valid_to: string | null;
}): Build => ({
  dataset: r.dataset,
  manifestId: r.manifest_id,
  versionId: r.version_id,
  position: positionFromDb(r.position),
  cause: r.cause,
  causeEventId: r.cause_event_id,
  validTo: nullablePositionFromDb(r.valid_to),
});

/** The latest build that produced this version (its exclusions are the freshest), as of a position. */
export async function latestBuildOf(db: Kysely<DatasetsDatabase>, versionId: string, upTo?: LogPosition): Promise<Build | null> {
  const bound = upTo === undefined ? sql`` : sql`and position <= ${positionToDb(upTo)}::bigint`;
  const r = await sql<Parameters<typeof toBuild>[0]>`select dataset, manifest_id, version_id, position, cause, cause_event_id, valid_to
    from ${sql.table(T.builds)} where version_id = ${versionId} ${bound} order by position desc limit 1`.execute(db);
  return r.rows[0] === undefined ? null : toBuild(r.rows[0]);
}

/** The versions of a dataset current as of a position or time (one per manifest), or now. */
export async function datasetVersionsAsOf(db: Kysely<DatasetsDatabase>, dataset: string, asOf?: AsOf): Promise<readonly Build[]> {
  const at = await resolveAsOf(db, asOf);
  if (at === null) return [];
  const filter =
    at === undefined
      ? sql`valid_to is null`
      : sql`position <= ${positionToDb(at)}::bigint and (valid_to is null or valid_to > ${positionToDb(at)}::bigint)`;
  const r = await sql<Parameters<typeof toBuild>[0]>`select dataset, manifest_id, version_id, position, cause, cause_event_id, valid_to
    from ${sql.table(T.builds)} where dataset = ${dataset} and ${filter} order by manifest_id`.execute(db);
  return r.rows.map(toBuild);
}

/** Every cut of a dataset in log order (the version history, re-assemblies included). */
export async function datasetBuilds(db: Kysely<DatasetsDatabase>, dataset: string): Promise<readonly Build[]> {
  const r = await sql<Parameters<typeof toBuild>[0]>`select dataset, manifest_id, version_id, position, cause, cause_event_id, valid_to
    from ${sql.table(T.builds)} where dataset = ${dataset} order by position, manifest_id`.execute(db);
  return r.rows.map(toBuild);
}
