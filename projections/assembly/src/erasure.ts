// Which CFs an erasure takes out of assembly: the erased sample itself and what exists only
// because of it (the live labels and validations about it, the CFs amending it, and in turn
// what speaks about those). indexFacts and the live index both call this, so the two agree.
import type { CfTable } from './cf-table.js';
import type { ErasureFact } from './facts.js';
import type { IdLookup } from './id-table.js';
import type { Adjacency } from './adjacency.js';

export interface ErasureInput {
  readonly n: number;
  readonly cfs: CfTable;
  readonly indexOf: IdLookup;
  readonly replaces: Int32Array;
  readonly labelsOf: Adjacency;
  readonly validationsOf: Adjacency;
  /** In log order. */
  readonly erasures: readonly ErasureFact[];
}

/**
 * Per CF: the index into `erasures` of the erasure that takes it out, or -1. A CF erased twice
 * keeps its first erasure; a dependent reached from two erased CFs keeps the first one found,
 * in erasure order then breadth first, so the answer is a function of the facts.
 */
export function erasureMarks(input: ErasureInput): Int32Array {
  const { n, cfs, indexOf, replaces, labelsOf, validationsOf, erasures } = input;
  const marks = new Int32Array(n).fill(-1);
  if (erasures.length === 0) return marks;
  const queue: number[] = [];
  erasures.forEach((e, k) => {
    const i = indexOf.get(e.cfId);
    if (i >= 0 && i < n && marks[i] === -1) {
      marks[i] = k;
      queue.push(i);
    }
  });
  if (queue.length === 0) return marks;
  // amendments carry the erased content forward; a supersession is new content and stays
  const amendedBy = new Map<number, number[]>();
  for (let c = 0; c < n; c++) {
    const r = replaces[c]!;
    if (r < 0 || cfs.amends(c) !== cfs.id(r)) continue;
    const list = amendedBy.get(r);
    if (list) list.push(c);
    else amendedBy.set(r, [c]);
  }
  const reach = (from: number, to: number) => {
    if (marks[to] !== -1) return;
    marks[to] = marks[from]!;
    queue.push(to);
  };
  for (let q = 0; q < queue.length; q++) {
    const t = queue[q]!;
    for (let k = labelsOf.start[t]!; k < labelsOf.start[t + 1]!; k++) reach(t, labelsOf.idx[k]!);
    for (let k = validationsOf.start[t]!; k < validationsOf.start[t + 1]!; k++) reach(t, validationsOf.idx[k]!);
    for (const a of amendedBy.get(t) ?? []) reach(t, a);
  }
  return marks;
}
