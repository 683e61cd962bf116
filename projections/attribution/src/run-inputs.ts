// What scoring a run at position P needs from the tables: the run, its latest train and query
// GradientsRecorded at or before P, and the origin (author, source, assets) of every train CF.
import { sql, type Transaction } from 'kysely';
import type { AnyDB } from '@cairn/projector';
import type { GradientKind } from './compute.js';
import type { AttributionParams } from './params.js';
import type { CfOrigin } from './shares.js';
import { A } from './tables.js';

export interface RunRow {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly params: AttributionParams | null;
  readonly paramsError: string | null;
  readonly position: string;
}

export interface GradientsRow {
  readonly eventId: string;
  readonly contentHash: string;
  readonly rows: number;
  readonly dims: number;
  readonly rowMap: readonly string[];
  readonly position: string;
  /** null on events recorded before kinds existed. */
  readonly kind: GradientKind | null;
  readonly weightsHash: string | null;
}

export async function runAt(tx: Transaction<AnyDB>, runId: string, at: string): Promise<RunRow | undefined> {
  const found = await sql<{
    run_id: string;
    dataset: string;
    version_id: string;
    params: AttributionParams | null;
    params_error: string | null;
    position: string;
  }>`
    select run_id, dataset, version_id, params, params_error, position::text as position from ${sql.table(A.runs)}
    where run_id = ${runId} and position <= ${at}::bigint`.execute(tx);
  const r = found.rows[0];
  return r === undefined
    ? undefined
    : { runId: r.run_id, dataset: r.dataset, versionId: r.version_id, params: r.params, paramsError: r.params_error, position: r.position };
}

/**
 * The latest GradientsRecorded of the split at or before `at` (a later one replaces an earlier one).
 * The order names the table's column: a bare `position` is the text output column, where '9' > '10'.
 */
export async function latestGradients(
  tx: Transaction<AnyDB>,
  runId: string,
  split: 'train' | 'query',
  at: string,
): Promise<GradientsRow | undefined> {
  const found = await sql<{
    event_id: string;
    content_hash: string;
    rows: number;
    dims: number;
    row_map: string[];
    position: string;
    kind: GradientKind | null;
    weights_hash: string | null;
  }>`
    select event_id, content_hash, rows, dims, row_map, position::text as position, kind, weights_hash from ${sql.table(A.gradients)} g
    where run_id = ${runId} and split = ${split} and g.position <= ${at}::bigint
    order by g.position desc limit 1`.execute(tx);
  const g = found.rows[0];
  return g === undefined
    ? undefined
    : {
        eventId: g.event_id,
        contentHash: g.content_hash,
        rows: g.rows,
        dims: g.dims,
        rowMap: g.row_map,
        position: g.position,
        kind: g.kind,
        weightsHash: g.weights_hash,
      };
}

/** Author, source and assets (as of `at`) of each CF; a CF the log has not contributed by then is missing from the map. */
export async function cfOriginsAt(tx: Transaction<AnyDB>, cfIds: readonly string[], at: string): Promise<Map<string, CfOrigin>> {
  const wanted = [...new Set(cfIds)];
  const cfs = await sql<{ cf_id: string; author: string; source: string | null }>`
    select cf_id, author, source from ${sql.table(A.cfs)} where cf_id = any(${wanted}::text[]) and position <= ${at}::bigint`.execute(tx);
  const members = await sql<{ cf_id: string; asset_id: string }>`
    select cf_id, asset_id from ${sql.table(A.assetMembers)} where cf_id = any(${wanted}::text[]) and position <= ${at}::bigint`.execute(
    tx,
  );
  const assets = new Map<string, string[]>();
  for (const m of members.rows) {
    const list = assets.get(m.cf_id) ?? [];
    list.push(m.asset_id);
    assets.set(m.cf_id, list);
  }
  const origins = new Map<string, CfOrigin>();
  for (const c of cfs.rows) {
    const held = (assets.get(c.cf_id) ?? []).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    origins.set(c.cf_id, { author: c.author, source: c.source, assets: held });
  }
  return origins;
}
