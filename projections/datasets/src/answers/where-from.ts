// "Where did this come from?": dataset version → assets → CF → contributor, source and license,
// each link with the event (id, position) that made it. As of a position or time.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionFromDb, positionToDb, idHex, idHexOrNull, idBytes, idBytesOf } from '@cairn/projector';
import type { CfId, VersionId } from '@cairn/schemas';
import { T, versionNoOf, storedCfId, storedCfIdOrNull, storedVersionId, type DatasetsDatabase, type VersionTallies } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { cfNotFound, type AnswerError } from './errors.js';
import { latestBuildOf, readVersion, type Build, type DatasetVersion } from './versions.js';
import { assetsHolding } from './assets-holding.js';

export interface CfOrigin {
  readonly cfId: CfId;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly commitment: string | null;
  readonly position: LogPosition;
  /** The CF this one amends or supersedes (it stands in its place), if any. */
  readonly standsFor: CfId | null;
  /** When it stopped being live (amended, superseded, deprecated) as of the query, else null. */
  readonly endedAt: LogPosition | null;
  readonly assets: readonly { readonly assetId: string; readonly name: string; readonly position: LogPosition }[];
  readonly versions: readonly { readonly versionId: VersionId; readonly dataset: string; readonly position: LogPosition }[];
}

export interface VersionOrigin {
  readonly version: DatasetVersion;
  readonly build: Build | null;
  readonly assets: readonly { readonly assetId: string; readonly name: string; readonly members: number }[];
  readonly contributors: readonly { readonly contributor: string; readonly members: number }[];
  readonly sources: readonly { readonly source: string; readonly members: number }[];
  readonly licenses: readonly { readonly license: string; readonly members: number }[];
}

export async function whereFromCf(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<E.Either<AnswerError, CfOrigin>> {
  const at = await resolveAsOf(db, options.asOf);
  const bound = at === undefined ? null : positionToDb(at ?? -1n);
  const cf = await db
    .selectFrom(T.cfs)
    .select([
      idHex('cf_id').as('cf_id'),
      'kind',
      idHex('author').as('author'),
      'source',
      'license',
      idHexOrNull('commitment').as('commitment'),
      idHexOrNull('amends').as('amends'),
      idHexOrNull('supersedes').as('supersedes'),
      'valid_from',
      'valid_to',
    ])
    .where('cf_id', '=', idBytes(cfId))
    .executeTakeFirst();
  if (cf === undefined || (bound !== null && BigInt(cf.valid_from) > BigInt(bound))) {
    return E.left(cfNotFound(cfId, bound === null ? '' : ` as of position ${bound}`));
  }
  const assets = await assetsHolding(db, cfId, bound);
  const versions = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.versions} as v`, 'v.version_no', 'm.version_no')
    .select(['v.version_id', 'v.dataset', 'v.position'])
    .where('m.cf_id', '=', idBytes(cfId))
    .$if(bound !== null, (q) => q.where('v.position', '<=', bound!))
    .orderBy('v.position')
    .orderBy('v.version_id')
    .execute();
  const validTo = nullablePositionFromDb(cf.valid_to);
  return E.right({
    cfId: storedCfId(cf.cf_id),
    kind: cf.kind,
    contributor: cf.author,
    source: cf.source,
    license: cf.license,
    commitment: cf.commitment,
    position: positionFromDb(cf.valid_from),
    standsFor: storedCfIdOrNull(cf.amends ?? cf.supersedes),
    endedAt: validTo !== null && (at === undefined || (at !== null && validTo <= at)) ? validTo : null,
    assets: assets.map((a) => ({ assetId: a.asset_id, name: a.name, position: positionFromDb(a.position) })),
    versions: versions.map((v) => ({ versionId: storedVersionId(v.version_id), dataset: v.dataset, position: positionFromDb(v.position) })),
  });
}

export async function whereFromVersion(db: Kysely<DatasetsDatabase>, versionId: string): Promise<E.Either<AnswerError, VersionOrigin>> {
  const version = await readVersion(db, versionId);
  if (E.isLeft(version)) return version;
  // From the asset side: a version's assets are few, its members many (and assets are assembled
  // after a cut too, so these counts are read, not stored with the version).
  const assets = await db
    .selectFrom(`${T.assetMembers} as m`)
    .innerJoin(`${T.assets} as a`, 'a.asset_id', 'm.asset_id')
    .select((q) => ['a.asset_id', 'a.name', q.fn.countAll<string>().as('n')])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom(`${T.members} as v`)
          .select('v.cf_id')
          .where('v.version_no', '=', versionNoOf(versionId))
          // the asset member's id as the bytes the members' key ends with, so the key finds it
          .where('v.cf_id', '=', idBytesOf(sql<string>`${sql.ref('m.cf_id')}`)),
      ),
    )
    .groupBy(['a.asset_id', 'a.name'])
    .orderBy('a.asset_id')
    .execute();
  const stored = await db.selectFrom(T.versions).select('tallies').where('version_id', '=', versionId).executeTakeFirstOrThrow();
  const group = (column: keyof VersionTallies) => stored.tallies[column].map(([key, n]) => ({ key: key ?? '(none)', members: Number(n) }));
  return E.right({
    version: version.right,
    build: await latestBuildOf(db, versionId),
    assets: assets.map((a) => ({ assetId: a.asset_id, name: a.name, members: Number(a.n) })),
    contributors: group('author').map((g) => ({ contributor: g.key, members: g.members })),
    sources: group('source').map((g) => ({ source: g.key, members: g.members })),
    licenses: group('license').map((g) => ({ license: g.key, members: g.members })),
  });
}
