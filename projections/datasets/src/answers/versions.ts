// Reading dataset versions and the builds that cut them.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionFromDb, positionToDb } from '@cairn/projector';
import type { VersionId } from '@cairn/schemas';
import { T, storedVersionId, type DatasetsBuildsTable, type DatasetsDatabase, type DatasetsVersionsTable } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { versionNotFound, type AnswerError } from './errors.js';

export interface DatasetVersion {
  readonly versionId: VersionId;
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
  readonly versionId: VersionId;
  readonly position: LogPosition;
  readonly cause: string;
  readonly causeEventId: string;
  /** Position of the next cut of the same (dataset, manifest), or null while current. */
  readonly validTo: LogPosition | null;
}

export async function readVersion(db: Kysely<DatasetsDatabase>, versionId: string): Promise<E.Either<AnswerError, DatasetVersion>> {
  const row = await db
    .selectFrom(T.versions)
    .select(['version_id', 'dataset', 'manifest_id', 'merkle_root', 'member_count', 'position'])
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  if (row === undefined) return E.left(versionNotFound(versionId));
  return E.right(versionOfRow(row));
}

/** A datasets_versions row's answer columns as a DatasetVersion. */
export const versionOfRow = (
  row: Pick<DatasetsVersionsTable, 'version_id' | 'dataset' | 'manifest_id' | 'merkle_root' | 'member_count' | 'position'>,
): DatasetVersion => ({
  versionId: storedVersionId(row.version_id),
  dataset: row.dataset,
  manifestId: row.manifest_id,
  merkleRoot: row.merkle_root,
  memberCount: Number(row.member_count),
  position: positionFromDb(row.position),
});

/**
 * A version's packed members, selected as base64 text: a driver's bytea parsing goes byte by byte
 * in JavaScript, the text is decoded natively. Read with `packedMembersOf`.
 */
export const packedMembersColumn = sql<string>`encode(members, 'base64')`.as('members');

/** The packed, sorted member ids (32 bytes each) of a row selected with `packedMembersColumn`. */
export const packedMembersOf = (base64: string): Uint8Array => {
  const b = Buffer.from(base64, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** The packed, sorted member ids of a version (32 bytes each). */
export async function readPackedMembers(db: Kysely<DatasetsDatabase>, versionId: string): Promise<Uint8Array | null> {
  const row = await db.selectFrom(T.versions).select(packedMembersColumn).where('version_id', '=', versionId).executeTakeFirst();
  return row === undefined ? null : packedMembersOf(row.members);
}

const BUILD_COLUMNS = ['dataset', 'manifest_id', 'version_id', 'position', 'cause', 'cause_event_id', 'valid_to'] as const;

const toBuild = (r: Pick<DatasetsBuildsTable, (typeof BUILD_COLUMNS)[number]>): Build => ({
  dataset: r.dataset,
  manifestId: r.manifest_id,
  versionId: storedVersionId(r.version_id),
  position: positionFromDb(r.position),
  cause: r.cause,
  causeEventId: r.cause_event_id,
  validTo: nullablePositionFromDb(r.valid_to),
});

/** The latest build that produced this version (its exclusions are the freshest), as of a position. */
export async function latestBuildOf(db: Kysely<DatasetsDatabase>, versionId: string, upTo?: LogPosition): Promise<Build | null> {
  const row = await db
    .selectFrom(T.builds)
    .select(BUILD_COLUMNS)
    .where('version_id', '=', versionId)
    .$if(upTo !== undefined, (q) => q.where('position', '<=', positionToDb(upTo!)))
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : toBuild(row);
}

/** The versions of a dataset current as of a position or time (one per manifest), or now. */
export async function datasetVersionsAsOf(db: Kysely<DatasetsDatabase>, dataset: string, asOf?: AsOf): Promise<readonly Build[]> {
  const at = await resolveAsOf(db, asOf);
  if (at === null) return [];
  const rows = await db
    .selectFrom(T.builds)
    .select(BUILD_COLUMNS)
    .where('dataset', '=', dataset)
    .where((w) =>
      at === undefined
        ? w('valid_to', 'is', null)
        : w.and([w('position', '<=', positionToDb(at)), w.or([w('valid_to', 'is', null), w('valid_to', '>', positionToDb(at))])]),
    )
    .orderBy('manifest_id')
    .execute();
  return rows.map(toBuild);
}

/** Every cut of a dataset in log order (the version history, re-assemblies included). */
export async function datasetBuilds(db: Kysely<DatasetsDatabase>, dataset: string): Promise<readonly Build[]> {
  const rows = await db
    .selectFrom(T.builds)
    .select(BUILD_COLUMNS)
    .where('dataset', '=', dataset)
    .orderBy('position')
    .orderBy('manifest_id')
    .execute();
  return rows.map(toBuild);
}
