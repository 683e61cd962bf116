// Deterministic synthetic texts for the contamination tests and benchmark: unrelated "documents"
// drawn from a large invented vocabulary by a seeded generator, and edits of them (the near
// duplicates a check must find). Same seed, same texts, on any machine.

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qu', 'bi', 'do', 'fe', 'gu', 'ha', 'ji', 'xo', 'wy', 'ce'];

/** A seeded 32-bit generator (mulberry32). */
const imul = Math.imul;

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An invented vocabulary of `size` distinct words of two to four syllables. */
export function vocabulary(size: number, seed = 1): string[] {
  const next = seededRandom(seed);
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(next() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(next() * SYLLABLES.length)]!;
    words.add(w);
  }
  return [...words];
}

/** `count` texts of `minWords`..`maxWords` words each, words drawn uniformly from the vocabulary. */
export function syntheticTexts(
  count: number,
  options: { readonly seed?: number; readonly minWords?: number; readonly maxWords?: number; readonly vocabularySize?: number } = {},
): string[] {
  const seed = options.seed ?? 7;
  const vocab = vocabulary(options.vocabularySize ?? 5000, seed);
  const next = seededRandom(seed ^ 0x5bd1e995);
  const min = options.minWords ?? 60;
  const max = options.maxWords ?? 160;
  return Array.from({ length: count }, () => {
    const n = min + Math.floor(next() * (max - min + 1));
    return Array.from({ length: n }, () => vocab[Math.floor(next() * vocab.length)]!).join(' ');
  });
}

/** The text with the words at the given (word) positions replaced by `replacement`. */
export function withWordsReplaced(text: string, positions: readonly number[], replacement = 'zzedited'): string {
  const words = text.split(' ');
  for (const p of positions) if (p >= 0 && p < words.length) words[p] = replacement;
  return words.join(' ');
}
