// The assembly index kept up to date one fact at a time, so a cut at position P costs the rules
// and the Merkle root rather than re-indexing the whole log prefix (indexFacts, which stays the
// reference and the cold start). It gives the same AssemblyIndex answers as
// indexFacts(facts up to P), including for references to CFs that only arrive later.
//
// What indexFacts builds in one pass and cannot append to gets an append-friendly form here:
// - label/validation adjacency: a flat list of resolved (source, target) pairs in log order,
//   turned into CSR at the cut with the liveness of that moment (a pass over typed arrays);
// - the sorted candidate order: newly added candidates are sorted among themselves and merged
//   into the sorted run whenever they reach a quarter of it, so a cut merges at most a tail;
// - leaf hashes: computed in chunks as candidates are added, never again.
import { leafHashesOfPacked32 } from '@cairn/core';
import type { CfTable } from './cf-table.js';
import { erasureMarks } from './erasure.js';
import type { AssetFact, CfFact, DeprecationFact, ErasureFact } from './facts.js';
import { Growable } from './growable.js';
import { writeHex32 } from './hex.js';
import type { IdLookup } from './id-table.js';
import { KIND_LABEL, KIND_SAMPLE, KIND_VALIDATION, adjacenciesOfPairs, type AssemblyIndex } from './index-facts.js';
import { PackedIdTable } from './packed-id-table.js';
import { sortedPackedOrder } from './sort-ids.js';

const KIND_CODE = { sample: KIND_SAMPLE, label: KIND_LABEL, validation: KIND_VALIDATION } as const;
/** Candidates hashed per leafHashesOfPacked32 call while appending. */
const HASH_CHUNK = 4096;

export class LiveIndex {
  private readonly indexOf = new PackedIdTable();
  private readonly cfs = new CfColumns(this.indexOf);
  private readonly deprecations: DeprecationFact[] = [];
  private readonly assets: AssetFact[] = [];
  private readonly erasures: ErasureFact[] = [];
  private readonly erasureIds = new Set<string>();
  private readonly kind = new Growable(Uint8Array);
  private readonly replacedBy = new Growable(Int32Array);
  private readonly replaces = new Growable(Int32Array);
  private readonly deprecation = new Growable(Int32Array);
  private readonly assetsOf = new Map<number, AssetFact[]>();
  /** Resolved label/validation references, in the order indexFacts' pairs would list them per target. */
  private readonly pairSource = new Growable(Int32Array);
  private readonly pairTarget = new Growable(Int32Array);
  // References to ids not (yet) in the log: indexFacts resolves them against the whole prefix,
  // so they take effect when the CF arrives.
  private readonly pendingSources = new Map<string, number[]>();
  private readonly pendingAssets = new Map<string, AssetFact[]>();
  private readonly pendingDeprecation = new Map<string, number>();
  private readonly deprecationIds = new Set<string>();
  private readonly assetIds = new Set<string>();
  // candidates (samples and labels), by slot in order of arrival
  private readonly leafSlot = new Growable(Int32Array);
  private readonly candidateOf = new Growable(Int32Array);
  private readonly packed = new Growable(Uint8Array, 32 * 1024);
  private readonly prefix = new Growable(Uint32Array);
  private readonly leafHashes = new Growable(Uint8Array, 32 * 1024);
  private hashed = 0;
  /** Candidate CF indices of slots [0, merged), in ascending id order. */
  private sorted = new Int32Array(0);
  private merged = 0;
  private malformed: string | null = null;
  private changes = 0;
  private cached: { readonly changes: number; readonly index: AssemblyIndex } | null = null;

  /** A live index holding `facts` (as loadFacts gives them: each list in log order). */
  static of(facts: {
    readonly cfs: readonly CfFact[];
    readonly deprecations: readonly DeprecationFact[];
    readonly assets: readonly AssetFact[];
    readonly erasures?: readonly ErasureFact[];
  }): LiveIndex {
    const live = new LiveIndex();
    let candidates = 0;
    for (const cf of facts.cfs) if (cf.kind !== 'validation') candidates++;
    live.reserve(facts.cfs.length, candidates);
    // interleave by position: a deprecation or asset before a CF must find it pending, as it would live
    let d = 0;
    let a = 0;
    const { cfs, deprecations, assets } = facts;
    for (const cf of cfs) {
      while (d < deprecations.length && deprecations[d]!.position < cf.position) live.addDeprecation(deprecations[d++]!);
      while (a < assets.length && assets[a]!.position < cf.position) live.addAsset(assets[a++]!);
      live.addCf(cf);
    }
    while (d < deprecations.length) live.addDeprecation(deprecations[d++]!);
    while (a < assets.length) live.addAsset(assets[a++]!);
    // erasures are resolved at the snapshot, so their order among the CFs does not matter
    for (const e of facts.erasures ?? []) live.addErasure(e);
    return live;
  }

  get size(): number {
    return this.cfs.count;
  }

  /** Adds a CF; a CF id seen before is ignored (the projection's first statement wins too). */
  addCf(cf: CfFact): void {
    const i = this.cfs.count;
    if (this.indexOf.intern(cf.cfId) !== i) return;
    this.changes++;
    const k = KIND_CODE[cf.kind];
    this.kind.push(k);
    this.cfs.add(i, cf, k === KIND_SAMPLE);
    this.replacedBy.push(-1);
    const target = cf.amends ?? cf.supersedes;
    const t = target === null ? -1 : this.indexOf.get(target);
    // only backward references count (indexFacts: t < i); a later replacement wins
    if (t >= 0 && t < i) this.replacedBy.data[t] = i;
    this.replaces.push(t >= 0 && t < i ? t : -1);
    // (a log whose references all point back, as the SDK ensures, leaves these maps empty)
    const deprecated = this.pendingDeprecation.size === 0 ? undefined : this.pendingDeprecation.get(cf.cfId);
    this.deprecation.push(deprecated ?? -1);
    if (deprecated !== undefined) this.pendingDeprecation.delete(cf.cfId);
    const assets = this.pendingAssets.size === 0 ? undefined : this.pendingAssets.get(cf.cfId);
    if (assets !== undefined) {
      this.assetsOf.set(i, assets);
      this.pendingAssets.delete(cf.cfId);
    }
    // earlier references to this id come first: they are earlier in log order
    const sources = this.pendingSources.size === 0 ? undefined : this.pendingSources.get(cf.cfId);
    if (sources !== undefined) {
      for (const s of sources) this.addPair(s, i);
      this.pendingSources.delete(cf.cfId);
    }
    if (k !== KIND_SAMPLE) {
      for (const id of cf.targets) {
        const to = this.indexOf.get(id);
        if (to >= 0) this.addPair(i, to);
        else {
          const waiting = this.pendingSources.get(id);
          if (waiting) waiting.push(i);
          else this.pendingSources.set(id, [i]);
        }
      }
    }
    if (k === KIND_VALIDATION) this.leafSlot.push(-1);
    else this.addCandidate(i, cf.cfId);
  }

  /** Adds a deprecation; the first one of a CF counts, as in indexFacts. */
  addDeprecation(d: DeprecationFact): void {
    if (this.deprecationIds.has(d.eventId)) return;
    this.deprecationIds.add(d.eventId);
    this.changes++;
    const k = this.deprecations.push(d) - 1;
    const i = this.indexOf.get(d.cfId);
    if (i >= 0) {
      if (this.deprecation.data[i] === -1) this.deprecation.data[i] = k;
    } else if (!this.pendingDeprecation.has(d.cfId)) this.pendingDeprecation.set(d.cfId, k);
  }

  /** Adds an erasure; the same erasure event twice is one. */
  addErasure(e: ErasureFact): void {
    if (this.erasureIds.has(e.eventId)) return;
    this.erasureIds.add(e.eventId);
    this.changes++;
    this.erasures.push(e);
  }

  /** Adds an asset; a member listed twice is one membership (the asset_members key). */
  addAsset(asset: AssetFact): void {
    if (this.assetIds.has(asset.assetId)) return;
    this.assetIds.add(asset.assetId);
    this.changes++;
    this.assets.push(asset);
    for (const member of new Set(asset.members)) {
      const i = this.indexOf.get(member);
      const map = i >= 0 ? this.assetsOf : this.pendingAssets;
      const key = i >= 0 ? i : member;
      const list = (map as Map<number | string, AssetFact[]>).get(key);
      if (list) list.push(asset);
      else (map as Map<number | string, AssetFact[]>).set(key, [asset]);
    }
  }

  /**
   * The index as of now. It is a view over the growing arrays, not a copy: use it (assemble,
   * explain, store) before the next add, as the projection does within one cut.
   */
  snapshot(): AssemblyIndex {
    if (this.malformed !== null) throw new Error(`not a 64-char lowercase hex id: ${this.malformed}`);
    if (this.cached !== null && this.cached.changes === this.changes) return this.cached.index;
    this.hashLeaves(this.candidateOf.length);
    this.mergeSorted();
    const n = this.cfs.count;
    const kind = this.kind.view();
    const replacedBy = this.replacedBy.view();
    const deprecation = this.deprecation.view();
    const { labelsOf, validationsOf } = adjacenciesOfPairs({
      pairSource: this.pairSource.data,
      pairTarget: this.pairTarget.data,
      pairs: this.pairSource.length,
      kind,
      n,
      live: (i) => replacedBy[i] === -1 && deprecation[i] === -1,
    });
    const cfs = this.cfs.table(n);
    const table = this.indexOf;
    // ids added after the snapshot are not in it
    const indexOf: IdLookup = {
      get: (id) => {
        const i = table.get(id);
        return i < n ? i : -1;
      },
    };
    const replaces = this.replaces.view();
    const erasures = this.erasures.slice();
    const index: AssemblyIndex = {
      cfs,
      deprecations: this.deprecations.slice(),
      indexOf,
      kind,
      authorOf: this.cfs.authorOf.view(),
      commitmentOf: this.cfs.commitmentOf.view(),
      replacedBy,
      replaces,
      deprecation,
      erasures,
      erasedBy: erasureMarks({ n, cfs, indexOf, replaces, labelsOf, validationsOf, erasures }),
      labelsOf,
      validationsOf,
      assetsOf: this.assetsOf,
      sortedOrder: this.sorted,
      leafSlot: this.leafSlot.view(),
      leafHashes: this.leafHashes.data.subarray(0, 32 * this.candidateOf.length),
    };
    this.cached = { changes: this.changes, index };
    return index;
  }

  private reserve(cfs: number, candidates: number): void {
    this.indexOf.reserve(cfs);
    for (const column of [this.kind, this.replacedBy, this.replaces, this.deprecation, this.leafSlot]) column.reserve(cfs - column.length);
    for (const column of [this.candidateOf, this.prefix]) column.reserve(candidates - column.length);
    for (const column of [this.packed, this.leafHashes]) column.reserve(32 * candidates - column.length);
    this.cfs.reserve(cfs, candidates);
  }

  private addPair(source: number, target: number): void {
    this.pairSource.push(source);
    this.pairTarget.push(target);
  }

  private addCandidate(i: number, id: string): void {
    const slot = this.candidateOf.length;
    this.leafSlot.push(slot);
    this.candidateOf.push(i);
    this.packed.reserve(32);
    if (!writeHex32(id, this.packed.data, 32 * slot)) this.malformed ??= id;
    this.packed.length += 32;
    const p = this.packed.data;
    this.prefix.push(((p[32 * slot]! << 24) | (p[32 * slot + 1]! << 16) | (p[32 * slot + 2]! << 8) | p[32 * slot + 3]!) >>> 0);
    const candidates = slot + 1;
    if (candidates - this.hashed >= HASH_CHUNK) this.hashLeaves(candidates);
    // merging whenever the unsorted tail reaches a quarter of the sorted run keeps the total merge
    // work linear, and leaves a cut at most a quarter of the candidates to sort
    if (candidates - this.merged >= Math.max(HASH_CHUNK, this.merged / 4)) this.mergeSorted();
  }

  private hashLeaves(upTo: number): void {
    if (upTo <= this.hashed) return;
    const hashes = leafHashesOfPacked32(this.packed.data.subarray(32 * this.hashed, 32 * upTo));
    this.leafHashes.reserve(32 * upTo - this.leafHashes.length);
    this.leafHashes.data.set(hashes, 32 * this.hashed);
    this.leafHashes.length = 32 * upTo;
    this.hashed = upTo;
  }

  private mergeSorted(): void {
    const from = this.merged;
    const to = this.candidateOf.length;
    if (to === from) return;
    const tail = sortedPackedOrder(this.packed.data.subarray(32 * from, 32 * to), to - from);
    const old = this.sorted;
    const out = new Int32Array(old.length + tail.length);
    const { prefix, packed, leafSlot, candidateOf } = this;
    const pre = prefix.data;
    const bytes = packed.data;
    const slotOf = leafSlot.data;
    const cfOf = candidateOf.data;
    let a = 0;
    let b = 0;
    let o = 0;
    while (a < old.length && b < tail.length) {
      const sa = slotOf[old[a]!]!;
      const sb = from + tail[b]!;
      const pa = pre[sa]!;
      const pb = pre[sb]!;
      if (pb < pa || (pb === pa && compareSlots(bytes, sb, sa) < 0)) {
        out[o++] = cfOf[sb]!;
        b++;
      } else out[o++] = old[a++]!;
    }
    while (a < old.length) out[o++] = old[a++]!;
    while (b < tail.length) out[o++] = cfOf[from + tail[b++]!]!;
    this.sorted = out;
    this.merged = to;
  }
}

function compareSlots(packed: Uint8Array, a: number, b: number): number {
  for (let j = 0; j < 32; j++) {
    const d = packed[32 * a + j]! - packed[32 * b + j]!;
    if (d !== 0) return d;
  }
  return 0;
}

const NONE = -1;

/**
 * The CFs as columns: numbers in typed arrays, repeated strings (authors, sources, licenses,
 * label types) as codes into one list, commitments interned, and the rare references in maps.
 */
class CfColumns {
  readonly authorOf = new Growable(Int32Array);
  /** Each sample's commitment as a number (the dedup key), or -1. */
  readonly commitmentOf = new Growable(Int32Array);
  private readonly position = new Growable(Float64Array);
  private readonly verdict = new Growable(Float64Array);
  private readonly sourceOf = new Growable(Int32Array);
  private readonly licenseOf = new Growable(Int32Array);
  private readonly labelTypeOf = new Growable(Int32Array);
  private readonly commitments = new PackedIdTable();
  private readonly codes = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly authorCodes = new Map<number, number>();
  private readonly amendsOf = new Map<number, string>();
  private readonly supersedesOf = new Map<number, string>();
  /** Commitments of CFs other than samples (none in practice; kept so the columns lose nothing). */
  private readonly otherCommitments = new Map<number, string>();
  private readonly bigPositions = new Map<number, bigint>();

  /** Ids come from the index's id table: CF i is the i-th id interned. */
  constructor(private readonly ids: PackedIdTable) {}

  reserve(cfs: number, samples: number): void {
    const columns = [this.authorOf, this.commitmentOf, this.position, this.verdict, this.sourceOf, this.licenseOf, this.labelTypeOf];
    for (const column of columns) column.reserve(cfs - column.length);
    this.commitments.reserve(samples);
  }

  get count(): number {
    return this.position.length;
  }

  add(i: number, cf: CfFact, sample: boolean): void {
    const position = Number(cf.position);
    // a float64 holds every position below 2^53; beyond, the exact bigint is kept aside
    if (!Number.isSafeInteger(position)) this.bigPositions.set(i, cf.position);
    this.position.push(position);
    // NaN stands for "no verdict": verdicts are JSON numbers, never NaN
    this.verdict.push(cf.verdict ?? NaN);
    const author = this.code(cf.author);
    let a = this.authorCodes.get(author);
    if (a === undefined) {
      a = this.authorCodes.size;
      this.authorCodes.set(author, a);
    }
    this.authorOf.push(a);
    this.sourceOf.push(this.code(cf.source));
    this.licenseOf.push(this.code(cf.license));
    this.labelTypeOf.push(this.code(cf.labelType));
    if (cf.amends !== null) this.amendsOf.set(i, cf.amends);
    if (cf.supersedes !== null) this.supersedesOf.set(i, cf.supersedes);
    const commitment = cf.commitment === null ? NONE : sample ? this.commitments.intern(cf.commitment) : NONE;
    if (cf.commitment !== null && !sample) this.otherCommitments.set(i, cf.commitment);
    this.commitmentOf.push(commitment);
  }

  /** The first n CFs, read through the columns. */
  table(n: number): CfTable {
    const { ids, strings, commitments, amendsOf, otherCommitments, bigPositions } = this;
    const position = this.position.data;
    const verdict = this.verdict.data;
    const author = this.authorOf.data;
    const authorStrings = [...this.authorCodes.keys()].map((code) => strings[code]!);
    const source = this.sourceOf.data;
    const license = this.licenseOf.data;
    const labelType = this.labelTypeOf.data;
    const commitmentOf = this.commitmentOf.data;
    const text = (code: number) => (code === NONE ? null : strings[code]!);
    return {
      count: n,
      id: (c) => ids.keyAt(c)!,
      author: (c) => authorStrings[author[c]!]!,
      position: (c) => bigPositions.get(c) ?? BigInt(position[c]!),
      source: (c) => text(source[c]!),
      license: (c) => text(license[c]!),
      commitment: (c) => (commitmentOf[c] === NONE ? (otherCommitments.get(c) ?? null) : commitments.keyAt(commitmentOf[c]!)!),
      labelType: (c) => text(labelType[c]!),
      amends: (c) => amendsOf.get(c) ?? null,
      verdict: (c) => {
        const v = verdict[c]!;
        return v === v ? v : null;
      },
    };
  }

  private code(s: string | null): number {
    if (s === null) return NONE;
    let code = this.codes.get(s);
    if (code === undefined) {
      code = this.strings.length;
      this.codes.set(s, code);
      this.strings.push(s);
    }
    return code;
  }
}
