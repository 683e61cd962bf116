// Counting verdicts for a candidate: one vote per validator (their latest verdict, by log
// position, across every validation that counts), never from the candidate's author, and for
// validations on a label never from that label's author either.
import { KIND_LABEL, type AssemblyIndex } from './index-facts.js';
import type { AssemblyRules } from './rules.js';

export interface Votes {
  readonly approvals: number;
  readonly rejections: number;
}

/** The CF indices of validations that count for candidate c (log order within each target). */
export function forEachCountedValidation(
  index: AssemblyIndex,
  rules: AssemblyRules,
  c: number,
  visit: (validation: number, subject: number) => void,
): void {
  const { validationsOf, labelsOf } = index;
  if (rules.approvalsOn !== 'labels') {
    for (let k = validationsOf.start[c]!; k < validationsOf.start[c + 1]!; k++) visit(validationsOf.idx[k]!, c);
  }
  if (rules.approvalsOn !== 'sample') {
    for (let l = labelsOf.start[c]!; l < labelsOf.start[c + 1]!; l++) {
      const label = labelsOf.idx[l]!;
      if (index.kind[label] !== KIND_LABEL) continue;
      for (let k = validationsOf.start[label]!; k < validationsOf.start[label + 1]!; k++) {
        visit(validationsOf.idx[k]!, label);
      }
    }
  }
}

export interface Vote {
  readonly validator: string;
  readonly validation: number;
  readonly approve: boolean;
}

/** One vote per validator: the latest counted verdict, in order of the validator's first vote. */
export function votesOf(index: AssemblyIndex, rules: AssemblyRules, c: number): Vote[] {
  const votes: Vote[] = [];
  const author = index.cfs[c]!.author;
  forEachCountedValidation(index, rules, c, (v, subject) => {
    const cf = index.cfs[v]!;
    if (cf.author === author || (subject !== c && cf.author === index.cfs[subject]!.author)) return;
    const approve = (cf.verdict ?? 0) >= rules.approveScore;
    const at = votes.findIndex((x) => x.validator === cf.author);
    const vote = { validator: cf.author, validation: v, approve };
    if (at < 0) votes.push(vote);
    else if (index.cfs[votes[at]!.validation]!.position < cf.position) votes[at] = vote;
  });
  return votes;
}

export function countVotes(votes: readonly Vote[]): Votes {
  let approvals = 0;
  for (const v of votes) if (v.approve) approvals++;
  return { approvals, rejections: votes.length - approvals };
}

/** approvals / (approvals + rejections), or null with no votes at all. */
export function agreementOf(votes: Votes): number | null {
  const total = votes.approvals + votes.rejections;
  return total === 0 ? null : votes.approvals / total;
}

// Scratch for tallyVotes: a build tallies a million candidates, each with a handful of votes, so
// the tally reuses these rather than allocating a closure, an array and objects per candidate.
const scratchValidator: string[] = [];
const scratchIndex: number[] = [];
const scratchApprove: boolean[] = [];

/** The same counts as countVotes(votesOf(...)), without allocating (CF index order = log order). */
export function tallyVotes(index: AssemblyIndex, rules: AssemblyRules, c: number): Votes {
  const { validationsOf, labelsOf, cfs } = index;
  const author = cfs[c]!.author;
  let k = 0;
  const consider = (v: number, subjectAuthor: string | null): void => {
    const cf = cfs[v]!;
    if (cf.author === author || cf.author === subjectAuthor) return;
    const approve = (cf.verdict ?? 0) >= rules.approveScore;
    for (let j = 0; j < k; j++) {
      if (scratchValidator[j] === cf.author) {
        if (scratchIndex[j]! < v) {
          scratchIndex[j] = v;
          scratchApprove[j] = approve;
        }
        return;
      }
    }
    scratchValidator[k] = cf.author;
    scratchIndex[k] = v;
    scratchApprove[k] = approve;
    k++;
  };
  if (rules.approvalsOn !== 'labels') {
    for (let t = validationsOf.start[c]!; t < validationsOf.start[c + 1]!; t++) consider(validationsOf.idx[t]!, null);
  }
  if (rules.approvalsOn !== 'sample') {
    for (let l = labelsOf.start[c]!; l < labelsOf.start[c + 1]!; l++) {
      const label = labelsOf.idx[l]!;
      const labelAuthor = cfs[label]!.author;
      for (let t = validationsOf.start[label]!; t < validationsOf.start[label + 1]!; t++) consider(validationsOf.idx[t]!, labelAuthor);
    }
  }
  let approvals = 0;
  for (let j = 0; j < k; j++) if (scratchApprove[j]) approvals++;
  return { approvals, rejections: k - approvals };
}
