// `cairn credit NAME@V --run RUN`: who (contributor), where from (source) and which assets earned
// the run's attribution credit, each share with its evidence, ranked by credit (ties by key).
import type { Kysely } from 'kysely';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { cfIdFromDb, positionToDb } from '@cairn/projector';
import type { AttributionQueryError } from './errors.js';
import type { GradientKind } from './compute.js';
import type { LabelExclusions } from './labels.js';
import { estimatorNote, scoredRun } from './scoring-reads.js';
import type { ShareEvidence, ShareKind } from './shares.js';
import { A, type AttributionDatabase } from './tables.js';

export interface CreditShare {
  readonly rank: number;
  /** Contributor id, source, or asset id; null = CFs without one (see evidence.note). */
  readonly key: string | null;
  /** For assets, the asset's name. */
  readonly name: string | null;
  /** Share of the run's positive TRAK influence (null when no CF has any). */
  readonly share: number | null;
  readonly credit: number;
  /** Share of the positive KNN-Shapley value (null without labels: see CreditShares.shapleyReason). */
  readonly shapleyShare: number | null;
  readonly cfCount: number;
  readonly evidence: ShareEvidence;
}

export interface CreditShares {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly scoredAt: LogPosition;
  readonly trainHash: string;
  readonly queryHash: string;
  readonly shapleyReason: string | null;
  /** Train rows (and query rows) left out of KNN-Shapley because their CF has no label of the run's type: counted, the first ones named. */
  readonly shapleyExcluded: LabelExclusions | null;
  /** What the train rows are (null: not declared) and how to read the scores. */
  readonly trainKind: GradientKind | null;
  readonly estimator: string;
  readonly contributors: readonly CreditShare[];
  readonly sources: readonly CreditShare[];
  readonly assets: readonly CreditShare[];
}

export interface CreditSharesOptions {
  readonly db: Kysely<AttributionDatabase>;
  readonly runId: string;
  /** The dataset version the caller means (full id, or a prefix of at least 8 hex): checked against the run's. */
  readonly version?: string;
  /** Answer from the latest scoring at or before this position. */
  readonly asOf?: LogPosition;
}

export async function creditShares(options: CreditSharesOptions): Promise<Either<AttributionQueryError, CreditShares>> {
  const { db, runId, version } = options;
  const scoring = await scoredRun(db, runId, options.asOf);
  if (isLeft(scoring)) return scoring;
  const s = scoring.right;
  if (version !== undefined && !(version.length >= 8 && s.versionId.startsWith(version))) {
    return left({
      _tag: 'VersionMismatch',
      runId,
      expected: version,
      actual: s.versionId,
      message: `run ${runId} trained on ${s.dataset} version ${s.versionId}, not ${version}`,
    });
  }
  const rows = await db
    .selectFrom(`${A.shares} as s`)
    .select((eb) => [
      's.kind',
      's.rank',
      's.key',
      eb
        .selectFrom(`${A.assetMembers} as m`)
        .select((m) => m.fn.min('m.asset_name').as('name'))
        .where('s.kind', '=', 'asset')
        .whereRef('m.asset_id', '=', 's.key')
        .as('name'),
      's.share',
      's.credit',
      's.shapley_share',
      's.cf_count',
      's.evidence',
    ])
    .where('s.run_id', '=', runId)
    .where('s.scored_at', '=', positionToDb(s.scoredAt))
    .orderBy('s.kind')
    .orderBy('s.rank')
    .execute();
  const of = (kind: ShareKind): CreditShare[] =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => ({
        rank: r.rank,
        key: r.key,
        name: r.name,
        share: r.share,
        credit: r.credit,
        shapleyShare: r.shapley_share,
        cfCount: r.cf_count,
        evidence: { ...r.evidence, topCfs: r.evidence.topCfs.map((c) => ({ ...c, cfId: cfIdFromDb(c.cfId) })) },
      }));
  return right({
    runId,
    dataset: s.dataset,
    versionId: s.versionId,
    scoredAt: s.scoredAt,
    trainHash: s.trainHash,
    queryHash: s.queryHash,
    shapleyReason: s.shapleyReason,
    shapleyExcluded: s.shapleyExcluded,
    trainKind: s.trainKind,
    estimator: estimatorNote(s),
    contributors: of('contributor'),
    sources: of('source'),
    assets: of('asset'),
  });
}
