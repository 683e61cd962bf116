// What scoring a run at position P needs from the tables: the run, its latest train and query
// GradientsRecorded at or before P, and the origin (author, source, assets) of every train CF
// (author and source from the CF's own event in the log, assets from the tables).
import type { Transaction } from 'kysely';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { anyOfText, positionToDb } from '@cairn/projector';
import type { CfFactsReader } from './cf-facts.js';
import type { GradientKind } from './compute.js';
import type { AttributionParams } from './params.js';
import type { CfOrigin } from './shares.js';
import { A, type AttributionDatabase } from './tables.js';

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

export async function runAt(tx: Transaction<AttributionDatabase>, runId: string, at: string): Promise<RunRow | undefined> {
  const r = await tx
    .selectFrom(A.runs)
    .select((eb) => ['run_id', 'dataset', 'version_id', 'params', 'params_error', eb.cast<string>('position', 'text').as('position')])
    .where('run_id', '=', runId)
    .where('position', '<=', at)
    .executeTakeFirst();
  return r === undefined
    ? undefined
    : { runId: r.run_id, dataset: r.dataset, versionId: r.version_id, params: r.params, paramsError: r.params_error, position: r.position };
}

/**
 * The latest GradientsRecorded of the split at or before `at` (a later one replaces an earlier one).
 * The order names the table's column: a bare `position` is the text output column, where '9' > '10'.
 */
export async function latestGradients(
  tx: Transaction<AttributionDatabase>,
  runId: string,
  split: 'train' | 'query',
  at: string,
): Promise<GradientsRow | undefined> {
  const g = await tx
    .selectFrom(`${A.gradients} as g`)
    .select((eb) => [
      'event_id',
      'content_hash',
      'rows',
      'dims',
      'row_map',
      eb.cast<string>('g.position', 'text').as('position'),
      'kind',
      'weights_hash',
    ])
    .where('run_id', '=', runId)
    .where('split', '=', split)
    .where('g.position', '<=', at)
    .orderBy('g.position', 'desc')
    .limit(1)
    .executeTakeFirst();
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

/**
 * Author, source and assets (as of `at`) of each CF; a CF the log has not contributed by then is
 * missing from the map. The log failing to answer stops the scoring (the runner retries the batch).
 */
export async function cfOriginsAt(
  tx: Transaction<AttributionDatabase>,
  cfFacts: CfFactsReader,
  cfIds: readonly string[],
  at: LogPosition,
): Promise<Map<string, CfOrigin>> {
  const wanted = [...new Set(cfIds)];
  const facts = await cfFacts.cfFactsAt(wanted, at);
  if (isLeft(facts)) throw new Error(facts.left.message);
  const members = await tx
    .selectFrom(A.assetMembers)
    .select(['cf_id', 'asset_id'])
    .where('cf_id', '=', anyOfText(wanted))
    .where('position', '<=', positionToDb(at))
    .execute();
  const assets = new Map<string, string[]>();
  for (const m of members) {
    const list = assets.get(m.cf_id) ?? [];
    list.push(m.asset_id);
    assets.set(m.cf_id, list);
  }
  const origins = new Map<string, CfOrigin>();
  for (const c of facts.right.values()) {
    const held = (assets.get(c.cfId) ?? []).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    origins.set(c.cfId, { author: c.author, source: c.source, assets: held });
  }
  return origins;
}
