// The answers as the server sends them (the CLI's --json documents), as io-ts codecs that
// decode the JSON back into the client's own typed values: positions from decimal strings to
// bigint. The server describes its answers with these; a remote Cairn decodes with them. Each
// codec is checked against the client's type at compile time (Exactly below), so a field added
// to an answer and not here fails the build instead of arriving as `any`.
import * as t from 'io-ts';
import { LIMIT_NAMES, PositionText, type SizeLimits } from '@cairn/sdk';
import { CfId, EventId, VersionId } from '@cairn/schemas';
import type { StatusDocument } from '../status-document.js';
import type { CfShowAnswer, ReplacementResult, DatasetVersions, DiffAnswer, LicensesAnswer, VersionShow, WhyResult } from '../cairn.js';
import type { CardFacts, ReportAnswer } from '../reads.js';
import type { AuthorshipProof, ProofFile } from '@cairn/core';
import type { Impact } from '@cairn/datasets';
import { EDGE_TYPES, NODE_KINDS, NODE_STATES, type CfHistory, type LineageTrace } from '@cairn/lineage';

/** The head of the log and how far the projections have read it. */
export const StatusAnswer = t.type(
  { head: t.union([PositionText, t.null]), caughtUpTo: t.union([PositionText, t.null]), store: t.string },
  'Status',
);
export type StatusAnswer = t.TypeOf<typeof StatusAnswer>;

export const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);

export const ResolvedVersionAnswer = t.type(
  { dataset: t.string, versionId: VersionId, ordinal: t.number, manifestId: t.string, position: PositionText },
  'ResolvedVersion',
);

export const DatasetVersionsAnswer = t.type(
  {
    dataset: t.string,
    current: nullable(VersionId),
    versions: t.array(
      t.intersection([
        ResolvedVersionAnswer,
        t.type({
          merkleRoot: t.string,
          memberCount: t.number,
          builds: t.array(t.type({ position: PositionText, cause: t.string, causeEventId: t.string })),
        }),
      ]),
    ),
  },
  'DatasetVersions',
);

const EventRefAnswer = t.type({ eventId: t.string, position: PositionText }, 'EventRef');
export const withRef = <P extends t.Props>(props: P, name: string) => t.intersection([EventRefAnswer, t.type(props)], name);

const DatasetVersionAnswer = t.type(
  { versionId: VersionId, dataset: t.string, manifestId: t.string, merkleRoot: t.string, memberCount: t.number, position: PositionText },
  'DatasetVersion',
);

const DiffCauseAnswer = t.type({ kind: t.string, event: nullable(EventRefAnswer), reason: t.string }, 'DiffCause');

const versionDiffProps = {
  a: DatasetVersionAnswer,
  b: DatasetVersionAnswer,
  counts: t.type({ added: t.number, removed: t.number, changed: t.number, unchanged: t.number }),
  added: t.array(t.type({ cfId: CfId, cause: DiffCauseAnswer })),
  removed: t.array(t.type({ cfId: CfId, cause: DiffCauseAnswer })),
  changed: t.array(t.type({ from: CfId, to: CfId, cause: DiffCauseAnswer })),
  assets: t.array(t.type({ assetId: t.string, name: t.string, added: t.number, removed: t.number })),
  truncated: t.boolean,
};

/** What changed between two versions (VersionDiff). */
export const VersionDiffAnswer = t.type(versionDiffProps, 'VersionDiff');

export const DiffAnswerCodec = t.type({ ...versionDiffProps, from: ResolvedVersionAnswer, to: ResolvedVersionAnswer }, 'DiffAnswer');

export const ErasureAnswer = withRef({ cfId: CfId, reason: t.string, author: t.string }, 'Erasure');
const Relation = t.keyof({ labels: null, validates: null, amends: null, supersedes: null }, 'labels | validates | amends | supersedes');

export const ImpactAnswer = t.type(
  {
    cfId: CfId,
    dependents: t.array(withRef({ kind: t.string, relation: Relation }, 'Dependent')),
    assets: t.array(withRef({ assetId: t.string, name: t.string }, 'ImpactAsset')),
    versions: t.array(withRef({ versionId: VersionId, dataset: t.string, current: t.boolean }, 'ImpactVersion')),
    runs: t.array(withRef({ runId: t.string, versionId: VersionId, modelHash: t.string }, 'ImpactRun')),
    models: t.array(t.string),
    erased: nullable(ErasureAnswer),
  },
  'Impact',
);

/** The size limits a store admits events under: every limit the SDK names, in bytes. */
const SizeLimitsAnswer = new t.Type<SizeLimits, SizeLimits, unknown>(
  'SizeLimits',
  (u): u is SizeLimits =>
    typeof u === 'object' && u !== null && LIMIT_NAMES.every((n) => typeof (u as Record<string, unknown>)[n] === 'number'),
  (u, c) =>
    typeof u === 'object' && u !== null && LIMIT_NAMES.every((n) => typeof (u as Record<string, unknown>)[n] === 'number')
      ? t.success(u as SizeLimits)
      : t.failure(u, c),
  t.identity,
);

/** The document `cairn status --json` prints and GET /v1/status/counts sends. */
export const StatusDocumentAnswer = t.type(
  {
    store: t.string,
    head: nullable(t.string),
    events: t.number,
    contributors: t.number,
    cfs: t.type({ sample: t.number, label: t.number, validation: t.number }),
    datasets: t.number,
    datasetVersions: t.number,
    checkpoints: t.number,
    limits: SizeLimitsAnswer,
    projections: t.array(
      t.type({
        name: t.string,
        checkpoint: nullable(t.string),
        caughtUp: t.boolean,
        failedEvents: t.number,
        firstFailure: nullable(t.string),
      }),
    ),
  },
  'StatusDocument',
);

/** One of a fixed list of words. */
export const literals = <V extends string>(values: readonly V[], name: string) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<V, null>, name);

/** A time: a Date inside, ISO 8601 text on the wire. */
const DateText = new t.Type<Date, string, unknown>(
  'an ISO 8601 time',
  (u): u is Date => u instanceof Date,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const d = new Date(u);
    return Number.isNaN(d.getTime()) ? t.failure(u, c) : t.success(d);
  },
  (d) => d.toISOString(),
);

/** A CfHistory or trace bound: a position, null (before the first event) or absent (the whole projection). */
const AsOfBound = t.union([PositionText, t.null, t.undefined]);

export const LicensesAnswerCodec = t.type(
  {
    version: DatasetVersionAnswer,
    expressions: t.array(t.type({ expression: t.string, members: t.number, resolvedTo: t.array(t.string) })),
    licenses: t.array(t.string),
    unknown: t.array(t.string),
    obligations: t.type({
      attribution: t.array(t.type({ contributor: t.string, members: t.number, licenses: t.array(t.string) })),
      shareAlike: t.array(t.string),
      nonCommercial: t.array(t.string),
      noDerivatives: t.array(t.string),
    }),
    conflicts: t.array(t.type({ rule: t.string, licenses: t.array(t.string), comment: t.string })),
    ref: ResolvedVersionAnswer,
  },
  'LicensesAnswer',
);

// The assembly rules in the order a build checks them (@cairn/assembly's RULE_ORDER).
const AssemblyRule = literals(
  ['kind', 'erased', 'asset', 'source', 'replaced', 'deprecated', 'license', 'labels', 'minApprovals', 'minAgreement', 'dedup'] as const,
  'an assembly rule',
);
const VoteRefAnswer = withRef({ validator: t.string }, 'VoteRef');
const DecisionEvidenceAnswer = t.intersection(
  [
    t.type({
      cf: EventRefAnswer,
      kind: t.string,
      author: t.string,
      source: nullable(t.string),
      license: nullable(t.string),
      licenseAllowed: nullable(t.boolean),
      approvals: t.array(VoteRefAnswer),
      rejections: t.array(VoteRefAnswer),
      agreement: nullable(t.number),
      labels: t.array(EventRefAnswer),
      labelTypes: t.array(t.string),
      assets: t.array(t.string),
      replacedBy: nullable(EventRefAnswer),
      replaces: nullable(EventRefAnswer),
      deprecatedBy: nullable(withRef({ reason: t.string }, 'Deprecation')),
      duplicateOf: nullable(withRef({ commitment: t.string }, 'Duplicate')),
      carriedFrom: t.array(EventRefAnswer),
      notCarried: nullable(
        withRef(
          { why: literals(['new-content', 'supersedes', 'manifest'] as const, 'why not carried'), labels: t.number, validations: t.number },
          'NotCarried',
        ),
      ),
    }),
    t.partial({ erasedBy: nullable(withRef({ sample: t.string }, 'ErasedBy')) }),
  ],
  'DecisionEvidence',
);

export const WhyAnswerCodec = t.type(
  {
    cfId: CfId,
    version: DatasetVersionAnswer,
    included: t.boolean,
    rule: nullable(AssemblyRule),
    reason: t.string,
    evidence: nullable(DecisionEvidenceAnswer),
    buildPosition: PositionText,
    erased: nullable(ErasureAnswer),
    ref: ResolvedVersionAnswer,
  },
  'WhyResult',
);

const NodeKindAnswer = literals(NODE_KINDS, 'a lineage node kind');
const nodeFields = {
  id: t.string,
  label: t.string,
  eventId: t.string,
  position: PositionText,
  state: nullable(literals(NODE_STATES, 'a node state')),
  stateReason: nullable(t.string),
  stateEventId: nullable(t.string),
};
const NodeViewAnswer = t.type({ ...nodeFields, kind: NodeKindAnswer }, 'NodeView');

const stepAt = { cfId: CfId, eventId: EventId, position: PositionText };
const HistoryStepAnswer = t.union(
  [
    t.type({ action: t.literal('contributed'), ...stepAt }),
    t.type({
      action: literals(['amends', 'supersedes'] as const, 'amends | supersedes'),
      target: CfId,
      recordedAt: DateText,
      ...stepAt,
    }),
    t.type({ action: t.literal('deprecated'), by: t.string, reason: nullable(t.string), recordedAt: DateText, ...stepAt }),
    t.type({ action: t.literal('erased'), reason: nullable(t.string), ...stepAt }),
  ],
  'HistoryStep',
);

export const HistoryAnswer = t.type(
  {
    cfId: CfId,
    asOf: AsOfBound,
    node: NodeViewAnswer,
    family: t.array(NodeViewAnswer),
    standing: t.array(CfId),
    steps: t.array(HistoryStepAnswer),
  },
  'CfHistory',
);

export const TraceAnswer = t.type(
  {
    root: t.string,
    asOf: AsOfBound,
    direction: literals(['up', 'down', 'both'] as const, 'up | down | both'),
    nodes: t.array(t.type({ ...nodeFields, kind: t.union([NodeKindAnswer, t.literal('unknown')]), known: t.boolean, depth: t.number })),
    edges: t.array(
      t.type({
        type: literals(EDGE_TYPES, 'a lineage edge type'),
        from: t.string,
        to: t.string,
        eventId: t.string,
        position: PositionText,
        recordedAt: DateText,
      }),
    ),
    truncated: t.boolean,
  },
  'LineageTrace',
);

/** One event about a CF as the log holds it (ShownEvent). */
const shownEventProps = {
  eventId: t.string,
  type: t.string,
  signer: t.string,
  position: PositionText,
  recordedAt: DateText,
  payload: t.UnknownRecord,
};
const ShownEventAnswer = t.type(shownEventProps, 'ShownEvent');

/** The document `cairn show --json` prints and GET /v1/cfs/{cf} sends. */
export const CfShowAnswerCodec = t.type(
  {
    ...shownEventProps,
    cfId: CfId,
    kind: literals(['sample', 'label', 'validation'] as const, 'sample | label | validation'),
    importId: nullable(t.string),
    later: t.array(ShownEventAnswer),
    targetedBy: t.array(ShownEventAnswer),
    replacedBy: t.array(t.type({ ...shownEventProps, how: literals(['amends', 'supersedes'] as const, 'amends | supersedes') })),
    versions: t.array(
      t.type({ dataset: t.string, versionId: VersionId, position: PositionText, reason: t.string, ordinal: nullable(t.number) }),
    ),
    names: t.record(t.string, t.string),
  },
  'CfShowAnswer',
);

const counted = <K extends string>(key: K, name: string) =>
  t.array(t.type({ [key]: t.string, members: t.number } as Record<K, t.StringC> & { members: t.NumberC }), name);

/** Where a version's members come from (VersionOrigin). */
const versionOriginProps = {
  version: DatasetVersionAnswer,
  build: nullable(
    t.type(
      {
        dataset: t.string,
        manifestId: t.string,
        versionId: VersionId,
        position: PositionText,
        cause: t.string,
        causeEventId: t.string,
        validTo: nullable(PositionText),
      },
      'Build',
    ),
  ),
  assets: t.array(t.type({ assetId: t.string, name: t.string, members: t.number }), 'assets'),
  contributors: counted('contributor', 'contributors'),
  sources: counted('source', 'sources'),
  licenses: counted('license', 'licenses'),
};
const VersionOriginAnswer = t.type(versionOriginProps, 'VersionOrigin');

/** One version and one page of its members: `cairn dataset show --json` (GET /v1/versions/{ref} adds nextCursor). */
export const VersionShowAnswer = t.intersection(
  [
    ResolvedVersionAnswer,
    t.type({
      ...versionOriginProps,
      members: t.array(
        t.type({
          cfId: CfId,
          kind: t.string,
          contributor: t.string,
          source: nullable(t.string),
          license: nullable(t.string),
          labelType: nullable(t.string),
          reason: t.string,
        }),
      ),
      total: t.number,
      offset: t.number,
      limit: t.number,
      next: nullable(CfId),
    }),
  ],
  'VersionShow',
);

/** The inclusion proof file `cairn prove` writes and GET /v1/cfs/{cf}/proof sends (checked offline by core). */
export const ProofFileAnswer = t.type(
  {
    cairnInclusionProof: t.literal(1),
    cfId: t.string,
    dataset: t.string,
    versionId: t.string,
    manifestId: t.string,
    merkleRoot: t.string,
    proof: t.type({ leafIndex: t.number, treeSize: t.number, leafHash: t.string, auditPath: t.array(t.string), root: t.string }),
  },
  'ProofFile',
);

const envelopeProps = { type: t.string, payload: t.unknown, signer: t.string };

/** The authorship proof `cairn prove --signed-by` prints (checked offline by core's checkAuthorship). */
export const AuthorshipProofAnswer = t.intersection(
  [
    t.type({
      cairnAuthorshipProof: t.literal(1),
      cf: t.union([
        t.type({ ...envelopeProps, signature: t.string }),
        t.type({ ...envelopeProps, seal: t.type({ id: t.string, index: t.number }) }),
      ]),
      publicKey: t.string,
    }),
    t.partial({
      seal: t.type({ type: t.string, payload: t.type({ root: t.string, count: t.number }), signer: t.string, signature: t.string }),
      auditPath: t.array(t.string),
      position: t.string,
    }),
  ],
  'AuthorshipProof',
);

/** The facts a provenance card is written from (`cairn card --json` less its markdown). */
export const CardFactsAnswer = t.type(
  {
    ref: ResolvedVersionAnswer,
    origin: VersionOriginAnswer,
    kinds: t.array(t.type({ kind: t.string, members: t.number })),
    licenses: LicensesAnswerCodec,
    validation: t.type({
      validations: t.number,
      approvals: t.number,
      rejections: t.number,
      scores: t.number,
      meanScore: nullable(t.number),
      validators: t.number,
      membersValidated: t.number,
    }),
    manifest: t.unknown,
    previous: nullable(t.type({ ref: ResolvedVersionAnswer, diff: VersionDiffAnswer })),
    erased: t.array(ErasureAnswer),
  },
  'CardFacts',
);

/** The card's facts and the EU AI Act facts of the same version: GET /v1/versions/{ref}/report. */
export const ReportAnswerCodec = t.type(
  {
    card: CardFactsAnswer,
    facts: t.type({
      sources: t.array(t.type({ source: t.string, members: t.number, licenses: t.array(t.string) })),
      exclusions: t.array(t.type({ rule: t.string, cfs: t.number })),
      deprecations: t.array(t.type({ reason: t.string, cfs: t.number })),
      erasures: t.number,
      mediaTypes: t.array(t.type({ mediaType: t.string, members: t.number })),
      personalDataMembers: t.number,
    }),
  },
  'ReportAnswer',
);

/** The datasets an amendment or supersession re-assembled: GET /v1/cfs/{cf}/replacement-outcomes. */
export const ReplacementResultsAnswer = t.array(
  t.type({
    dataset: t.string,
    manifestId: t.string,
    versionId: VersionId,
    position: PositionText,
    included: t.boolean,
    rule: nullable(AssemblyRule),
    reason: t.string,
    ordinal: nullable(t.number),
  }),
  'ReplacementResult[]',
);

// Compile-time: every decoded answer is a value of the client's type.
type Decodes<C extends t.Mixed, A> = (decoded: t.TypeOf<C>) => A;
export const answerTypesAgree: readonly [
  Decodes<typeof DatasetVersionsAnswer, DatasetVersions>,
  Decodes<typeof DiffAnswerCodec, DiffAnswer>,
  Decodes<typeof ImpactAnswer, Impact>,
  Decodes<typeof StatusDocumentAnswer, StatusDocument>,
  Decodes<typeof LicensesAnswerCodec, LicensesAnswer>,
  Decodes<typeof WhyAnswerCodec, WhyResult>,
  Decodes<typeof HistoryAnswer, CfHistory>,
  Decodes<typeof TraceAnswer, LineageTrace>,
  Decodes<typeof CfShowAnswerCodec, CfShowAnswer>,
  Decodes<typeof VersionShowAnswer, VersionShow>,
  Decodes<typeof ProofFileAnswer, ProofFile>,
  Decodes<typeof AuthorshipProofAnswer, AuthorshipProof>,
  Decodes<typeof CardFactsAnswer, CardFacts>,
  Decodes<typeof ReportAnswerCodec, ReportAnswer>,
  Decodes<typeof ReplacementResultsAnswer, readonly ReplacementResult[]>,
] = [
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
  (d) => d,
];
