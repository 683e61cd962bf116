// The inclusion rules a manifest states, in the normalised form assembly applies them in.
// Rules are checked in RULE_ORDER and a candidate is excluded by the first one that fails.
import { amendmentPolicyOf, type Manifest } from '@cairn/schemas';
import type { CfKind } from './facts.js';

export type ApprovalsOn = 'sample' | 'labels' | 'either';

export interface AssemblyRules {
  /** CF kinds that are candidates at all. */
  readonly kinds: readonly CfKind[];
  /** When set, only CFs (or CFs standing in for ones) listed in these assets are candidates. */
  readonly assets: readonly string[] | null;
  /** When set, a candidate's source must be one of these. */
  readonly sources: readonly string[] | null;
  /** Approve verdicts needed from distinct validators other than the author. */
  readonly minApprovals: number;
  /** Which validations count: on the candidate itself, on its labels, or on either. */
  readonly approvalsOn: ApprovalsOn;
  /** approvals / (approvals + rejections) must reach this (no verdicts at all passes); null = no rule. */
  readonly minAgreement: number | null;
  /** A score verdict at or above this counts as an approval, below it as a rejection. */
  readonly approveScore: number;
  /** Label types a sample must carry at least one live label of. */
  readonly requiredLabelTypes: readonly string[];
  /** Allowed SPDX license ids; an expression passes if the allowed set can satisfy it. null = no policy. */
  readonly allowedLicenses: readonly string[] | null;
  /** Dedup samples by content commitment (earliest CF wins) or not at all. */
  readonly dedupBy: 'content-commitment' | 'none';
  /** Deprecated CFs are out (the default) or, if false, still eligible. */
  readonly excludeDeprecated: boolean;
  /**
   * A sample amended without new content counts the labels and validations of the sample it
   * amends (carry.ts); if false, every amendment starts unreviewed.
   */
  readonly carryLabelsAndValidations: boolean;
}

export const DEFAULT_RULES: AssemblyRules = {
  kinds: ['sample'],
  assets: null,
  sources: null,
  minApprovals: 0,
  approvalsOn: 'sample',
  minAgreement: null,
  approveScore: 0.5,
  requiredLabelTypes: [],
  allowedLicenses: null,
  dedupBy: 'content-commitment',
  excludeDeprecated: true,
  carryLabelsAndValidations: true,
};

export const RULE_ORDER = [
  'kind',
  // an erased sample (and what speaks about it) is out whatever else the manifest says
  'erased',
  'asset',
  'source',
  'replaced',
  'deprecated',
  'license',
  'labels',
  'minApprovals',
  'minAgreement',
  'dedup',
] as const;
export type RuleName = (typeof RULE_ORDER)[number];

/** Rule codes as stored in the flat decision array; 0 means included. */
export const INCLUDED = 0;
export function ruleCode(rule: RuleName): number {
  return RULE_ORDER.indexOf(rule) + 1;
}
export function ruleOfCode(code: number): RuleName | null {
  return code === INCLUDED ? null : (RULE_ORDER[code - 1] ?? null);
}

/** The manifest (schemas' codec, complete as stored in the log) as assembly rules. */
export function rulesFromManifest(manifest: Manifest): AssemblyRules {
  const { candidates } = manifest;
  return {
    kinds: [...candidates.kinds],
    assets: candidates.assets === 'any' ? null : [...candidates.assets],
    sources: candidates.sources === 'any' ? null : [...candidates.sources],
    minApprovals: manifest.minApprovals.count,
    approvalsOn: manifest.minApprovals.scope,
    minAgreement: manifest.minAgreement,
    approveScore: manifest.scoreThreshold,
    requiredLabelTypes: [...manifest.labels.required],
    allowedLicenses: [...manifest.licensePolicy.allowed],
    dedupBy: manifest.dedup,
    excludeDeprecated: manifest.excludeDeprecated,
    carryLabelsAndValidations: amendmentPolicyOf(manifest).carryLabelsAndValidations,
  };
}
