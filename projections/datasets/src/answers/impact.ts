// "If this CF is amended or erased, what is affected?": the CFs that speak about it (labels,
// validations, amendments), the assets that bundle it, the dataset versions that include it,
// the training runs on those versions and the models they produced. Each with its event. An
// erasure cuts new versions without the CF, but the versions that held it (and the runs and
// models trained on them) stay listed: they are what an erasure request has to reach.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { EventRef } from '@cairn/assembly';
import { T, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { cfNotFound, type AnswerError } from './errors.js';
import { erasuresOf, type Erasure } from './erasures.js';

export interface Impact {
  readonly cfId: string;
  readonly dependents: readonly (EventRef & {
    readonly kind: string;
    readonly relation: 'labels' | 'validates' | 'amends' | 'supersedes';
  })[];
  readonly assets: readonly (EventRef & { readonly assetId: string; readonly name: string })[];
  readonly versions: readonly (EventRef & { readonly versionId: string; readonly dataset: string; readonly current: boolean })[];
  readonly runs: readonly (EventRef & { readonly runId: string; readonly versionId: string; readonly modelHash: string })[];
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
  const upTo = (column: string) => (bound === null ? sql`` : sql`and ${sql.ref(column)} <= ${bound}::bigint`);
  const cf = await sql<{
    valid_from: string;
  }>`select valid_from from ${sql.table(T.cfs)} where cf_id = ${cfId} ${upTo('valid_from')}`.execute(db);
  if (cf.rows.length === 0) return E.left(cfNotFound(cfId, bound === null ? '' : ` as of position ${bound}`));
  const deps = await sql<{
    cf_id: string;
    kind: string;
    valid_from: string;
    amends: string | null;
    supersedes: string | null;
  }>`select cf_id,
      kind, valid_from, amends, supersedes from ${sql.table(T.cfs)}
    where (targets @> ${JSON.stringify([cfId])}::jsonb or amends = ${cfId} or supersedes = ${cfId}) ${upTo('valid_from')}
    order by valid_from, cf_id`.execute(db);
  const assets = await sql<{ asset_id: string; name: string; position: string }>`select a.asset_id, a.name, a.position
    from ${sql.table(T.assetMembers)} m join ${sql.table(T.assets)} a using (asset_id) where m.cf_id = ${cfId} ${upTo('a.position')}
    order by a.position, a.asset_id`.execute(db);
  const versions = await sql<{
    version_id: string;
    dataset: string;
    position: string;
    current: boolean;
    event_id: string;
  }>`select v.version_id,
      v.dataset, v.position, (select b.cause_event_id from ${sql.table(T.builds)} b where b.version_id = v.version_id
        order by b.position limit 1) as event_id, exists (select 1 from ${sql.table(T.builds)} b where b.version_id = v.version_id and b.valid_to is null) as current
    from ${sql.table(T.members)} m join ${sql.table(T.versions)} v using (version_id) where m.cf_id = ${cfId} ${upTo('v.position')}
    order by v.position, v.version_id`.execute(db);
  const runs = await sql<{ run_id: string; version_id: string; model_hash: string; event_id: string; position: string }>`select r.run_id,
      r.version_id, r.model_hash, r.event_id, r.position from ${sql.table(T.runs)} r
    join ${sql.table(T.members)} m on m.version_id = r.version_id and m.cf_id = ${cfId} where true ${upTo('r.position')}
    order by r.position, r.run_id`.execute(db);
  return E.right({
    cfId,
    dependents: deps.rows.map((d) => ({
      eventId: d.cf_id,
      position: positionFromDb(d.valid_from),
      kind: d.kind,
      relation: d.amends === cfId ? 'amends' : d.supersedes === cfId ? 'supersedes' : d.kind === 'label' ? 'labels' : 'validates',
    })),
    assets: assets.rows.map((a) => ({ eventId: a.asset_id, position: positionFromDb(a.position), assetId: a.asset_id, name: a.name })),
    versions: versions.rows.map((v) => ({
      eventId: v.event_id,
      position: positionFromDb(v.position),
      versionId: v.version_id,
      dataset: v.dataset,
      current: Boolean(v.current),
    })),
    runs: runs.rows.map((r) => ({
      eventId: r.event_id,
      position: positionFromDb(r.position),
      runId: r.run_id,
      versionId: r.version_id,
      modelHash: r.model_hash,
    })),
    models: [...new Set(runs.rows.map((r) => r.model_hash))].sort(),
    erased: (await erasuresOf(db, [cfId], at === undefined ? {} : { asOf: at ?? -1n })).get(cfId) ?? null,
  });
}
