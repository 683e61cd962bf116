// Applies the rules to every CF of the index, in RULE_ORDER, and records the first failing
// rule as a code in a flat array (0 = included), with the vote counts alongside, so that a
// million candidates cost a few flat arrays rather than a million evidence objects. The
// evidence for one CF is rebuilt on demand by explain.ts from the same functions.
import { spdxSatisfiedBy } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';
import { nextReviewed } from './carry.js';
import { KIND_LABEL, KIND_SAMPLE, KIND_VALIDATION, type AssemblyIndex } from './index-facts.js';
import { INCLUDED, ruleCode, type AssemblyRules, type RuleName } from './rules.js';
import { agreementOf, tallyVotes } from './votes.js';

export interface Decisions {
  /** Per CF (log order): 0 = included, else the code of the first failing rule. */
  readonly code: Uint8Array;
  readonly approvals: Int32Array;
  readonly rejections: Int32Array;
  /** For CFs lost to dedup: the index of the winning CF; else -1. */
  readonly dedupWinner: Int32Array;
}

export const KIND_NAMES = ['sample', 'label', 'validation'] as const;

/**
 * The checker of a rules object's license policy, one per rules object, so its answers are reused
 * by every decision and explanation of a build: a version's members mostly share a few license
 * expressions, and checking one (parsing it and the policy) costs far more than a lookup.
 */
const checkers = new WeakMap<AssemblyRules, (expression: string | null) => boolean>();

export function licenseChecker(rules: AssemblyRules): (expression: string | null) => boolean {
  let checker = checkers.get(rules);
  if (checker === undefined) {
    checker = newLicenseChecker(rules);
    checkers.set(rules, checker);
  }
  return checker;
}

function newLicenseChecker(rules: AssemblyRules): (expression: string | null) => boolean {
  const cache = new Map<string, boolean>();
  const allowed = rules.allowedLicenses ?? [];
  return (expression) => {
    if (rules.allowedLicenses === null) return true;
    if (expression === null) return false;
    let ok = cache.get(expression);
    if (ok === undefined) {
      // an expression that does not parse cannot be shown to satisfy the policy
      ok = E.getOrElse(() => false)(spdxSatisfiedBy(expression, allowed));
      cache.set(expression, ok);
    }
    return ok;
  };
}

/** True when c, or a CF it stands in for, is listed in one of the manifest's assets. */
export function inManifestAssets(index: AssemblyIndex, rules: AssemblyRules, c: number): boolean {
  if (rules.assets === null) return true;
  for (let i = c; i >= 0; i = index.replaces[i]!) {
    for (const asset of index.assetsOf.get(i) ?? []) if (rules.assets.includes(asset.assetId)) return true;
  }
  return false;
}

/** The first failing rule before dedup (which needs every candidate), or null. */
export function firstFailingRule(
  index: AssemblyIndex,
  rules: AssemblyRules,
  c: number,
  licenseOk: (expression: string | null) => boolean,
  votes: { approvals: number; rejections: number },
): RuleName | null {
  const cfs = index.cfs;
  if (!rules.kinds.includes(KIND_NAMES[index.kind[c]!]!)) return 'kind';
  if (index.erasedBy[c] !== -1) return 'erased';
  if (!inManifestAssets(index, rules, c)) return 'asset';
  // source, license and label requirements speak about samples; a label candidate has none
  const sample = index.kind[c] === KIND_SAMPLE;
  if (sample && rules.sources !== null && !sourceAllowed(rules.sources, cfs.source(c))) return 'source';
  if (index.replacedBy[c] !== -1) return 'replaced';
  if (rules.excludeDeprecated && index.deprecation[c] !== -1) return 'deprecated';
  if (sample && !licenseOk(cfs.license(c))) return 'license';
  if (sample && rules.requiredLabelTypes.length > 0 && missingLabelTypes(index, rules, c).length > 0) return 'labels';
  if (votes.approvals < rules.minApprovals) return 'minApprovals';
  if (rules.minAgreement !== null) {
    // no verdicts at all passes (the manifest's definition); minApprovals covers "unreviewed"
    const agreement = agreementOf(votes);
    if (agreement !== null && agreement < rules.minAgreement) return 'minAgreement';
  }
  return null;
}

function sourceAllowed(sources: readonly string[], source: string | null): boolean {
  return source !== null && sources.includes(source);
}

/** Live label types on c and on the CFs whose labels it carries, sorted and unique. */
export function labelTypesOf(index: AssemblyIndex, rules: AssemblyRules, c: number): string[] {
  const types = new Set<string>();
  for (let s = c; s >= 0; s = nextReviewed(index, rules, s)) {
    for (let l = index.labelsOf.start[s]!; l < index.labelsOf.start[s + 1]!; l++) {
      const type = index.cfs.labelType(index.labelsOf.idx[l]!);
      if (type !== null) types.add(type);
    }
  }
  return [...types].sort();
}

export function missingLabelTypes(index: AssemblyIndex, rules: AssemblyRules, c: number): string[] {
  if (rules.requiredLabelTypes.length === 0) return [];
  const has = labelTypesOf(index, rules, c);
  return rules.requiredLabelTypes.filter((t) => !has.includes(t));
}

export function decideAll(index: AssemblyIndex, rules: AssemblyRules): Decisions {
  const n = index.cfs.count;
  const code = new Uint8Array(n);
  const approvals = new Int32Array(n);
  const rejections = new Int32Array(n);
  const dedupWinner = new Int32Array(n).fill(-1);
  const licenseOk = licenseChecker(rules);
  const kindCode = ruleCode('kind');
  const candidateKind = new Uint8Array(KIND_NAMES.length);
  for (const k of rules.kinds) candidateKind[[KIND_SAMPLE, KIND_LABEL, KIND_VALIDATION][KIND_NAMES.indexOf(k)]!] = 1;
  const needVotes = rules.minApprovals > 0 || rules.minAgreement !== null;
  // one counts object for the whole build, refilled per candidate
  const votes = { approvals: 0, rejections: 0 };
  for (let c = 0; c < n; c++) {
    if (candidateKind[index.kind[c]!] !== 1) {
      code[c] = kindCode;
      continue;
    }
    if (needVotes) tallyVotes(index, rules, c, votes);
    approvals[c] = votes.approvals;
    rejections[c] = votes.rejections;
    const failed = firstFailingRule(index, rules, c, licenseOk, votes);
    code[c] = failed === null ? INCLUDED : ruleCode(failed);
  }
  if (rules.dedupBy === 'content-commitment') applyDedup(index, code, dedupWinner);
  return { code, approvals, rejections, dedupWinner };
}

// Log order is position order, so the first survivor seen for a commitment is the earliest.
function applyDedup(index: AssemblyIndex, code: Uint8Array, dedupWinner: Int32Array): void {
  const { commitmentOf } = index;
  const winnerOf = new Int32Array(code.length).fill(-1);
  const dedupCode = ruleCode('dedup');
  for (let c = 0; c < code.length; c++) {
    if (code[c] !== INCLUDED) continue;
    const k = commitmentOf[c]!;
    if (k < 0) continue;
    const winner = winnerOf[k]!;
    if (winner < 0) winnerOf[k] = c;
    else {
      code[c] = dedupCode;
      dedupWinner[c] = winner;
    }
  }
}
