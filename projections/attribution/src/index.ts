// The attribution projection (design.md section 6): TRAK scores, KNN-Shapley values and credit
// shares per run, computed from content-addressed gradient artifacts, and the queries on them.
export { createAttributionProjection, ATTRIBUTION_PROJECTION, type AttributionProjectionOptions } from './projection.js';
export { cfFactsFromLog, CF_FACTS_READ_CHUNK, type CfFactsReader, type CfFact, type CfKind, type CfFactsUnavailable } from './cf-facts.js';
export { ATTRIBUTION_TABLES, A as ATTRIBUTION_TABLE_NAMES, type AttributionDatabase } from './tables.js';
export { createInMemoryArtifactStore, createFolderArtifactStore, type ArtifactStore } from './artifact-store.js';
export {
  storeGradientArtifact,
  storeWeightsArtifact,
  loadGradients,
  loadWeights,
  type StoredGradientArtifact,
  type RecordedArtifact,
} from './gradient-artifact.js';
export { attributionKernel, closeAttributionKernel, withAttributionKernelClosed } from './kernel.js';
export { attributionParamsOf, DEFAULT_ATTRIBUTION_PARAMS, MAX_PROJECTED_DIM, MAX_TOP_K, type AttributionParams } from './params.js';
export {
  attributeQueries,
  attributionScoreBlocks,
  attributionEstimator,
  attributionColumns,
  type AttributeQueriesOptions,
  type QueryAttribution,
  type AttributedCf,
  type ScoreMatrix,
  type AttributionEstimator,
} from './attribute-queries.js';
export type { GradientKind } from './compute.js';
export type { LabelExclusions } from './labels.js';
export { creditShares, type CreditShares, type CreditShare, type CreditSharesOptions } from './credit.js';
export type { ShareEvidence, ShareKind } from './shares.js';
export type { ArtifactError, GradientArtifactError, AttributionQueryError } from './errors.js';
export * from './answers/index.js';
export { queryTop, type QueryTop, type QueryTopError } from './answers/query-top.js';
