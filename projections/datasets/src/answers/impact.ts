// "If this CF is amended or erased, what is affected?": the CFs that speak about it (labels,
// validations, amendments), the assets that bundle it, the dataset versions that include it,
// the training runs on those versions and the models they produced. Each with its event. An
// erasure cuts new versions without the CF, but the versions that held it (and the runs and
// models trained on them) stay listed: they are what an erasure request has to reach.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { positionFromDb, positionToDb, idHex, idHexOrNull, idBytes } from '@cairn/projector';
import type { EventRef } from '@cairn/assembly';
import type { CfId, VersionId } from '@cairn/schemas';
import { T, storedCfId, storedVersionId, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { cfNotFound, type AnswerError } from './errors.js';
import { erasuresOf, type Erasure } from './erasures.js';
import { assetsHolding } from './assets-holding.js';

export interface Impact {
  readonly cfId: CfId;
  readonly dependents: readonly (EventRef & {
    readonly kind: string;
    readonly relation: 'labels' | 'validates' | 'amends' | 'supersedes';
  })[];
  readonly assets: readonly (EventRef & { readonly assetId: string; readonly name: string })[];
  readonly versions: readonly (EventRef & { readonly versionId: VersionId; readonly dataset: string; readonly current: boolean })[];
  readonly runs: readonly (EventRef & { readonly runId: string; readonly versionId: VersionId; readonly modelHash: string })[];
  readonly models: readonly string[];
  /** The CF's erasure as of the answer's position, if erased: the runs above trained on its bytes. */
  readonly erased: Erasure | null;
}

export async function impact(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<E.Either<AnswerError, Impact>> {
  const at = await resolveAsOf(db, options.asOf);
  const bound = at === undefined ? null : positionToDb(at ?? -1n);
  const cf = await db
    .selectFrom(T.cfs)
    .select(idHex('cf_id').as('cf_id'))
    .where('cf_id', '=', idBytes(cfId))
    .$if(bound !== null, (q) => q.where('valid_from', '<=', bound!))
    .executeTakeFirst();
  if (cf === undefined) return E.left(cfNotFound(cfId, bound === null ? '' : ` as of position ${bound}`));
  const deps = await db
    .selectFrom(T.cfs)
    .select([
      idHex('cf_id').as('cf_id'),
      'kind',
      'valid_from',
      idHexOrNull('amends').as('amends'),
      idHexOrNull('supersedes').as('supersedes'),
    ])
    .where((w) =>
      w.or([
        w('targets', '@>', sql<string[]>`${JSON.stringify([cfId])}::jsonb`),
        w('amends', '=', idBytes(cfId)),
        w('supersedes', '=', idBytes(cfId)),
      ]),
    )
    .$if(bound !== null, (q) => q.where('valid_from', '<=', bound!))
    .orderBy('valid_from')
    .orderBy(sql.ref(`${T.cfs}.cf_id`))
    .execute();
  const assets = await assetsHolding(db, cfId, bound);
  const versions = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.versions} as v`, 'v.version_no', 'm.version_no')
    .select((q) => [
      'v.version_id',
      'v.dataset',
      'v.position',
      // the build that first cut it names the event behind the version
      q
        .selectFrom(`${T.builds} as b`)
        .select('b.cause_event_id')
        .whereRef('b.version_id', '=', 'v.version_id')
        .orderBy('b.position')
        .limit(1)
        .as('event_id'),
      q
        .exists(
          q
            .selectFrom(`${T.builds} as b`)
            .select('b.version_id')
            .whereRef('b.version_id', '=', 'v.version_id')
            .where('b.valid_to', 'is', null),
        )
        .as('current'),
    ])
    .where('m.cf_id', '=', idBytes(cfId))
    .$if(bound !== null, (q) => q.where('v.position', '<=', bound!))
    .orderBy('v.position')
    .orderBy('v.version_id')
    .execute();
  const runs = await db
    .selectFrom(`${T.runs} as r`)
    .innerJoin(`${T.versions} as v`, 'v.version_id', 'r.version_id')
    .innerJoin(`${T.members} as m`, (j) => j.onRef('m.version_no', '=', 'v.version_no').on('m.cf_id', '=', idBytes(cfId)))
    .select(['r.run_id', 'r.version_id', 'r.model_hash', 'r.event_id', 'r.position'])
    .$if(bound !== null, (q) => q.where('r.position', '<=', bound!))
    .orderBy('r.position')
    .orderBy('r.run_id')
    .execute();
  return E.right({
    cfId: storedCfId(cf.cf_id),
    dependents: deps.map((d) => ({
      eventId: d.cf_id,
      position: positionFromDb(d.valid_from),
      kind: d.kind,
      relation: d.amends === cfId ? 'amends' : d.supersedes === cfId ? 'supersedes' : d.kind === 'label' ? 'labels' : 'validates',
    })),
    assets: assets.map((a) => ({ eventId: a.asset_id, position: positionFromDb(a.position), assetId: a.asset_id, name: a.name })),
    versions: versions.map((v) => ({
      // every stored version has the build that cut it
      eventId: v.event_id as string,
      position: positionFromDb(v.position),
      versionId: storedVersionId(v.version_id),
      dataset: v.dataset,
      current: Boolean(v.current),
    })),
    runs: runs.map((r) => ({
      eventId: r.event_id,
      position: positionFromDb(r.position),
      runId: r.run_id,
      versionId: storedVersionId(r.version_id),
      modelHash: r.model_hash,
    })),
    models: [...new Set(runs.map((r) => r.model_hash))].sort(),
    erased: (await erasuresOf(db, [cfId], at === undefined ? {} : { asOf: at ?? -1n })).get(cfId) ?? null,
  });
}
