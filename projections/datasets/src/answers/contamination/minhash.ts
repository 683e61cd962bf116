// Near-duplicate detection between two corpora: MinHash signatures over word 13-gram shingles,
// and LSH banding so that only pairs sharing a whole band of the signature are compared, not all
// train x eval pairs. Pure and deterministic: the hash family is derived from a fixed seed, so the
// same texts give the same signatures, candidates and pairs on any machine.
//
// Text normalisation: lowercase, split on anything that is not a Unicode letter or digit, then
// every run of 13 consecutive words is one shingle. A text of fewer than 13 words is one shingle
// (its whole word sequence), so short texts match only when their words are identical; a text
// with no words at all has no signature and is not compared.

export const SHINGLE_WORDS = 13;
export const DEFAULT_NUM_HASHES = 128;
export const DEFAULT_SEED = 0x636169726e; // "cairn"
export const DEFAULT_THRESHOLD = 0.8;

export interface MinHashOptions {
  /** Signature length (number of hash functions); the estimate's resolution is 1/numHashes. */
  readonly numHashes?: number;
  readonly seed?: number;
}

export interface Doc {
  readonly id: string;
  readonly text: string;
}

export interface NearPair {
  readonly train: string;
  readonly eval: string;
  /** Estimated Jaccard similarity of the two shingle sets: the share of equal signature slots. */
  readonly similarity: number;
}

export interface NearResult {
  /** Pairs at or above the threshold: highest similarity first, then by train id, then eval id. */
  readonly pairs: readonly NearPair[];
  /** Pairs whose signatures were compared (LSH candidates, or every pair for the baseline). */
  readonly compared: number;
  readonly bands: number;
  readonly rows: number;
  /** Ids of documents with no word (no signature), per side. */
  readonly noWords: { readonly train: readonly string[]; readonly eval: readonly string[] };
}

const NON_WORD = /[^\p{L}\p{M}\p{N}]+/u;

/** Lowercased words: maximal runs of Unicode letters, marks and digits. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(NON_WORD)
    .filter((w) => w !== '');
}

/** The word 13-gram shingles of a text (a shorter text is one shingle; no words, none). */
export function shingles(text: string, size = SHINGLE_WORDS): string[] {
  const w = words(text);
  if (w.length === 0) return [];
  if (w.length < size) return [w.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + size <= w.length; i++) out.push(w.slice(i, i + size).join(' '));
  return out;
}

// Held once: looking Math.imul up on every call is two orders of magnitude slower inside a
// sandboxed context (a Jest test), where Math is not the engine's own intrinsic object.
const imul = Math.imul;

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over UTF-16 code units, finalised with fmix32. */
export function hash32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** splitmix32: the deterministic source of the hash family's seeds (no Math.random). */
function seeds(count: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    out[i] = fmix32(state);
  }
  return out;
}

export interface MinHasher {
  readonly numHashes: number;
  /** The MinHash signature of a text, or null for a text with no words. */
  signature(text: string): Uint32Array | null;
}

export function createMinHasher(options: MinHashOptions = {}): MinHasher {
  const numHashes = options.numHashes ?? DEFAULT_NUM_HASHES;
  if (!Number.isInteger(numHashes) || numHashes < 1) throw new RangeError(`numHashes must be a positive integer, got ${numHashes}`);
  const family = seeds(numHashes, options.seed ?? DEFAULT_SEED);
  return {
    numHashes,
    signature(text) {
      const set = new Set(shingles(text).map((s) => hash32(s)));
      if (set.size === 0) return null;
      const sig = new Uint32Array(numHashes).fill(0xffffffff);
      // h_i(x) = fmix32(x ^ seed_i): each seed gives an independent-looking permutation of 32-bit values.
      for (const x of set) {
        for (let i = 0; i < numHashes; i++) {
          const v = fmix32(x ^ family[i]!);
          if (v < sig[i]!) sig[i] = v;
        }
      }
      return sig;
    },
  };
}

/** Share of equal slots of two signatures of the same length: the estimated Jaccard similarity. */
export function estimatedSimilarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/**
 * The banding for a threshold: b bands of r rows (b * r = numHashes). A pair of similarity s
 * becomes a candidate with probability 1 - (1 - s^r)^b; take the largest r (fewest chance
 * candidates) that still makes a pair at the threshold a candidate with probability >= 0.999.
 */
export function bandingFor(numHashes: number, threshold: number): { readonly bands: number; readonly rows: number } {
  let best = { bands: numHashes, rows: 1 };
  for (let rows = 1; rows <= numHashes; rows++) {
    if (numHashes % rows !== 0) continue;
    const bands = numHashes / rows;
    const recall = 1 - (1 - threshold ** rows) ** bands;
    if (recall >= 0.999) best = { bands, rows };
  }
  return best;
}

export interface NearOptions extends MinHashOptions {
  /** Minimum estimated Jaccard similarity of a reported pair, in (0, 1]. */
  readonly threshold?: number;
}

/** A corpus's MinHash signatures, in document order (documents with no words set apart). */
export interface SignedCorpus {
  readonly ids: string[];
  readonly sigs: Uint32Array[];
  readonly noWords: string[];
}

function sign(hasher: MinHasher, docs: readonly Doc[]): SignedCorpus {
  const out: SignedCorpus = { ids: [], sigs: [], noWords: [] };
  for (const d of docs) {
    const sig = hasher.signature(d.text);
    if (sig === null) out.noWords.push(d.id);
    else {
      out.ids.push(d.id);
      out.sigs.push(sig);
    }
  }
  return out;
}

function thresholdOf(options: NearOptions): number {
  const t = options.threshold ?? DEFAULT_THRESHOLD;
  if (!(t > 0 && t <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${t}`);
  return t;
}

function sortPairs(pairs: NearPair[]): NearPair[] {
  return pairs.sort(
    (a, b) =>
      b.similarity - a.similarity || (a.train < b.train ? -1 : a.train > b.train ? 1 : a.eval < b.eval ? -1 : a.eval > b.eval ? 1 : 0),
  );
}

/** Pairs (train, eval) at or above the threshold, comparing only the pairs LSH banding proposes. */
export function nearDuplicates(train: readonly Doc[], evaluation: readonly Doc[], options: NearOptions = {}): NearResult {
  const threshold = thresholdOf(options);
  return lshOfSigned(signCorpus(train, options), signCorpus(evaluation, options), { ...options, threshold });
}

function bandKey(sig: Uint32Array, band: number, rows: number): number {
  // A 32-bit digest of the band's rows: two bands that collide by chance only add a candidate,
  // which the full-signature comparison then rejects.
  let h = band;
  for (let i = band * rows; i < (band + 1) * rows; i++) h = fmix32((h ^ sig[i]!) + 0x9e3779b9);
  return h;
}

function nearFromSigned(t: SignedCorpus, e: SignedCorpus, threshold: number, bands: number, rows: number): NearResult {
  const buckets: Map<number, number[]>[] = Array.from({ length: bands }, () => new Map());
  t.sigs.forEach((sig, i) => {
    for (let b = 0; b < bands; b++) {
      const key = bandKey(sig, b, rows);
      const bucket = buckets[b]!.get(key);
      if (bucket) bucket.push(i);
      else buckets[b]!.set(key, [i]);
    }
  });
  const pairs: NearPair[] = [];
  let compared = 0;
  const seen = new Int32Array(t.sigs.length).fill(-1);
  e.sigs.forEach((sig, j) => {
    for (let b = 0; b < bands; b++) {
      for (const i of buckets[b]!.get(bandKey(sig, b, rows)) ?? []) {
        if (seen[i] === j) continue;
        seen[i] = j;
        compared++;
        const similarity = estimatedSimilarity(t.sigs[i]!, sig);
        if (similarity >= threshold) pairs.push({ train: t.ids[i]!, eval: e.ids[j]!, similarity });
      }
    }
  });
  return { pairs: sortPairs(pairs), compared, bands, rows, noWords: { train: t.noWords, eval: e.noWords } };
}

/** The baseline LSH is measured against: every train x eval pair's signatures compared. */
export function nearDuplicatesAllPairs(train: readonly Doc[], evaluation: readonly Doc[], options: NearOptions = {}): NearResult {
  return allPairsOfSigned(signCorpus(train, options), signCorpus(evaluation, options), options);
}

/** Both corpora's signatures, computed once; LSH and the all-pairs baseline then run on them. */
export function signCorpus(docs: readonly Doc[], options: MinHashOptions = {}): SignedCorpus {
  return sign(createMinHasher(options), docs);
}

function signatureLength(t: SignedCorpus, e: SignedCorpus, options: MinHashOptions): number {
  return t.sigs[0]?.length ?? e.sigs[0]?.length ?? options.numHashes ?? DEFAULT_NUM_HASHES;
}

export function lshOfSigned(train: SignedCorpus, evaluation: SignedCorpus, options: NearOptions = {}): NearResult {
  const threshold = thresholdOf(options);
  const { bands, rows } = bandingFor(signatureLength(train, evaluation, options), threshold);
  return nearFromSigned(train, evaluation, threshold, bands, rows);
}

export function allPairsOfSigned(t: SignedCorpus, e: SignedCorpus, options: NearOptions = {}): NearResult {
  const threshold = thresholdOf(options);
  const pairs: NearPair[] = [];
  for (let i = 0; i < t.sigs.length; i++)
    for (let j = 0; j < e.sigs.length; j++) {
      const similarity = estimatedSimilarity(t.sigs[i]!, e.sigs[j]!);
      if (similarity >= threshold) pairs.push({ train: t.ids[i]!, eval: e.ids[j]!, similarity });
    }
  return {
    pairs: sortPairs(pairs),
    compared: t.sigs.length * e.sigs.length,
    bands: 1,
    rows: signatureLength(t, e, options),
    noWords: { train: t.noWords, eval: e.noWords },
  };
}
