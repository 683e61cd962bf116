// The top train CFs of one of a run's recorded query rows: what scoring stored for it (the
// attribution_top_k rows of the run's latest scoring as of a moment), so a reader sees "which
// training data shaped this output" without sending gradients of its own.
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import type { CfId } from '@cairn/schemas';
import { cfIdFromDb } from '@cairn/projector';
import { A, type AttributionDatabase } from '../tables.js';
import { scoredRun } from '../scoring-reads.js';
import type { AttributionQueryError } from '../errors.js';

export interface QueryTop {
  readonly runId: string;
  readonly scoredAt: LogPosition;
  readonly queryRow: number;
  /** The query rows the scoring holds (0 to queryRows − 1). */
  readonly queryRows: number;
  /** The CF the query row stands for (the query gradients' row map). */
  readonly queryCf: CfId | null;
  /** By rank: the train row, its CF and its TRAK score. */
  readonly top: readonly { readonly rank: number; readonly trainRow: number; readonly cfId: CfId; readonly score: number }[];
}

export type QueryTopError =
  | AttributionQueryError
  | { readonly _tag: 'QueryRowOutOfRange'; readonly queryRow: number; readonly queryRows: number; readonly message: string };

/** The stored top-k train CFs of query row `queryRow` of the run's scoring as of `asOf` (the latest when absent). */
export async function queryTop(
  db: Kysely<AttributionDatabase>,
  runId: string,
  queryRow: number,
  asOf?: LogPosition,
): Promise<E.Either<QueryTopError, QueryTop>> {
  const scoring = await scoredRun(db, runId, asOf);
  if (E.isLeft(scoring)) return scoring;
  const { scoredAt, queryRows } = scoring.right;
  if (!Number.isInteger(queryRow) || queryRow < 0 || queryRow >= queryRows)
    return E.left({
      _tag: 'QueryRowOutOfRange',
      queryRow,
      queryRows,
      message: `query row ${queryRow}: run ${runId} was scored for query rows 0 to ${queryRows - 1}`,
    });
  const rows = await db
    .selectFrom(A.topK)
    .select(['rank', 'train_row', 'cf_id', 'query_cf', 'score'])
    .where('run_id', '=', runId)
    .where('scored_at', '=', scoredAt.toString())
    .where('query_row', '=', queryRow)
    .orderBy('rank')
    .execute();
  return E.right({
    runId,
    scoredAt,
    queryRow,
    queryRows,
    queryCf: rows[0] === undefined ? null : cfIdFromDb(rows[0].query_cf),
    top: rows.map((r) => ({ rank: Number(r.rank), trainRow: Number(r.train_row), cfId: cfIdFromDb(r.cf_id), score: Number(r.score) })),
  });
}
