// The scoring a query answers from: the run's latest scoring (or the latest at or before a position).
import { sql, type Kysely } from 'kysely';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { AttributionQueryError } from './errors.js';
import type { GradientKind } from './compute.js';
import type { LabelExclusions } from './labels.js';
import type { AttributionParams } from './params.js';
import { A, type AttributionDatabase } from './tables.js';

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
  /** What the train rows are, as the GradientsRecorded declared; null = not declared (an event from before kinds). */
  readonly trainKind: GradientKind | null;
  readonly weightsHash: string | null;
  readonly shapleyExcluded: LabelExclusions | null;
}

/** How the scores of a scoring are to be read, in one sentence for an answer. */
export function estimatorNote(s: Pick<ScoringRow, 'trainKind' | 'weightsHash'>): string {
  switch (s.trainKind) {
    case 'output-gradients':
      return s.weightsHash === null
        ? 'train rows are output gradients without weights: scores rank by similarity, every weight 1; record --weights for the sign and scale of influence'
        : 'train rows are output gradients with per-row weights: a positive score means including the CF raises the query output';
    case 'loss-gradients':
      return 'train rows are loss gradients, scored as −g against the empirical Fisher: a positive score means including the CF raises the query output';
    default:
      return 'kind not declared: the train rows were scored as given (every weight 1), so the sign of a score is not defined; record them again with --kind';
  }
}

export async function scoredRun(
  db: Kysely<AttributionDatabase>,
  runId: string,
  asOf?: LogPosition,
): Promise<Either<AttributionQueryError, ScoringRow>> {
  const at = asOf === undefined ? null : positionToDb(asOf);
  const r = await db
    .selectFrom(A.runs)
    .select(['dataset', 'version_id', 'params_error'])
    .where('run_id', '=', runId)
    .$if(at !== null, (q) => q.where('position', '<=', at!))
    .executeTakeFirst();
  if (r === undefined)
    return left({
      _tag: 'RunNotFound',
      runId,
      message: `no training run ${JSON.stringify(runId)} in the attribution projection${at === null ? '' : ` as of position ${at}`}`,
    });
  const notScored = (reason: string) =>
    left<AttributionQueryError>({ _tag: 'RunNotScored', runId, reason, message: `run ${runId} has no attribution scores: ${reason}` });
  if (r.params_error !== null) return notScored(`its attribution settings are invalid: ${r.params_error}`);
  const s = await db
    .selectFrom(A.scorings)
    .select((eb) => [
      eb.cast<string>('scored_at', 'text').as('scored_at'),
      'status',
      'reason',
      'train_hash',
      'query_hash',
      'train_rows',
      'query_rows',
      'dims',
      'params',
      'shapley_reason',
      'train_kind',
      'weights_hash',
      'shapley_excluded',
    ])
    .where('run_id', '=', runId)
    .$if(at !== null, (q) => q.where('scored_at', '<=', at!))
    // ORDER BY prefers an output column to the table's: the text alias would order '9' after '10',
    // so the order names the table's int8 column
    .orderBy(sql.ref(`${A.scorings}.scored_at`), 'desc')
    .limit(1)
    .executeTakeFirst();
  if (s === undefined) return notScored('its train and query gradients have not both been recorded');
  if (s.status !== 'scored')
    return notScored(`the gradients recorded at position ${s.scored_at} could not be scored: ${s.reason ?? 'unknown reason'}`);
  return right({
    runId,
    dataset: r.dataset,
    versionId: r.version_id,
    scoredAt: positionFromDb(s.scored_at),
    trainHash: s.train_hash,
    queryHash: s.query_hash,
    trainRows: s.train_rows,
    queryRows: s.query_rows,
    dims: s.dims,
    params: s.params,
    shapleyReason: s.shapley_reason,
    trainKind: s.train_kind,
    weightsHash: s.weights_hash,
    shapleyExcluded: s.shapley_excluded,
  });
}
