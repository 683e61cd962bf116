// The contamination check's near-duplicate search: MinHash signatures of a few thousand synthetic
// texts, then LSH banding against a brute-force comparison of every train x eval pair's signatures
// in the same run. The figure is train x eval pairs covered per second (all of them, for both: LSH
// covers a pair by not proposing it); the ratio says how much banding saves over all pairs. Both
// must report the same planted pairs, or the bench fails.
import { allPairsOfSigned, lshOfSigned, signCorpus, syntheticTexts, withWordsReplaced, type Doc } from '@cairn/datasets';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'contamination';
const TRAIN = Number(process.env.CAIRN_BENCH_CONTAM_TRAIN ?? 3000);
const EVAL = Number(process.env.CAIRN_BENCH_CONTAM_EVAL ?? 2000);
const PLANTED = 20;
const THRESHOLD = 0.8;

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, (performance.now() - t0) / 1000];
}

function corpora(): { train: Doc[]; evaluation: Doc[] } {
  const texts = syntheticTexts(TRAIN + EVAL, { seed: 11, minWords: 80, maxWords: 200 });
  const train = texts.slice(0, TRAIN).map((text, i) => ({ id: `t${i}`, text }));
  const evaluation = texts.slice(TRAIN).map((text, i) => ({ id: `e${i}`, text }));
  // Every other planted copy is exact; the rest have one word edited near the end.
  for (let k = 0; k < PLANTED; k++) {
    const source = train[k * 7]!.text;
    const n = source.split(' ').length;
    evaluation[k * 5] = { id: `e${k * 5}`, text: k % 2 === 0 ? source : withWordsReplaced(source, [n - 4]) };
  }
  return { train, evaluation };
}

async function run(ctx: BenchContext): Promise<readonly BenchResult[]> {
  const { train, evaluation } = corpora();
  ctx.log(`MinHash signatures of ${TRAIN} + ${EVAL} texts`);
  const [[t, e], signSeconds] = timed(() => [signCorpus(train), signCorpus(evaluation)] as const);
  lshOfSigned(t, e, { threshold: THRESHOLD }); // warm-up
  ctx.log(`LSH over ${TRAIN} x ${EVAL} pairs at threshold ${THRESHOLD}`);
  const [lsh, lshSeconds] = timed(() => lshOfSigned(t, e, { threshold: THRESHOLD }));
  ctx.log(`all ${TRAIN * EVAL} pairs' signatures compared (baseline)`);
  const [all, allSeconds] = timed(() => allPairsOfSigned(t, e, { threshold: THRESHOLD }));
  const key = (r: typeof lsh) => r.pairs.map((p) => `${p.train} ${p.eval}`).join(',');
  if (key(lsh) !== key(all) || lsh.pairs.length < PLANTED)
    throw new Error(
      `contamination bench: LSH found ${lsh.pairs.length} pairs, all-pairs ${all.pairs.length}; they must agree and hold the ${PLANTED} planted`,
    );
  const pairs = TRAIN * EVAL;
  return [
    row(
      GROUP,
      `${TRAIN} x ${EVAL} text pairs covered, LSH (${lsh.bands} bands of ${lsh.rows})`,
      pairs / lshSeconds,
      'pairs/s',
      pairs / allSeconds,
    ),
    row(GROUP, `pairs whose signatures LSH compared (of ${pairs})`, lsh.compared, 'pairs'),
    row(GROUP, 'LSH seconds', lshSeconds, 's'),
    row(GROUP, 'all-pairs seconds', allSeconds, 's'),
    row(GROUP, 'MinHash signatures (128 hashes, 13-word shingles)', (TRAIN + EVAL) / signSeconds, 'texts/s'),
  ];
}

const group: BenchGroup = {
  group: GROUP,
  description: 'contamination near-duplicate search: LSH banding vs comparing every train x eval MinHash signature pair',
  run,
};
export default group;
