// The manifest: the rules that decide which CFs a dataset version includes. Stored complete in
// ManifestDefined (see payloads/dataset.ts); `defaults.ts` fills in what an author leaves out.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { described, descriptorOf } from '../describe.js';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { Sha256Hex } from '../primitives/hex.js';
import { NonNegativeInt, Probability } from '../primitives/numbers.js';
import { SpdxLicenseId } from '../primitives/spdx.js';
import { NonEmptyString } from '../primitives/text.js';

export const CandidateKind = t.keyof({ sample: null, label: null }, 'CandidateKind');
export type CandidateKind = t.TypeOf<typeof CandidateKind>;

const Any = t.literal('any');

/**
 * "any", or a list. A bad item of a list is reported at its own index with its own reason (a NUL
 * in `sources[1]`); anything else wrong (not a list, an empty or repeating one) reads as the
 * choice it is: expected "any" or a list.
 */
function anyOrList<L extends t.Mixed>(list: L, name: string, expected: string) {
  const branches = [Any, list] as [typeof Any, L];
  const codec = new t.UnionType<typeof branches, 'any' | t.TypeOf<L>, 'any' | t.OutputOf<L>, unknown>(
    name,
    (u): u is 'any' | t.TypeOf<L> => Any.is(u) || list.is(u),
    (u, c) => {
      if (Any.is(u)) return t.success(u);
      if (!Array.isArray(u)) return t.failure(u, c);
      const inList = [...c, { key: '1', type: list, actual: u }];
      const checked = list.validate(u, inList);
      if (isLeft(checked) && checked.left.some((e) => e.context.length <= inList.length)) return t.failure(u, c);
      return checked;
    },
    t.identity,
    branches,
  );
  return described(codec, { expected, dispatching: true });
}

/** Which Sample `source` values may contribute members: "any", or exactly these. */
export const SourceSelection = anyOrList(
  list(NonEmptyString, { expected: 'a non-empty list of distinct sources', nonEmpty: true, distinct: true }),
  'SourceSelection',
  '"any" or a non-empty list of distinct sources',
);
export type SourceSelection = t.TypeOf<typeof SourceSelection>;

/** Which assets (AssetAssembled event ids) members must come from: "any", or these. */
export const AssetSelection = anyOrList(
  list(Sha256Hex, { expected: 'a non-empty list of distinct asset ids', nonEmpty: true, distinct: true }),
  'AssetSelection',
  '"any" or a non-empty list of distinct asset ids (64 lowercase hex)',
);
export type AssetSelection = t.TypeOf<typeof AssetSelection>;

export const Candidates = closed('Candidates', {
  kinds: list(CandidateKind, {
    expected: 'a non-empty list of distinct candidate kinds ("sample", "label")',
    nonEmpty: true,
    distinct: true,
  }),
  sources: SourceSelection,
  assets: AssetSelection,
});
export type Candidates = t.TypeOf<typeof Candidates>;

/**
 * Where approvals are counted: on the sample itself, on its labels, or either. An approval is an
 * "approve" verdict (or a "score" at or above scoreThreshold) by a validator other than the
 * candidate's author; each validator counts once.
 */
export const ApprovalScope = t.keyof({ sample: null, labels: null, either: null }, 'ApprovalScope');
export type ApprovalScope = t.TypeOf<typeof ApprovalScope>;

export const MinApprovals = closed('MinApprovals', { count: NonNegativeInt, scope: ApprovalScope });
export type MinApprovals = t.TypeOf<typeof MinApprovals>;

export const LabelRequirements = closed('LabelRequirements', {
  /** Label types a candidate must carry at least one (non-deprecated) label of. */
  required: list(NonEmptyString, { expected: 'a list of distinct label types', distinct: true }),
});
export type LabelRequirements = t.TypeOf<typeof LabelRequirements>;

const LicensePolicyFields = closed('LicensePolicy', {
  /** A candidate's license expression must be satisfiable with these licenses alone (core's spdxSatisfiedBy). */
  allowed: list(SpdxLicenseId, { expected: 'a non-empty list of distinct SPDX license ids', nonEmpty: true, distinct: true }),
});
/** Required: which licenses a dataset may carry is written down, never assumed. */
export const LicensePolicy = described(LicensePolicyFields, {
  ...descriptorOf(LicensePolicyFields),
  expected: 'a license policy ({ "allowed": [SPDX license ids] }, required: it has no default)',
});
export type LicensePolicy = t.TypeOf<typeof LicensePolicy>;

export const DedupPolicy = t.keyof({ 'content-commitment': null, none: null }, 'DedupPolicy');
export type DedupPolicy = t.TypeOf<typeof DedupPolicy>;

/**
 * What an amendment keeps. carryLabelsAndValidations: a sample amended without a change of content
 * (same content commitment, e.g. a corrected license or source) keeps the labels and validations
 * of the sample it amends, and of the metadata-only amendments before it; an amendment with new
 * content starts unreviewed.
 */
export const AmendmentPolicy = closed('AmendmentPolicy', { carryLabelsAndValidations: t.boolean });
export type AmendmentPolicy = t.TypeOf<typeof AmendmentPolicy>;

const ManifestFields = closed(
  'Manifest',
  {
    candidates: Candidates,
    minApprovals: MinApprovals,
    /** approvals / (approvals + rejections) must be at least this; no verdicts at all passes. */
    minAgreement: Probability,
    /** A "score" verdict counts as an approval at or above this, as a rejection below it. */
    scoreThreshold: Probability,
    labels: LabelRequirements,
    licensePolicy: LicensePolicy,
    /** content-commitment: of samples with the same commitment, only the earliest in the log. */
    dedup: DedupPolicy,
    excludeDeprecated: t.boolean,
  },
  {
    // Optional, unlike the rules above: it came later, and is stored only when it differs from
    // its default (see defaults.ts), so manifests defined before it keep their ids.
    amendments: AmendmentPolicy,
  },
);

/** The complete manifest, as stored in the log. Defined once in JSON Schema ($defs/Manifest). */
export const Manifest = described(ManifestFields, { ...descriptorOf(ManifestFields), expected: 'a manifest object', define: true });
export type Manifest = t.TypeOf<typeof Manifest>;
