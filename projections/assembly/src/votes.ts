// Counting verdicts for a candidate: one vote per validator (their latest verdict, by log
// position, across every validation that counts), never from the candidate's author, and for
// validations on a label never from that label's author either. The validations that count are
// those on the candidate and on the CFs whose reviews it carries (carry.ts); the authors of those
// CFs are the candidate's authors too, so an amendment by someone else does not turn its
// original author's self-approval into a vote.
import { nextReviewed } from './carry.js';
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
  for (let s = c; s >= 0; s = nextReviewed(index, rules, s)) {
    if (rules.approvalsOn !== 'labels') {
      for (let k = validationsOf.start[s]!; k < validationsOf.start[s + 1]!; k++) visit(validationsOf.idx[k]!, s);
    }
    if (rules.approvalsOn !== 'sample') {
      for (let l = labelsOf.start[s]!; l < labelsOf.start[s + 1]!; l++) {
        const label = labelsOf.idx[l]!;
        if (index.kind[label] !== KIND_LABEL) continue;
        for (let k = validationsOf.start[label]!; k < validationsOf.start[label + 1]!; k++) {
          visit(validationsOf.idx[k]!, label);
        }
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
  const { cfs } = index;
  // gathered at the first validation: most candidates have none, and an author is a hex string made per call
  let authors: Set<string> | undefined;
  forEachCountedValidation(index, rules, c, (v, subject) => {
    if (authors === undefined) {
      authors = new Set<string>();
      for (let s = c; s >= 0; s = nextReviewed(index, rules, s)) authors.add(cfs.author(s));
    }
    const validator = cfs.author(v);
    // a subject that is a sample of the chain has an author in `authors`; a label has its own
    if (authors.has(validator) || validator === cfs.author(subject)) return;
    const approve = (cfs.verdict(v) ?? 0) >= rules.approveScore;
    const at = votes.findIndex((x) => x.validator === validator);
    const vote = { validator, validation: v, approve };
    if (at < 0) votes.push(vote);
    else if (cfs.position(votes[at]!.validation) < cfs.position(v)) votes[at] = vote;
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
let scratchValidator = new Int32Array(64);
let scratchIndex = new Int32Array(64);
let scratchApprove = new Uint8Array(64);
let voters = 0;
// the authors of the CFs whose reviews count (the candidate's, and those it carries from)
let chainAuthors = new Int32Array(8);
let chainLength = 0;

function consider(index: AssemblyIndex, approveScore: number, v: number, subjectAuthor: number): void {
  const validator = index.authorOf[v]!;
  if (validator === subjectAuthor) return;
  for (let j = 0; j < chainLength; j++) if (chainAuthors[j] === validator) return;
  const approve = (index.cfs.verdict(v) ?? 0) >= approveScore ? 1 : 0;
  for (let j = 0; j < voters; j++) {
    if (scratchValidator[j] === validator) {
      if (scratchIndex[j]! < v) {
        scratchIndex[j] = v;
        scratchApprove[j] = approve;
      }
      return;
    }
  }
  if (voters === scratchValidator.length) {
    const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    scratchValidator = grow(scratchValidator, new Int32Array(2 * voters));
    scratchIndex = grow(scratchIndex, new Int32Array(2 * voters));
    scratchApprove = grow(scratchApprove, new Uint8Array(2 * voters));
  }
  scratchValidator[voters] = validator;
  scratchIndex[voters] = v;
  scratchApprove[voters] = approve;
  voters++;
}

/**
 * The same counts as countVotes(votesOf(...)), without allocating (CF index order = log order;
 * authors compared as the index's integers). Writes them into `out` and returns it.
 */
export function tallyVotes(index: AssemblyIndex, rules: AssemblyRules, c: number, out: { approvals: number; rejections: number }): Votes {
  const { validationsOf, labelsOf, authorOf } = index;
  voters = 0;
  chainLength = 0;
  for (let s = c; s >= 0; s = nextReviewed(index, rules, s)) {
    if (chainLength === chainAuthors.length) {
      const grown = new Int32Array(2 * chainLength);
      grown.set(chainAuthors);
      chainAuthors = grown;
    }
    chainAuthors[chainLength++] = authorOf[s]!;
  }
  for (let s = c; s >= 0; s = nextReviewed(index, rules, s)) {
    if (rules.approvalsOn !== 'labels') {
      for (let t = validationsOf.start[s]!; t < validationsOf.start[s + 1]!; t++)
        consider(index, rules.approveScore, validationsOf.idx[t]!, -1);
    }
    if (rules.approvalsOn !== 'sample') {
      for (let l = labelsOf.start[s]!; l < labelsOf.start[s + 1]!; l++) {
        const label = labelsOf.idx[l]!;
        const labelAuthor = authorOf[label]!;
        for (let t = validationsOf.start[label]!; t < validationsOf.start[label + 1]!; t++)
          consider(index, rules.approveScore, validationsOf.idx[t]!, labelAuthor);
      }
    }
  }
  let approvals = 0;
  for (let j = 0; j < voters; j++) approvals += scratchApprove[j]!;
  out.approvals = approvals;
  out.rejections = voters - approvals;
  return out;
}
