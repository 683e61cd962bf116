// The scoring a query answers from: the run's latest scoring (or the latest at or before a position).
import { sql, type Kysely } from 'kysely';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import type { AnyDB } from '../runner/projection.js';
import { positionFromDb, positionToDb } from '../storage/positions.js';
import type { AttributionQueryError } from './errors.js';
import type { AttributionParams } from './params.js';
import { A } from './tables.js';

export interface ScoringRow {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly scoredAt: LogPosition;
  readonly trainHash: string;
  readonly queryHash: string;
  readonly trainRows: number;
  readonly queryRows: number;
  readonly dims: number;
  readonly params: AttributionParams;
  readonly shapleyReason: string | null;
}

export async function scoredRun(db: Kysely<AnyDB>, runId: string, asOf?: LogPosition): Promise<Either<AttributionQueryError, ScoringRow>> {
  const at = asOf === undefined ? null : positionToDb(asOf);
  const run = await sql<{ dataset: string; version_id: string; params_error: string | null }>`
    select dataset, version_id, params_error from ${sql.table(A.runs)}
    where run_id = ${runId} and (${at}::bigint is null or position <= ${at}::bigint)`.execute(db);
  const r = run.rows[0];
  if (r === undefined) return left({ _tag: 'RunNotFound', runId, message: `no training run ${JSON.stringify(runId)} in the attribution projection${at === null ? '' : ` as of position ${at}`}` });
  const notScored = (reason: string) => left<AttributionQueryError>({ _tag: 'RunNotScored', runId, reason, message: `run ${runId} has no attribution scores: ${reason}` });
  if (r.params_error !== null) return notScored(`its attribution settings are invalid: ${r.params_error}`);
  const found = await sql<{
    scored_at: string; status: string; reason: string | null; train_hash: string; query_hash: string;
    train_rows: number; query_rows: number; dims: number; params: AttributionParams; shapley_reason: string | null;
  }>`select scored_at::text as scored_at, status, reason, train_hash, query_hash, train_rows, query_rows, dims, params, shapley_reason
    from ${sql.table(A.scorings)} where run_id = ${runId} and (${at}::bigint is null or scored_at <= ${at}::bigint)
    order by scored_at desc limit 1`.execute(db);
  const s = found.rows[0];
  if (s === undefined) return notScored('its train and query gradients have not both been recorded');
  if (s.status !== 'scored') return notScored(`the gradients recorded at position ${s.scored_at} could not be scored: ${s.reason ?? 'unknown reason'}`);
  return right({
    runId, dataset: r.dataset, versionId: r.version_id, scoredAt: positionFromDb(s.scored_at), trainHash: s.train_hash, queryHash: s.query_hash,
    trainRows: s.train_rows, queryRows: s.query_rows, dims: s.dims, params: s.params, shapleyReason: s.shapley_reason,
  });
}
