// Turns the facts of a log prefix into flat arrays indexed by CF (log order), built once and
// shared by every build over that prefix: who replaced whom, who is deprecated, which live
// labels and validations point at each CF (CSR adjacency), the ids in sorted order and their
// RFC 6962 leaf hashes.
import type { AssemblyFacts, AssetFact, CfFact, DeprecationFact } from './facts.js';
import { packIds } from './hex.js';
import { IdTable } from './id-table.js';
import { leafHashesOfPacked32 } from '@cairn/core';
import { sortedIdOrder } from './sort-ids.js';

export const KIND_SAMPLE = 0;
export const KIND_LABEL = 1;
export const KIND_VALIDATION = 2;
const KIND_CODE = { sample: KIND_SAMPLE, label: KIND_LABEL, validation: KIND_VALIDATION } as const;

/** Adjacency in compressed-sparse-row form: the sources pointing at CF t are idx[start[t]..start[t+1]). */
export interface Adjacency {
  readonly start: Int32Array;
  readonly idx: Int32Array;
}

export interface AssemblyIndex {
  readonly facts: AssemblyFacts;
  readonly cfs: readonly CfFact[];
  /** CF id → log-order index (-1 when absent). */
  readonly indexOf: IdTable;
  readonly kind: Uint8Array;
  /** The latest CF that amends or supersedes this one, or -1. */
  readonly replacedBy: Int32Array;
  /** The CF this one amends or supersedes, or -1. */
  readonly replaces: Int32Array;
  /** Index into facts.deprecations of the first deprecation of this CF, or -1. */
  readonly deprecation: Int32Array;
  /** Live (neither replaced nor deprecated) labels per target. */
  readonly labelsOf: Adjacency;
  /** Live validations per target. */
  readonly validationsOf: Adjacency;
  /** Assets listing each CF. */
  readonly assetsOf: ReadonlyMap<number, readonly AssetFact[]>;
  /**
   * Indices of the CFs that can be candidates (samples and labels; a validation never is), in
   * ascending id order. Validations are left out of the sort and the leaf hashing: they are
   * half of a typical log and never members.
   */
  readonly sortedOrder: Int32Array;
  /** For each CF, its slot in leafHashes, or -1 for validations. */
  readonly leafSlot: Int32Array;
  /** RFC 6962 leaf hash of the CF in slot s at bytes 32·s.. */
  readonly leafHashes: Uint8Array;
}

export function indexFacts(facts: AssemblyFacts): AssemblyIndex {
  const cfs = facts.cfs;
  const n = cfs.length;
  const indexOf = new IdTable(n);
  const kind = new Uint8Array(n);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const cf = cfs[i]!;
    // a CF id appears once in the log (content addressing makes a replay a no-op)
    if (indexOf.intern(cf.cfId) !== i) throw new Error(`CF ${cf.cfId} listed twice in the facts`);
    kind[i] = KIND_CODE[cf.kind];
    ids[i] = cf.cfId;
  }
  const replacedBy = new Int32Array(n).fill(-1);
  const replaces = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const cf = cfs[i]!;
    const target = cf.amends ?? cf.supersedes;
    const t = target === null ? -1 : indexOf.get(target);
    // references only point backwards (the log is acyclic); later replacements win
    if (t >= 0 && t < i) {
      replacedBy[t] = i;
      replaces[i] = t;
    }
  }
  const deprecation = deprecationsByCf(facts.deprecations, indexOf, n);
  const live = (i: number): boolean => replacedBy[i] === -1 && deprecation[i] === -1;
  const labelsOf = adjacency(cfs, indexOf, (i) => kind[i] === KIND_LABEL && live(i));
  const validationsOf = adjacency(cfs, indexOf, (i) => kind[i] === KIND_VALIDATION && live(i));
  const assetsOf = new Map<number, AssetFact[]>();
  for (const asset of facts.assets) {
    for (const member of asset.members) {
      const m = indexOf.get(member);
      if (m < 0) continue;
      const list = assetsOf.get(m);
      if (list) list.push(asset);
      else assetsOf.set(m, [asset]);
    }
  }
  const leafSlot = new Int32Array(n).fill(-1);
  const candidateIds: string[] = [];
  const candidateOf: number[] = [];
  for (let i = 0; i < n; i++) {
    if (kind[i] === KIND_VALIDATION) continue;
    leafSlot[i] = candidateIds.length;
    candidateIds.push(ids[i]!);
    candidateOf.push(i);
  }
  const sortedOrder = sortedIdOrder(candidateIds).map((s) => candidateOf[s]!);
  const leafHashes = leafHashesOfPacked32(packIds(candidateIds));
  return {
    facts,
    cfs,
    indexOf,
    kind,
    replacedBy,
    replaces,
    deprecation,
    labelsOf,
    validationsOf,
    assetsOf,
    sortedOrder,
    leafSlot,
    leafHashes,
  };
}

function deprecationsByCf(
  deprecations: readonly DeprecationFact[],
  indexOf: IdTable,
  n: number,
): Int32Array {
  const out = new Int32Array(n).fill(-1);
  deprecations.forEach((d, k) => {
    const i = indexOf.get(d.cfId);
    if (i >= 0 && out[i] === -1) out[i] = k;
  });
  return out;
}

function adjacency(
  cfs: readonly CfFact[],
  indexOf: IdTable,
  include: (i: number) => boolean,
): Adjacency {
  const n = cfs.length;
  const count = new Int32Array(n + 1);
  const resolve = (target: string): number => indexOf.get(target);
  for (let i = 0; i < n; i++) {
    if (!include(i)) continue;
    for (const target of cfs[i]!.targets) {
      const t = resolve(target);
      if (t >= 0) count[t + 1]!++;
    }
  }
  for (let t = 0; t < n; t++) count[t + 1]! += count[t]!;
  const idx = new Int32Array(count[n]!);
  const fill = count.slice(0, n);
  // filled in log order, so each target's list is in log order too
  for (let i = 0; i < n; i++) {
    if (!include(i)) continue;
    for (const target of cfs[i]!.targets) {
      const t = resolve(target);
      if (t >= 0) idx[fill[t]!++] = i;
    }
  }
  return { start: count, idx };
}
