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
import type { AssetFact, CfFact, DeprecationFact } from './facts.js';
import { Growable } from './growable.js';
import { writeHex32 } from './hex.js';
import { IdTable, type IdLookup } from './id-table.js';
import { KIND_LABEL, KIND_SAMPLE, KIND_VALIDATION, adjacenciesOfPairs, type AssemblyIndex } from './index-facts.js';
import { sortedPackedOrder } from './sort-ids.js';

const KIND_CODE = { sample: KIND_SAMPLE, label: KIND_LABEL, validation: KIND_VALIDATION } as const;
const EMPTY: readonly string[] = Object.freeze([]);
/** Candidates hashed per leafHashesOfPacked32 call while appending. */
const HASH_CHUNK = 4096;

export class LiveIndex {
  private readonly cfs: CfFact[] = [];
  private readonly deprecations: DeprecationFact[] = [];
  private readonly assets: AssetFact[] = [];
  private readonly indexOf = new IdTable(1024);
  private readonly kind = new Growable(Uint8Array);
  private readonly authorOf = new Growable(Int32Array);
  private readonly authors = new Map<string, number>();
  private readonly commitmentOf = new Growable(Int32Array);
  private readonly commitments = new IdTable(1024);
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
  /** Short strings repeated across CFs (authors, licenses, sources, label types), one instance each. */
  private readonly strings = new Map<string, string>();
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
  static of(facts: { readonly cfs: readonly CfFact[]; readonly deprecations: readonly DeprecationFact[]; readonly assets: readonly AssetFact[] }): LiveIndex {
    const live = new LiveIndex();
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
    return live;
  }

  get size(): number {
    return this.cfs.length;
  }

  /** Adds a CF; a CF id seen before is ignored (the projection's first statement wins too). */
  addCf(cf: CfFact): void {
    const i = this.cfs.length;
    if (this.indexOf.intern(cf.cfId) !== i) return;
    this.changes++;
    const k = KIND_CODE[cf.kind];
    const targets = k === KIND_SAMPLE || cf.targets.length === 0 ? EMPTY : cf.targets.map((t) => this.canonicalId(t));
    // a fresh literal in CfFact's field order with shared strings: a million of these are kept
    const fact: CfFact = {
      cfId: cf.cfId,
      kind: cf.kind,
      author: this.intern(cf.author)!,
      position: cf.position,
      source: this.intern(cf.source),
      license: this.intern(cf.license),
      commitment: cf.commitment,
      targets,
      amends: cf.amends === null ? null : this.canonicalId(cf.amends),
      supersedes: cf.supersedes === null ? null : this.canonicalId(cf.supersedes),
      labelType: this.intern(cf.labelType),
      verdict: cf.verdict,
    };
    this.cfs.push(fact);
    this.kind.push(k);
    let author = this.authors.get(fact.author);
    if (author === undefined) {
      author = this.authors.size;
      this.authors.set(fact.author, author);
    }
    this.authorOf.push(author);
    this.commitmentOf.push(k === KIND_SAMPLE && cf.commitment !== null ? this.commitments.intern(cf.commitment) : -1);
    this.replacedBy.push(-1);
    const target = cf.amends ?? cf.supersedes;
    const t = target === null ? -1 : this.indexOf.get(target);
    // only backward references count (indexFacts: t < i); a later replacement wins
    if (t >= 0 && t < i) this.replacedBy.data[t] = i;
    this.replaces.push(t >= 0 && t < i ? t : -1);
    this.deprecation.push(this.pendingDeprecation.get(cf.cfId) ?? -1);
    this.pendingDeprecation.delete(cf.cfId);
    const assets = this.pendingAssets.get(cf.cfId);
    if (assets !== undefined) {
      this.assetsOf.set(i, assets);
      this.pendingAssets.delete(cf.cfId);
    }
    // earlier references to this id come first: they are earlier in log order
    const sources = this.pendingSources.get(cf.cfId);
    if (sources !== undefined) {
      for (const s of sources) this.addPair(s, i);
      this.pendingSources.delete(cf.cfId);
    }
    if (k !== KIND_SAMPLE) {
      for (const id of targets) {
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
    const n = this.cfs.length;
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
    const cfs = this.cfs.slice();
    const table = this.indexOf;
    // ids added after the snapshot are not in it
    const indexOf: IdLookup = {
      get: (id) => {
        const i = table.get(id);
        return i < n ? i : -1;
      },
    };
    const index: AssemblyIndex = {
      facts: { cfs, deprecations: this.deprecations.slice(), assets: this.assets.slice() },
      cfs,
      indexOf,
      kind,
      authorOf: this.authorOf.view(),
      commitmentOf: this.commitmentOf.view(),
      replacedBy,
      replaces: this.replaces.view(),
      deprecation,
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

  private addPair(source: number, target: number): void {
    this.pairSource.push(source);
    this.pairTarget.push(target);
  }

  private intern(s: string | null): string | null {
    if (s === null) return null;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** The id string already held for a known CF (one copy of each id in memory), else `id`. */
  private canonicalId(id: string): string {
    const i = this.indexOf.get(id);
    return i < 0 ? id : (this.indexOf.keyAt(i) ?? id);
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
