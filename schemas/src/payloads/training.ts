import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { withRules, type RuleViolation } from '../combinators/rules.js';
import { dictionary } from '../combinators/dictionary.js';
import { CfId, Sha256Hex } from '../primitives/hex.js';
import { JsonObject } from '../primitives/json-value.js';
import { NonNegativeInt, PositiveInt } from '../primitives/numbers.js';
import { DatasetName, NonEmptyString, RunId } from '../primitives/text.js';

/** Which dataset version a run trained on. */
export const DatasetVersionRef = closed('DatasetVersionRef', { name: DatasetName, versionId: Sha256Hex });
export type DatasetVersionRef = t.TypeOf<typeof DatasetVersionRef>;

/** Named seeds ("data", "init"...). Safe integers: a 64-bit seed beyond 2^53 must be split or hashed. */
export const Seeds = dictionary(NonEmptyString, NonNegativeInt, 'Seeds');
/** Environment facts ("python": "3.11.9", "torch": "2.3.0", "gpu": "A100"). */
export const Environment = dictionary(NonEmptyString, NonEmptyString, 'Environment');

export const TrainingRunRecordedPayload = closed(
  'TrainingRunRecordedPayload',
  {
    runId: RunId,
    dataset: DatasetVersionRef,
    /** e.g. a git commit of the training code. */
    codeVersion: NonEmptyString,
    seeds: Seeds,
    hyperparameters: JsonObject,
    environment: Environment,
    /** SHA-256 of the trained model's weights file. */
    modelHash: Sha256Hex,
  },
  /** Merkle roots of the batches in training order, for replaying which CFs each step saw. */
  { batchRoots: list(Sha256Hex, { expected: 'a list of SHA-256 digests (64 lowercase hex)' }) },
);
export type TrainingRunRecordedPayload = t.TypeOf<typeof TrainingRunRecordedPayload>;

export const GradientSplit = t.keyof({ train: null, query: null }, 'GradientSplit');
export type GradientSplit = t.TypeOf<typeof GradientSplit>;

/** A rows × dims float32 matrix stored by content hash outside the log. */
export const GradientArtifact = closed('GradientArtifact', {
  contentHash: Sha256Hex,
  format: t.keyof({ npy: null, arrow: null }, 'ArtifactFormat'),
  rows: PositiveInt,
  dims: PositiveInt,
  dtype: t.literal('float32'),
});
export type GradientArtifact = t.TypeOf<typeof GradientArtifact>;

/**
 * What the rows of a train artifact are, so the projection can apply the estimator they call for
 * (projections/attribution/README.md). "output-gradients": row i is the gradient of the model's
 * output on train example i (TRAK's φ_i), scaled by √(loss curvature) when a weights artifact gives
 * the per-row factor (TRAK's Q). "loss-gradients": row i is the gradient of example i's training
 * loss; scores then use −g_i against the empirical Fisher Σ g gᵀ. Events without a kind predate it
 * and are scored as given (every weight 1).
 */
export const GradientKind = t.keyof({ 'output-gradients': null, 'loss-gradients': null }, 'GradientKind');
export type GradientKind = t.TypeOf<typeof GradientKind>;

/** A per-row weight vector (rows × 1 float32 .npy) stored by content hash outside the log. */
export const WeightsArtifact = closed('WeightsArtifact', {
  contentHash: Sha256Hex,
  format: t.literal('npy'),
  rows: PositiveInt,
  dtype: t.literal('float32'),
});
export type WeightsArtifact = t.TypeOf<typeof WeightsArtifact>;

const GradientsFields = closed(
  'GradientsRecordedPayload',
  {
    runId: RunId,
    split: GradientSplit,
    artifact: GradientArtifact,
    /** rowMap[i] is the CF whose gradient (or feature vector) is row i. */
    rowMap: list(CfId, { expected: 'a non-empty list of CfIds', nonEmpty: true }),
  },
  {
    /** What the rows are; absent on events recorded before kinds existed. */
    kind: GradientKind,
    /** Per train row factor of its scores (TRAK's Q); only with kind "output-gradients" on the train split. */
    weights: WeightsArtifact,
  },
);

export const GradientsRecordedPayload = withRules(
  GradientsFields,
  [
    (g): RuleViolation[] =>
      g.rowMap.length === g.artifact.rows ? [] : [{ path: ['rowMap'], expected: `${g.artifact.rows} CfIds, one per artifact row` }],
    (g): RuleViolation[] =>
      g.split === 'query' && g.kind === 'loss-gradients'
        ? [
            {
              path: ['kind'],
              expected: 'absent or "output-gradients" on the query split (a query row is the gradient of the output being explained)',
            },
          ]
        : [],
    (g): RuleViolation[] => {
      if (g.weights === undefined) return [];
      if (g.split !== 'train' || g.kind !== 'output-gradients') {
        return [{ path: ['weights'], expected: 'absent unless split is "train" and kind is "output-gradients"' }];
      }
      return g.weights.rows === g.artifact.rows
        ? []
        : [{ path: ['weights', 'rows'], expected: `${g.artifact.rows}, one weight per artifact row` }];
    },
  ],
  {
    allOf: [
      {
        if: { properties: { split: { const: 'query' } } },
        then: { not: { properties: { kind: { const: 'loss-gradients' } }, required: ['kind'] } },
      },
      {
        if: { required: ['weights'] },
        then: { properties: { split: { const: 'train' }, kind: { const: 'output-gradients' } }, required: ['kind'] },
      },
    ],
  },
);
export type GradientsRecordedPayload = t.TypeOf<typeof GradientsRecordedPayload>;
