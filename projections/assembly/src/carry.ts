// Which CFs' labels and validations count for a candidate. A sample amended without new content
// (same content commitment: a corrected license, source or attributes) is the same material, so
// under the manifest's amendments.carryLabelsAndValidations the reviews of the sample it amends,
// and of the metadata-only amendments before it, count for it; the chain stops at the first
// amendment that brought new bytes, whose reviews were about other content. Supersession is a
// replacement, not a correction, and carries nothing.
import { KIND_SAMPLE, type AssemblyIndex } from './index-facts.js';
import type { AssemblyRules } from './rules.js';

/** The CF whose reviews c also counts (c amends it without new content), or -1. */
export function carriedFrom(index: AssemblyIndex, c: number): number {
  const r = index.replaces[c]!;
  if (r < 0 || index.kind[c] !== KIND_SAMPLE || index.kind[r] !== KIND_SAMPLE) return -1;
  const commitment = index.commitmentOf[c]!;
  if (commitment < 0 || commitment !== index.commitmentOf[r]) return -1;
  return index.cfs.amends(c) === index.cfs.id(r) ? r : -1;
}

/** The next CF in c's review chain under these rules, or -1 (the chain starts at c itself). */
export function nextReviewed(index: AssemblyIndex, rules: AssemblyRules, c: number): number {
  return rules.carryLabelsAndValidations ? carriedFrom(index, c) : -1;
}

/** The CFs whose labels and validations count for c, c first, then back along the amendments. */
export function reviewedCfs(index: AssemblyIndex, rules: AssemblyRules, c: number): number[] {
  const out = [c];
  for (let s = nextReviewed(index, rules, c); s >= 0; s = nextReviewed(index, rules, s)) out.push(s);
  return out;
}

/** Live labels and validations on CF s (what an amendment of it could carry). */
export function reviewCounts(index: AssemblyIndex, s: number): { labels: number; validations: number } {
  return {
    labels: index.labelsOf.start[s + 1]! - index.labelsOf.start[s]!,
    validations: index.validationsOf.start[s + 1]! - index.validationsOf.start[s]!,
  };
}

export type NotCarriedWhy = 'new-content' | 'supersedes' | 'manifest';

/**
 * When the chain of c ends at an amendment or supersession whose target had labels or
 * validations that do not count for c: that target, why, and how many. Otherwise null.
 */
export function notCarried(
  index: AssemblyIndex,
  rules: AssemblyRules,
  c: number,
): { readonly from: number; readonly why: NotCarriedWhy; readonly labels: number; readonly validations: number } | null {
  let last = c;
  for (let s = nextReviewed(index, rules, c); s >= 0; s = nextReviewed(index, rules, s)) last = s;
  const r = index.replaces[last]!;
  if (r < 0 || index.kind[last] !== KIND_SAMPLE) return null;
  const counts = reviewCounts(index, r);
  if (counts.labels + counts.validations === 0) return null;
  const why: NotCarriedWhy =
    index.cfs.amends(last) !== index.cfs.id(r) ? 'supersedes' : carriedFrom(index, last) < 0 ? 'new-content' : 'manifest';
  return { from: r, why, ...counts };
}
