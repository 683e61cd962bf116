// @cairn/schemas: io-ts codecs for every Cairn event and the manifest, people-readable decode
// errors, and the JSON Schema generated from the same codecs.
export { Sha256Hex, EventId, CfId, VersionId, ContributorId, PublicKeyHex, SignatureHex } from './primitives/hex.js';
// The brands, so a package whose inferred types carry them (io-ts codecs) can name them in its declarations.
export type { Sha256HexBrand, EventIdBrand, CfIdBrand, VersionIdBrand } from './primitives/hex.js';
export {
  NonEmptyString,
  DatasetName,
  RunId,
  MediaType,
  IsoTimestamp,
  isWellFormedText,
  isStorableText,
  textProblem,
} from './primitives/text.js';
export { SpdxExpression, SpdxLicenseId } from './primitives/spdx.js';
export { NonNegativeInt, PositiveInt, Probability } from './primitives/numbers.js';
export { JsonValue, JsonObject } from './primitives/json-value.js';

export {
  ContributorRegisteredPayload,
  ContributorKeyRotatedPayload,
  ContributorKeyRevokedPayload,
  KeyRevocationReason,
  ContributorRole,
  ContributorRoleGrantedPayload,
  ContributorRoleRevokedPayload,
} from './payloads/contributor.js';
export { CommitmentScheme, ContentCommitment, SampleContributedPayload } from './payloads/sample.js';
export { CfTargets, LabelContributedPayload } from './payloads/label.js';
export { Verdict, Evidence, ValidationContributedPayload } from './payloads/validation.js';
export { DeprecationReason, ContributionDeprecatedPayload, SampleErasedPayload } from './payloads/deprecation.js';
export { TransformationKind, Transformation, AssetAssembledPayload } from './payloads/asset.js';
export { ManifestDefinedPayload, DatasetDefinedPayload, DatasetBuildRequestedPayload, BuildNonce } from './payloads/dataset.js';
export {
  DatasetVersionRef,
  Seeds,
  Environment,
  TrainingRunRecordedPayload,
  GradientSplit,
  GradientArtifact,
  GradientKind,
  WeightsArtifact,
  GradientsRecordedPayload,
} from './payloads/training.js';
export { BatchSealedPayload, SealRef } from './payloads/seal.js';
export { LogCheckpointedPayload, TreeHead, SignedTreeHead, TreeHeadCosignature, decodeTreeHeadLine } from './payloads/checkpoint.js';

export {
  Manifest,
  CandidateKind,
  SourceSelection,
  AssetSelection,
  Candidates,
  ApprovalScope,
  MinApprovals,
  LabelRequirements,
  LicensePolicy,
  DedupPolicy,
  AmendmentPolicy,
} from './manifest/manifest.js';
export { MANIFEST_DEFAULTS, LATER_DEFAULTS, amendmentPolicyOf, withManifestDefaults } from './manifest/defaults.js';

export {
  EVENT_TYPES,
  CF_EVENT_TYPES,
  payloadCodecs,
  eventCodecs,
  CairnEvent,
  EventTypeCodec,
  isEventType,
  isSealed,
  type EventType,
  type SignedEnvelope,
  type SealedEnvelope,
  type CfEventType,
  type PayloadOf,
  type EventEnvelope,
  type EventCodecs,
} from './catalogue.js';
export { EVENT_DOCS, type EventDoc } from './event-docs.js';

export { decodeEvent, decodeEventOf, decodePayload, decodeManifest, formatDecodeFailure, type DecodeFailure } from './decode/decode.js';
export { showValue, describeCodec, type Problem } from './decode/render.js';

export { jsonSchemaDocuments, jsonSchemaOf, JSON_SCHEMA_DIALECT, SCHEMA_ID_PREFIX, type SchemaDocument } from './json-schema/documents.js';
export { type JsonSchema, descriptorOf } from './describe.js';

export { examplePayload, exampleManifest } from './examples.js';

export { ProblemDocument, FieldProblem, PROBLEM_CONTENT_TYPE, problemType } from './http/problem.js';

export {
  LIMIT_NAMES,
  LIMIT_DOCS,
  DEFAULT_LIMITS,
  HARD_CAPS,
  EVENT_HARD_CAP,
  isLimitName,
  utf8ByteLength,
  canonicalByteLength,
  firstLimitExcess,
  describeLimitExcess,
  type LimitName,
  type SizeLimits,
  type LimitDoc,
  type LimitExcess,
} from './limits/limits.js';
