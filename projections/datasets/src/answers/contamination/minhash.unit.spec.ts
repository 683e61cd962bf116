// The MinHash/LSH engine of the contamination check, on deterministic synthetic corpora.
import { describe, expect, it } from '@jest/globals';
import { allPairsOfSigned, createMinHasher, lshOfSigned, nearDuplicates, shingles, signCorpus, words, type Doc } from './minhash.js';
import { syntheticTexts, withWordsReplaced } from './synthetic.js';

/** True Jaccard similarity of two texts' shingle sets. */
function jaccard(a: string, b: string): number {
  const sa = new Set(shingles(a));
  const sb = new Set(shingles(b));
  let common = 0;
  for (const s of sa) if (sb.has(s)) common++;
  return common / (sa.size + sb.size - common);
}

const TRAIN = 2000;
const EVAL = 1000;

/** A training corpus and an evaluation corpus of unrelated texts, with planted duplicates. */
function plantedCorpus() {
  const texts = syntheticTexts(TRAIN + EVAL, { seed: 42, minWords: 120, maxWords: 200 });
  const train: Doc[] = texts.slice(0, TRAIN).map((text, i) => ({ id: `t${i}`, text }));
  const evaluation: Doc[] = texts.slice(TRAIN).map((text, i) => ({ id: `e${i}`, text }));
  // e10 is t100 verbatim; e20 is t200 with different case and punctuation (the same words).
  evaluation[10] = { id: 'e10', text: train[100]!.text };
  evaluation[20] = { id: 'e20', text: `${train[200]!.text.toUpperCase().replace(/ /g, ', ')}!` };
  // e30 and e40 are t300 and t400 with two words edited near their end.
  const nearOf = (t: string) => withWordsReplaced(t, [t.split(' ').length - 3, t.split(' ').length - 6]);
  evaluation[30] = { id: 'e30', text: nearOf(train[300]!.text) };
  evaluation[40] = { id: 'e40', text: nearOf(train[400]!.text) };
  return { train, evaluation };
}

describe('text normalisation', () => {
  it('given mixed case, punctuation and non-Latin letters, then words are the lowercased runs of letters and digits', () => {
    expect(words('Hello, WORLD! Grüße—мир 42x  _ok_')).toEqual(['hello', 'world', 'grüße', 'мир', '42x', 'ok']);
  });

  it('given a text of 13 words or more, then its shingles are every run of 13 consecutive words', () => {
    const text = Array.from({ length: 15 }, (_, i) => `w${i}`).join(' ');
    expect(shingles(text)).toHaveLength(3);
    expect(shingles(text)[2]).toBe('w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14');
  });

  it('given a text shorter than 13 words, then the whole text is one shingle; a text without words has none', () => {
    expect(shingles('The cat sat.')).toEqual(['the cat sat']);
    expect(shingles(' -- !! ')).toEqual([]);
    expect(createMinHasher().signature('...')).toBeNull();
  });
});

describe('near duplicates by MinHash and LSH', () => {
  const { train, evaluation } = plantedCorpus();

  it(`given ${TRAIN} training and ${EVAL} evaluation texts with 2 exact and 2 near copies planted, then exactly those 4 pairs are found`, () => {
    expect(jaccard(train[300]!.text, evaluation[30]!.text)).toBeGreaterThan(0.85);
    const r = nearDuplicates(train, evaluation, { threshold: 0.8 });
    expect(r.pairs.map((p) => [p.train, p.eval])).toEqual([
      ['t100', 'e10'],
      ['t200', 'e20'],
      ['t300', 'e30'],
      ['t400', 'e40'],
    ]);
    expect(r.pairs[0]!.similarity).toBe(1);
    expect(r.pairs[1]!.similarity).toBe(1);
    for (const p of r.pairs.slice(2)) {
      expect(p.similarity).toBeGreaterThanOrEqual(0.8);
      expect(p.similarity).toBeLessThan(1);
    }
  });

  it('given the same corpus, then LSH compares a small fraction of all pairs and finds what the all-pairs baseline finds', () => {
    const t = signCorpus(train);
    const e = signCorpus(evaluation);
    const lsh = lshOfSigned(t, e, { threshold: 0.8 });
    const all = allPairsOfSigned(t, e, { threshold: 0.8 });
    expect(all.compared).toBe(TRAIN * EVAL);
    expect(lsh.compared).toBeLessThan(all.compared / 100);
    expect(lsh.pairs).toEqual(all.pairs);
  });

  it('given a pair of moderate similarity, then the threshold decides whether it is reported, and no reported pair is below it', () => {
    const base = train[500]!.text;
    const n = base.split(' ').length;
    // An edit every 40 words leaves roughly 60% of the 13-word shingles in common.
    const edited = withWordsReplaced(
      base,
      Array.from({ length: Math.floor(n / 40) }, (_, k) => 20 + k * 40),
    );
    const j = jaccard(base, edited);
    expect(j).toBeGreaterThan(0.4);
    expect(j).toBeLessThan(0.75);
    // Among unrelated texts only (the planted copies sit below t500 and e50).
    const docsT: Doc[] = [{ id: 'a', text: base }, ...train.slice(1000, 1200)];
    const docsE: Doc[] = [{ id: 'b', text: edited }, ...evaluation.slice(100, 300)];
    const low = nearDuplicates(docsT, docsE, { threshold: 0.3 });
    const high = nearDuplicates(docsT, docsE, { threshold: 0.8 });
    expect(low.pairs.map((p) => [p.train, p.eval])).toEqual([['a', 'b']]);
    expect(Math.abs(low.pairs[0]!.similarity - j)).toBeLessThan(0.15);
    expect(high.pairs).toEqual([]);
    for (const threshold of [0.3, 0.5, 0.9])
      for (const p of nearDuplicates(train.slice(0, 400), evaluation.slice(0, 50), { threshold }).pairs)
        expect(p.similarity).toBeGreaterThanOrEqual(threshold);
  });

  it('given the same inputs twice (and a fresh hasher), then signatures and pairs are identical; another seed gives other signatures', () => {
    const a = createMinHasher().signature(train[0]!.text)!;
    const b = createMinHasher().signature(train[0]!.text)!;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(createMinHasher({ seed: 99 }).signature(train[0]!.text)!.buffer).equals(Buffer.from(a.buffer))).toBe(false);
    const once = nearDuplicates(train.slice(0, 500), evaluation.slice(0, 50), { threshold: 0.8 });
    const twice = nearDuplicates(train.slice(0, 500), evaluation.slice(0, 50), { threshold: 0.8 });
    expect(twice).toEqual(once);
  });

  it('given a threshold outside (0, 1], then the engine refuses it', () => {
    expect(() => nearDuplicates([], [], { threshold: 0 })).toThrow(RangeError);
    expect(() => nearDuplicates([], [], { threshold: 1.5 })).toThrow(RangeError);
  });
});
