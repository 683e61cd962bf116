// The answers about training runs as the server sends them (`cairn runs … --json`, `cairn credit
// --json`), as io-ts codecs that decode back into @cairn/attribution's typed values (positions
// from decimal strings to bigint), checked against those types at compile time as in answers.ts.
import * as t from 'io-ts';
import { PositionText } from '@cairn/sdk';
import { CfId } from '@cairn/schemas';
import type { CreditShares, ReproduceReport, RunDetail, RunsDiff, RunSummary, UnlearningReport } from '@cairn/attribution';
import type { CreditAnswer } from '../reads.js';
import { ErasureAnswer, literals, nullable, ResolvedVersionAnswer, VersionDiffAnswer } from './answers.js';

const runSummaryProps = {
  runId: t.string,
  dataset: t.string,
  versionId: t.string,
  ordinal: nullable(t.number),
  modelHash: t.string,
  codeVersion: t.string,
  signer: t.string,
  eventId: t.string,
  position: PositionText,
  recordedAt: t.string,
};

/** `cairn runs list --json` (GET /v1/runs). */
export const RunSummariesAnswer = t.array(t.type(runSummaryProps, 'RunSummary'), 'RunSummary[]');

const RunAttributionAnswer = t.union(
  [
    t.type({
      scored: t.literal(true),
      scoredAt: PositionText,
      trainHash: t.string,
      queryHash: t.string,
      trainRows: t.number,
      queryRows: t.number,
      dims: t.number,
    }),
    t.type({ scored: t.literal(false), reason: t.string }),
  ],
  'RunAttribution',
);

/** `cairn runs show --json` (GET /v1/runs/{run}). */
export const RunDetailAnswer = t.type(
  {
    ...runSummaryProps,
    version: nullable(t.type({ merkleRoot: t.string, memberCount: t.number, manifestId: t.string, position: PositionText })),
    seeds: t.record(t.string, t.number),
    hyperparameters: t.UnknownRecord,
    environment: t.record(t.string, t.string),
    batchRoots: nullable(t.array(t.string)),
    gradients: t.array(
      t.type({
        split: literals(['train', 'query'] as const, 'train | query'),
        contentHash: t.string,
        rows: t.number,
        dims: t.number,
        eventId: t.string,
        position: PositionText,
        kind: nullable(t.string),
        weightsHash: nullable(t.string),
      }),
    ),
    attribution: RunAttributionAnswer,
  },
  'RunDetail',
);

const FieldChangeAnswer = t.type({ key: t.string, from: nullable(t.string), to: nullable(t.string) }, 'FieldChange');

/** `cairn runs diff --json` (GET /v1/runs/{run}/diff/{other}). */
export const RunsDiffAnswer = t.type(
  {
    from: RunDetailAnswer,
    to: RunDetailAnswer,
    sameVersion: t.boolean,
    dataset: nullable(VersionDiffAnswer),
    code: nullable(FieldChangeAnswer),
    model: nullable(FieldChangeAnswer),
    seeds: t.array(FieldChangeAnswer),
    hyperparameters: t.array(FieldChangeAnswer),
    environment: t.array(FieldChangeAnswer),
  },
  'RunsDiff',
);

/** `cairn runs reproduce-check --json` (GET /v1/runs/{run}/reproduce). */
export const ReproduceReportAnswer = t.type(
  {
    runId: t.string,
    dataset: t.string,
    versionId: t.string,
    reproducible: t.boolean,
    checks: t.array(
      t.type({
        name: literals(['version-rebuilds', 'member-bytes', 'gradient-artifacts'] as const, 'a reproduce check'),
        ok: t.boolean,
        detail: t.string,
        failures: t.array(t.string),
      }),
    ),
    rebuilt: nullable(t.type({ versionId: t.string, merkleRoot: t.string, position: PositionText })),
    samples: t.type({
      total: t.number,
      readable: t.number,
      erased: t.array(ErasureAnswer),
      unreadable: t.array(t.type({ cfId: CfId, reason: t.string })),
    }),
    gradients: t.array(t.type({ split: t.string, contentHash: t.string, eventId: t.string, ok: t.boolean, reason: nullable(t.string) })),
  },
  'ReproduceReport',
);

/** `cairn runs unlearning --json` (GET /v1/runs/{run}/unlearning). */
export const UnlearningReportAnswer = t.type(
  {
    runId: t.string,
    dataset: t.string,
    versionId: t.string,
    modelHash: t.string,
    memberCount: t.number,
    erased: t.array(t.intersection([ErasureAnswer, t.type({ influence: nullable(t.number) })])),
    attribution: t.union([
      t.type({ scored: t.literal(false), reason: t.string }),
      t.type({
        scored: t.literal(true),
        scoredAt: PositionText,
        trainCfs: t.number,
        erasedTrainCfs: t.number,
        influenceShare: t.number,
        creditShare: t.number,
        totals: t.type({ absInfluence: t.number, erasedAbsInfluence: t.number, credit: t.number, erasedCredit: t.number }),
        topQueries: t.array(
          t.type({
            queryRow: t.number,
            queryCf: t.string,
            erasedInfluence: t.number,
            share: t.number,
            erased: t.array(t.type({ cfId: CfId, rank: t.number, score: t.number })),
          }),
        ),
        queriesAffected: t.number,
        queriesScored: t.number,
      }),
    ]),
  },
  'UnlearningReport',
);

const CreditShareAnswer = t.type(
  {
    rank: t.number,
    key: nullable(t.string),
    name: nullable(t.string),
    share: nullable(t.number),
    credit: t.number,
    shapleyShare: nullable(t.number),
    cfCount: t.number,
    evidence: t.intersection([
      t.type({
        basis: t.string,
        totalCredit: t.number,
        totalShapleyCredit: nullable(t.number),
        topCfs: t.array(t.type({ cfId: CfId, influence: t.number, credit: t.number })),
      }),
      t.partial({ note: t.string }),
    ]),
  },
  'CreditShare',
);

/** `cairn credit --json` (GET /v1/runs/{run}/credit). */
export const CreditAnswerCodec = t.type(
  {
    ref: ResolvedVersionAnswer,
    shares: t.type({
      runId: t.string,
      dataset: t.string,
      versionId: t.string,
      scoredAt: PositionText,
      trainHash: t.string,
      queryHash: t.string,
      shapleyReason: nullable(t.string),
      shapleyExcluded: nullable(
        t.type({ labelType: t.string, trainRows: t.number, queryRows: t.number, trainCfs: t.array(t.string), queryCfs: t.array(t.string) }),
      ),
      trainKind: nullable(literals(['output-gradients', 'loss-gradients'] as const, 'a gradient kind')),
      estimator: t.string,
      contributors: t.array(CreditShareAnswer),
      sources: t.array(CreditShareAnswer),
      assets: t.array(CreditShareAnswer),
    }),
  },
  'CreditAnswer',
);

// Compile-time: every decoded answer is a value of the library's type.
type Decodes<C extends t.Mixed, A> = (decoded: t.TypeOf<C>) => A;
export const runAnswerTypesAgree: readonly [
  Decodes<typeof RunSummariesAnswer, readonly RunSummary[]>,
  Decodes<typeof RunDetailAnswer, RunDetail>,
  Decodes<typeof RunsDiffAnswer, RunsDiff>,
  Decodes<typeof ReproduceReportAnswer, ReproduceReport>,
  Decodes<typeof UnlearningReportAnswer, UnlearningReport>,
  Decodes<typeof CreditAnswerCodec, CreditAnswer>,
  Decodes<typeof CreditAnswerCodec, { readonly shares: CreditShares }>,
] = [(d) => d, (d) => d, (d) => d, (d) => d, (d) => d, (d) => d, (d) => d];
