// "Where did this come from?": dataset version → assets → CF → contributor, source and license,
// each link with the event (id, position) that made it. As of a position or time.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionFromDb, positionToDb } from '@cairn/projector';
import { T, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { cfNotFound, type AnswerError } from './errors.js';
import { latestBuildOf, readVersion, type Build, type DatasetVersion } from './versions.js';

export interface CfOrigin {
  readonly cfId: string;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly commitment: string | null;
  readonly position: LogPosition;
  /** The CF this one amends or supersedes (it stands in its place), if any. */
  readonly standsFor: string | null;
  /** When it stopped being live (amended, superseded, deprecated) as of the query, else null. */
  readonly endedAt: LogPosition | null;
  readonly assets: readonly { readonly assetId: string; readonly name: string; readonly position: LogPosition }[];
  readonly versions: readonly { readonly versionId: string; readonly dataset: string; readonly position: LogPosition }[];
}

export interface VersionOrigin {
  readonly version: DatasetVersion;
  readonly build: Build | null;
  readonly assets: readonly { readonly assetId: string; readonly name: string; readonly members: number }[];
  readonly contributors: readonly { readonly contributor: string; readonly members: number }[];
  readonly sources: readonly { readonly source: string; readonly members: number }[];
  readonly licenses: readonly { readonly license: string; readonly members: number }[];
}

interface CfRow {
  cf_id: string;
  kind: string;
  author: string;
  source: string | null;
  license: string | null;
  commitment: string | null;
  amends: string | null;
  supersedes: string | null;
  valid_from: string;
  valid_to: string | null;
}

export async function whereFromCf(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<E.Either<AnswerError, CfOrigin>> {
  const at = await resolveAsOf(db, options.asOf);
  const bound = at === undefined ? null : positionToDb(at ?? -1n);
  const r = await sql<CfRow>`select cf_id, kind, author, source, license, commitment, amends, supersedes, valid_from, valid_to
    from ${sql.table(T.cfs)} where cf_id = ${cfId}`.execute(db);
  const cf = r.rows[0];
  if (cf === undefined || (bound !== null && BigInt(cf.valid_from) > BigInt(bound))) {
    return E.left(cfNotFound(cfId, bound === null ? '' : ` as of position ${bound}`));
  }
  const assets = await sql<{ asset_id: string; name: string; position: string }>`select a.asset_id, a.name, a.position
    from ${sql.table(T.assetMembers)} m join ${sql.table(T.assets)} a using (asset_id)
    where m.cf_id = ${cfId} ${bound === null ? sql`` : sql`and a.position <= ${bound}::bigint`} order by a.position, a.asset_id`.execute(
    db,
  );
  const versions = await sql<{ version_id: string; dataset: string; position: string }>`select v.version_id, v.dataset, v.position
    from ${sql.table(T.members)} m join ${sql.table(T.versions)} v using (version_id)
    where m.cf_id = ${cfId} ${bound === null ? sql`` : sql`and v.position <= ${bound}::bigint`} order by v.position, v.version_id`.execute(
    db,
  );
  const validTo = nullablePositionFromDb(cf.valid_to);
  return E.right({
    cfId,
    kind: cf.kind,
    contributor: cf.author,
    source: cf.source,
    license: cf.license,
    commitment: cf.commitment,
    position: positionFromDb(cf.valid_from),
    standsFor: cf.amends ?? cf.supersedes,
    endedAt: validTo !== null && (at === undefined || (at !== null && validTo <= at)) ? validTo : null,
    assets: assets.rows.map((a) => ({ assetId: a.asset_id, name: a.name, position: positionFromDb(a.position) })),
    versions: versions.rows.map((v) => ({ versionId: v.version_id, dataset: v.dataset, position: positionFromDb(v.position) })),
  });
}

export async function whereFromVersion(db: Kysely<DatasetsDatabase>, versionId: string): Promise<E.Either<AnswerError, VersionOrigin>> {
  const version = await readVersion(db, versionId);
  if (E.isLeft(version)) return version;
  const members = sql`select cf_id from ${sql.table(T.members)} where version_id = ${versionId}`;
  const assets = await sql<{ asset_id: string; name: string; n: string }>`select a.asset_id, a.name, count(*)::text as n
    from ${sql.table(T.assetMembers)} m join ${sql.table(T.assets)} a using (asset_id)
    where m.cf_id in (${members}) group by a.asset_id, a.name order by a.asset_id`.execute(db);
  const group = async (column: 'author' | 'source' | 'license') => {
    const g = await sql<{ k: string | null; n: string }>`select ${sql.ref(column)} as k, count(*)::text as n from ${sql.table(T.cfs)}
      where cf_id in (${members}) group by 1 order by count(*) desc, 1`.execute(db);
    return g.rows.map((row) => ({ key: row.k ?? '(none)', members: Number(row.n) }));
  };
  return E.right({
    version: version.right,
    build: await latestBuildOf(db, versionId),
    assets: assets.rows.map((a) => ({ assetId: a.asset_id, name: a.name, members: Number(a.n) })),
    contributors: (await group('author')).map((g) => ({ contributor: g.key, members: g.members })),
    sources: (await group('source')).map((g) => ({ source: g.key, members: g.members })),
    licenses: (await group('license')).map((g) => ({ license: g.key, members: g.members })),
  });
}
