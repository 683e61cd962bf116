// Turns the facts of a log prefix into flat arrays indexed by CF (log order), built once and
// shared by every build over that prefix: who replaced whom, who is deprecated, which live
// labels and validations point at each CF (CSR adjacency), the ids in sorted order and their
// RFC 6962 leaf hashes.
import { cfTableOf, type CfTable } from './cf-table.js';
import { erasureMarks } from './erasure.js';
import type { AssemblyFacts, AssetFact, CfFact, DeprecationFact, ErasureFact } from './facts.js';
import { writeHex32 } from './hex.js';
import { IdTable, type IdLookup } from './id-table.js';
import type { Adjacency } from './adjacency.js';
import { leafHashesOfPacked32 } from '@cairn/core';
import { sortedPackedOrder } from './sort-ids.js';

export const KIND_SAMPLE = 0;
export const KIND_LABEL = 1;
export const KIND_VALIDATION = 2;
const KIND_CODE = { sample: KIND_SAMPLE, label: KIND_LABEL, validation: KIND_VALIDATION } as const;

export interface AssemblyIndex {
  /** The CFs in log order. */
  readonly cfs: CfTable;
  /** Every deprecation up to the position, in log order (also of ids that are no CF). */
  readonly deprecations: readonly DeprecationFact[];
  /** CF id → log-order index (-1 when absent). */
  readonly indexOf: IdLookup;
  readonly kind: Uint8Array;
  /** Each CF's author as a small integer (same author ⇔ same number), so votes compare ints, not 64-char strings. */
  readonly authorOf: Int32Array;
  /** Each sample's content commitment as an integer (same commitment ⇔ same number), or -1: the dedup key. */
  readonly commitmentOf: Int32Array;
  /** The latest CF that amends or supersedes this one, or -1. */
  readonly replacedBy: Int32Array;
  /** The CF this one amends or supersedes, or -1. */
  readonly replaces: Int32Array;
  /** Index into facts.deprecations of the first deprecation of this CF, or -1. */
  readonly deprecation: Int32Array;
  /** Every erasure up to the position, in log order. */
  readonly erasures: readonly ErasureFact[];
  /** Index into erasures of the erasure that takes this CF out (erasure.ts says which do), or -1. */
  readonly erasedBy: Int32Array;
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
  const authorOf = new Int32Array(n);
  const authors = new Map<string, number>();
  let samples = 0;
  let candidates = 0;
  for (let i = 0; i < n; i++) {
    const cf = cfs[i]!;
    // a CF id appears once in the log (content addressing makes a replay a no-op)
    if (indexOf.intern(cf.cfId) !== i) throw new Error(`CF ${cf.cfId} listed twice in the facts`);
    const k = KIND_CODE[cf.kind];
    kind[i] = k;
    if (k === KIND_SAMPLE) samples++;
    if (k !== KIND_VALIDATION) candidates++;
    let a = authors.get(cf.author);
    if (a === undefined) {
      a = authors.size;
      authors.set(cf.author, a);
    }
    authorOf[i] = a;
  }
  const commitmentOf = new Int32Array(n).fill(-1);
  const commitments = new IdTable(samples);
  for (let i = 0; i < n; i++) {
    const commitment = cfs[i]!.commitment;
    if (kind[i] === KIND_SAMPLE && commitment !== null) commitmentOf[i] = commitments.intern(commitment);
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
  const { labelsOf, validationsOf } = adjacencies(cfs, indexOf, kind, (i) => replacedBy[i] === -1 && deprecation[i] === -1);
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
  // candidates packed straight into one buffer: no per-id string array, Buffer or BigInt
  const leafSlot = new Int32Array(n).fill(-1);
  const candidateOf = new Int32Array(candidates);
  const packed = new Uint8Array(32 * candidates);
  for (let i = 0, s = 0; i < n; i++) {
    if (kind[i] === KIND_VALIDATION) continue;
    if (!writeHex32(cfs[i]!.cfId, packed, 32 * s)) throw new Error(`not a 64-char lowercase hex id: ${cfs[i]!.cfId}`);
    leafSlot[i] = s;
    candidateOf[s++] = i;
  }
  const sortedOrder = sortedPackedOrder(packed, candidates);
  for (let k = 0; k < candidates; k++) sortedOrder[k] = candidateOf[sortedOrder[k]!]!;
  const leafHashes = leafHashesOfPacked32(packed);
  const table = cfTableOf(cfs);
  const erasures = facts.erasures ?? [];
  return {
    cfs: table,
    deprecations: facts.deprecations,
    indexOf,
    kind,
    authorOf,
    commitmentOf,
    replacedBy,
    replaces,
    deprecation,
    erasures,
    erasedBy: erasureMarks({ n, cfs: table, indexOf, replaces, labelsOf, validationsOf, erasures }),
    labelsOf,
    validationsOf,
    assetsOf,
    sortedOrder,
    leafSlot,
    leafHashes,
  };
}

function deprecationsByCf(deprecations: readonly DeprecationFact[], indexOf: IdTable, n: number): Int32Array {
  const out = new Int32Array(n).fill(-1);
  deprecations.forEach((d, k) => {
    const i = indexOf.get(d.cfId);
    if (i >= 0 && out[i] === -1) out[i] = k;
  });
  return out;
}

/**
 * Live labels and live validations per target, in CSR form. Each reference is resolved once
 * (an id-table probe is a few cache misses at a million CFs) into flat (source, target) pairs.
 */
function adjacencies(
  cfs: readonly CfFact[],
  indexOf: IdTable,
  kind: Uint8Array,
  live: (i: number) => boolean,
): { labelsOf: Adjacency; validationsOf: Adjacency } {
  const n = cfs.length;
  let references = 0;
  for (let i = 0; i < n; i++) if (kind[i] !== KIND_SAMPLE) references += cfs[i]!.targets.length;
  const pairSource = new Int32Array(references);
  const pairTarget = new Int32Array(references);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    if (k === KIND_SAMPLE || !live(i)) continue;
    for (const target of cfs[i]!.targets) {
      const t = indexOf.get(target);
      if (t < 0) continue;
      pairSource[pairs] = i;
      pairTarget[pairs++] = t;
    }
  }
  return adjacenciesOfPairs({ pairSource, pairTarget, pairs, kind, n });
}

/**
 * The CSR lists of resolved (source, target) pairs, labels and validations apart. Pairs come in
 * source (log) order, and the fill is stable, so each target's list is in log order too. Pairs
 * whose source is not `live` are left out (all are kept when it is absent).
 */
export function adjacenciesOfPairs(input: {
  readonly pairSource: Int32Array;
  readonly pairTarget: Int32Array;
  readonly pairs: number;
  readonly kind: Uint8Array;
  readonly n: number;
  readonly live?: (i: number) => boolean;
}): { labelsOf: Adjacency; validationsOf: Adjacency } {
  const { pairSource, pairTarget, pairs, kind, n, live } = input;
  const labelCount = new Int32Array(n + 1);
  const validationCount = new Int32Array(n + 1);
  for (let p = 0; p < pairs; p++) {
    const i = pairSource[p]!;
    if (live !== undefined && !live(i)) continue;
    (kind[i] === KIND_LABEL ? labelCount : validationCount)[pairTarget[p]! + 1]!++;
  }
  for (let t = 0; t < n; t++) {
    labelCount[t + 1]! += labelCount[t]!;
    validationCount[t + 1]! += validationCount[t]!;
  }
  const labelIdx = new Int32Array(labelCount[n]!);
  const validationIdx = new Int32Array(validationCount[n]!);
  const labelFill = labelCount.slice(0, n);
  const validationFill = validationCount.slice(0, n);
  for (let p = 0; p < pairs; p++) {
    const i = pairSource[p]!;
    if (live !== undefined && !live(i)) continue;
    const t = pairTarget[p]!;
    if (kind[i] === KIND_LABEL) labelIdx[labelFill[t]!++] = i;
    else validationIdx[validationFill[t]!++] = i;
  }
  return { labelsOf: { start: labelCount, idx: labelIdx }, validationsOf: { start: validationCount, idx: validationIdx } };
}
