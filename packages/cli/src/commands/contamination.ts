// cairn contamination NAME@V --against EVAL@W: which training members have their content in the
// evaluation version, exactly (same commitment) or nearly (MinHash/LSH over word 13-grams). The
// answer is projections' contamination(); this file parses, calls and prints.
import type { Command } from 'commander';
import type { ContaminationReport, ResolvedVersion, SideSummary } from '@cairn/client';
import { messageOf, orFail, usage } from '../fail.js';
import { table } from '../output.js';
import { withRunFacts } from '../attest/facts-session.js';
import { globalsOf, show, short } from './common.js';

export type ContaminationJson = ContaminationReport & { readonly trainRef: ResolvedVersion; readonly evalRef: ResolvedVersion };

const HELP = `
Compares the sample members of the training version NAME@V with those of the evaluation version
EVAL@W (neither is changed; nothing is appended).

exact  the same content commitment under the same scheme. Personal data is committed with a keyed
       HMAC, so an HMAC commitment is compared only with other HMAC commitments, never with a plain
       SHA-256 one. Needs no bytes, so it covers every sample member (erased ones too).
near   MinHash (128 seeded hash functions) over word 13-gram shingles of the texts, with LSH
       banding so only likely pairs are compared; a pair is reported when its estimated Jaccard
       similarity is at least --threshold. Texts are lowercased and split on anything that is not
       a Unicode letter, mark or digit; a text of fewer than 13 words is one shingle (its whole
       word sequence). Bytes are read through the ledger; samples whose bytes are erased,
       unreadable, not text (media type or bytes not UTF-8) or without any word are skipped and
       counted.

With --json (the global option): {trainRef, evalRef, train, eval, method, counts,
pairs:[{train, eval, match, similarity, scheme}], skipped:[{side, cfId, reason}]}.

A version checked against itself is a usage error (exit 2); an unknown dataset or version exits 4.`;

function thresholdOf(value: string | undefined): number {
  if (value === undefined) return 0.8;
  const t = Number(value);
  if (value.trim() === '' || !Number.isFinite(t) || !(t > 0 && t <= 1))
    usage('--threshold', `expected a number in (0, 1], got ${JSON.stringify(value)}`);
  return t;
}

const side = (s: SideSummary, ref: ResolvedVersion) => {
  const k = s.skipped;
  return `${ref.dataset}@${ref.ordinal} (${short(ref.versionId)}): ${s.members} members, ${s.samples} samples (${s.hmacSamples} HMAC-committed), ${s.textsCompared} texts compared; skipped: ${k.erased} erased, ${k.unreadable} unreadable, ${k['not-text']} not text, ${k['no-words']} without words`;
};

export function contaminationText(x: ContaminationJson): string {
  const m = x.method;
  const lines = [
    `contamination of ${x.trainRef.dataset}@${x.trainRef.ordinal} by ${x.evalRef.dataset}@${x.evalRef.ordinal}: ${x.counts.exactPairs} exact, ${x.counts.nearPairs} near pair(s); ${x.counts.contaminatedTrainMembers} training member(s) affected`,
    `  train  ${side(x.train, x.trainRef)}`,
    `  eval   ${side(x.eval, x.evalRef)}`,
    `  near: estimated Jaccard >= ${m.threshold} over ${m.shingleWords}-word shingles, ${m.numHashes} hashes in ${m.bands} bands of ${m.rows}; ${m.pairsCompared} of ${m.pairsPossible} text pairs compared`,
  ];
  if (x.pairs.length > 0)
    lines.push(
      table(
        ['match', 'similarity', 'train member', 'eval member'],
        x.pairs.map((p) => [p.match + (p.scheme === 'hmac-sha256' ? ' (hmac)' : ''), p.similarity.toFixed(3), p.train, p.eval]),
      ),
    );
  return lines.join('\n');
}

export function registerContamination(program: Command): void {
  program
    .command('contamination <ref>')
    .description(
      'members of the training version NAME@V whose content is in the evaluation version EVAL@W, exactly (same commitment) or nearly (MinHash/LSH over word 13-grams)',
    )
    .requiredOption('--against <eval-ref>', 'the evaluation version EVAL@W')
    .option('--threshold <similarity>', 'minimum estimated Jaccard similarity of a near pair, in (0, 1]', '0.8')
    .addHelpText('after', HELP)
    .action(async (ref: string, opts: { against: string; threshold?: string }, command: Command) => {
      const threshold = thresholdOf(opts.threshold);
      await withRunFacts(globalsOf(command), async (session) => {
        const { trainRef, evalRef, report } = orFail(await session.facts.contamination(ref, opts.against, threshold), messageOf);
        await show(session.json, { trainRef, evalRef, ...report }, contaminationText);
      });
    });
}
