// The evidence behind one decision: the rule that decided it, the numbers, and the events
// (by id and position) that produced them. Rebuilt from the same functions decideAll uses, so
// explanation and decision cannot disagree.
import type { AssembledVersion } from './assemble.js';
import { notCarried, reviewedCfs, type NotCarriedWhy } from './carry.js';
import { KIND_NAMES, labelTypesOf, licenseChecker, missingLabelTypes } from './decide.js';
import type { AssemblyIndex } from './index-facts.js';
import { INCLUDED, ruleOfCode, type AssemblyRules, type RuleName } from './rules.js';
import { agreementOf, countVotes, votesOf } from './votes.js';

export interface EventRef {
  readonly eventId: string;
  readonly position: bigint;
}

export interface VoteRef extends EventRef {
  readonly validator: string;
}

export interface DecisionEvidence {
  readonly cf: EventRef;
  readonly kind: string;
  readonly author: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly licenseAllowed: boolean | null;
  readonly approvals: readonly VoteRef[];
  readonly rejections: readonly VoteRef[];
  readonly agreement: number | null;
  readonly labels: readonly EventRef[];
  readonly labelTypes: readonly string[];
  readonly assets: readonly string[];
  readonly replacedBy: EventRef | null;
  readonly replaces: EventRef | null;
  readonly deprecatedBy: (EventRef & { readonly reason: string }) | null;
  readonly duplicateOf: (EventRef & { readonly commitment: string }) | null;
  /**
   * The erasure that takes this CF out: of the CF itself (sample = the CF), or of the sample it
   * depends on (a label, validation or amendment of it). Absent in evidence stored before erasure
   * was an assembly rule; null when not erased.
   */
  readonly erasedBy?: (EventRef & { readonly sample: string }) | null;
  /** The CFs this one amends without new content whose labels and validations count for it. */
  readonly carriedFrom: readonly EventRef[];
  /** The CF this one replaces whose labels and validations do not count for it, and why. */
  readonly notCarried: (EventRef & { readonly why: NotCarriedWhy; readonly labels: number; readonly validations: number }) | null;
}

export interface Decision {
  readonly cfId: string;
  readonly included: boolean;
  /** The first rule that failed, or null when included. */
  readonly rule: RuleName | null;
  /** One line with the numbers, e.g. "agreement 0.50 < 0.66". */
  readonly reason: string;
  readonly evidence: DecisionEvidence;
}

const fmt = (x: number): string => x.toFixed(2);

export function explainIndex(version: AssembledVersion, c: number): Decision {
  const { index, rules, decisions } = version;
  const { cfs } = index;
  const code = decisions.code[c]!;
  const rule = ruleOfCode(code);
  const votes = votesOf(index, rules, c);
  const counts = countVotes(votes);
  const agreement = agreementOf(counts);
  const ref = (i: number): EventRef => ({ eventId: cfs.id(i), position: cfs.position(i) });
  const vote = (v: (typeof votes)[number]): VoteRef => ({ validator: v.validator, ...ref(v.validation) });
  const reviewed = reviewedCfs(index, rules, c);
  const labels: EventRef[] = [];
  for (const s of reviewed)
    for (let l = index.labelsOf.start[s]!; l < index.labelsOf.start[s + 1]!; l++) labels.push(ref(index.labelsOf.idx[l]!));
  const lost = notCarried(index, rules, c);
  const d = index.deprecation[c]!;
  const dep = d >= 0 ? index.deprecations[d]! : null;
  const winner = decisions.dedupWinner[c]!;
  const evidence: DecisionEvidence = {
    cf: ref(c),
    kind: KIND_NAMES[index.kind[c]!]!,
    author: cfs.author(c),
    source: cfs.source(c),
    license: cfs.license(c),
    licenseAllowed: rules.allowedLicenses === null ? null : licenseChecker(rules)(cfs.license(c)),
    approvals: votes.filter((v) => v.approve).map(vote),
    rejections: votes.filter((v) => !v.approve).map(vote),
    agreement,
    labels,
    labelTypes: labelTypesOf(index, rules, c),
    assets: [...new Set((index.assetsOf.get(c) ?? []).map((a) => a.assetId))].sort(),
    replacedBy: index.replacedBy[c]! >= 0 ? ref(index.replacedBy[c]!) : null,
    replaces: index.replaces[c]! >= 0 ? ref(index.replaces[c]!) : null,
    deprecatedBy: dep ? { eventId: dep.eventId, position: dep.position, reason: dep.reason } : null,
    duplicateOf: winner >= 0 ? { ...ref(winner), commitment: cfs.commitment(c) ?? '' } : null,
    ...erasedEvidence(index, c),
    carriedFrom: reviewed.slice(1).map(ref),
    notCarried: lost === null ? null : { ...ref(lost.from), why: lost.why, labels: lost.labels, validations: lost.validations },
  };
  return {
    cfId: cfs.id(c),
    included: code === INCLUDED,
    rule,
    reason: reasonOf(rule, evidence, index, rules, c),
    evidence,
  };
}

// only CFs an erasure reaches carry the field, so the evidence of every other decision reads as
// it did before erasure took part in assembly
function erasedEvidence(index: AssemblyIndex, c: number): Pick<DecisionEvidence, 'erasedBy'> {
  const k = index.erasedBy[c]!;
  if (k < 0) return {};
  const e = index.erasures[k]!;
  return { erasedBy: { eventId: e.eventId, position: e.position, sample: e.cfId } };
}

const NOT_CARRIED_BECAUSE: Record<NotCarriedWhy, string> = {
  'new-content': 'amended with new content',
  supersedes: 'superseded, not amended',
  manifest: 'the manifest does not carry them: amendments.carryLabelsAndValidations is false',
};

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** What an amendment gained or lost, said after the rule that depends on labels and validations. */
function amendmentNote(rule: RuleName | null, ev: DecisionEvidence): string {
  if (rule === null && ev.carriedFrom.length > 0) {
    return `; labels and validations carried from ${ev.carriedFrom.map((r) => r.eventId).join(', ')} (amended without new content)`;
  }
  const lost = ev.notCarried;
  if (lost === null || (rule !== 'labels' && rule !== 'minApprovals' && rule !== 'minAgreement')) return '';
  return `; ${count(lost.validations, 'validation')} and ${count(lost.labels, 'label')} of ${lost.eventId} not carried (${NOT_CARRIED_BECAUSE[lost.why]})`;
}

function reasonOf(rule: RuleName | null, ev: DecisionEvidence, index: AssemblyIndex, rules: AssemblyRules, c: number): string {
  return ruleReason(rule, ev, index, rules, c) + amendmentNote(rule, ev);
}

function ruleReason(rule: RuleName | null, ev: DecisionEvidence, index: AssemblyIndex, rules: AssemblyRules, c: number): string {
  const approvals = ev.approvals.length;
  switch (rule) {
    case null: {
      const parts = [`approvals ${approvals} >= ${rules.minApprovals}`];
      if (rules.minAgreement !== null) {
        parts.push(ev.agreement === null ? 'agreement n/a (no verdicts)' : `agreement ${fmt(ev.agreement)} >= ${fmt(rules.minAgreement)}`);
      }
      if (rules.requiredLabelTypes.length > 0)
        parts.push(`label types [${ev.labelTypes.join(', ')}] cover [${rules.requiredLabelTypes.join(', ')}]`);
      if (rules.allowedLicenses !== null) parts.push(`license ${ev.license} allowed by [${rules.allowedLicenses.join(', ')}]`);
      return `included: ${parts.join(', ')}`;
    }
    case 'kind':
      return `kind ${ev.kind} is not a candidate kind [${rules.kinds.join(', ')}]`;
    case 'erased': {
      const e = ev.erasedBy;
      const via = e?.sample === ev.cf.eventId ? 'erased' : `depends on sample ${e?.sample}, erased`;
      return `${via} by ${e?.eventId} at position ${e?.position}`;
    }
    case 'asset':
      return `not in any manifest asset [${(rules.assets ?? []).join(', ')}]`;
    case 'source':
      return `source ${ev.source ?? '(none)'} not in [${(rules.sources ?? []).join(', ')}]`;
    case 'replaced': {
      const by = index.replacedBy[c]!;
      const verb = index.cfs.amends(by) === ev.cf.eventId ? 'amended' : 'superseded';
      return `${verb} by ${index.cfs.id(by)} at position ${index.cfs.position(by)}`;
    }
    case 'deprecated':
      return `deprecated by ${ev.deprecatedBy?.eventId} at position ${ev.deprecatedBy?.position}: ${ev.deprecatedBy?.reason}`;
    case 'license':
      return ev.license === null
        ? `no license; allowed [${(rules.allowedLicenses ?? []).join(', ')}]`
        : `license ${ev.license} not satisfiable by [${(rules.allowedLicenses ?? []).join(', ')}]`;
    case 'labels':
      return `missing label types [${missingLabelTypes(index, rules, c).join(', ')}] (has [${ev.labelTypes.join(', ')}])`;
    case 'minApprovals':
      return `approvals ${approvals} < ${rules.minApprovals}`;
    case 'minAgreement':
      return `agreement ${fmt(ev.agreement ?? 0)} < ${fmt(rules.minAgreement ?? 0)} (${ev.approvals.length} approve, ${ev.rejections.length} reject)`;
    case 'dedup':
      return `duplicate of ${ev.duplicateOf?.eventId} (commitment ${ev.duplicateOf?.commitment}, earlier at position ${ev.duplicateOf?.position})`;
  }
}

/**
 * A key shared by the included CFs whose decisions are alike but for the CF's own facts (cf,
 * author, source), or null for a CF this cannot say. Most members of a version involve no other
 * event: no validation or label on them, no asset, amendment, replacement, deprecation,
 * duplicate or erasure. explainIndex's rule, reason and every other field of the evidence of
 * such a CF are then a function of the rules, its kind and its license alone, so a cut explains
 * one of them per key rather than each (explain.unit.spec.ts checks the claim against
 * explainIndex).
 */
export function plainDecisionKey(version: AssembledVersion, c: number): string | null {
  const { index, decisions } = version;
  if (decisions.code[c] !== INCLUDED) return null;
  if (index.replaces[c] !== -1 || index.replacedBy[c] !== -1 || index.deprecation[c] !== -1 || index.erasedBy[c] !== -1) return null;
  if (decisions.dedupWinner[c] !== -1 || index.assetsOf.has(c)) return null;
  if (index.labelsOf.start[c] !== index.labelsOf.start[c + 1] || index.validationsOf.start[c] !== index.validationsOf.start[c + 1])
    return null;
  return `${index.kind[c]!}\0${JSON.stringify(index.cfs.license(c))}`;
}

/** The decision for a CF id in this version, or null when the CF is not in the log prefix. */
export function explain(version: AssembledVersion, cfId: string): Decision | null {
  const c = version.index.indexOf.get(cfId);
  return c < 0 ? null : explainIndex(version, c);
}
