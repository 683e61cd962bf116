// `cairn verify`, the samples half: every live sample's stored bytes must open to its logged
// commitment, and no erased sample may keep a key in any copy (the SDK's verifySampleStore reads
// the log once and each key file and blob segment once).
import * as E from 'fp-ts/lib/Either.js';
import type { Ledger, LoggedSamples, SampleProblem, SampleStoreVerification } from '@cairn/sdk';
import type { Progress } from '../progress.js';

export interface BadSample {
  readonly sampleId: string;
  /** readable: the log or a store could not be read; the others as SampleProblem's check. */
  readonly check: SampleProblem['check'] | 'readable';
  readonly reason: string;
}

export interface SampleVerification extends Omit<SampleStoreVerification, 'problems'> {
  readonly problems: readonly BadSample[];
  /** The first problem, as the log and projection checks name theirs. */
  readonly firstBad: BadSample | null;
}

/** `logged`: the samples the log check folded in its pass (the log is then not read again). */
export async function verifySamples(ledger: Ledger, progress: Progress, logged?: LoggedSamples): Promise<SampleVerification> {
  // One bar per phase (log, keys, ciphertext): a bar is stopped before the next one starts.
  let running = false;
  const checked = await ledger.samples.verify(
    {
      start: (total, label) => {
        if (running) progress.stop();
        progress.start(total, label);
        running = true;
      },
      update: (done) => progress.update(done),
    },
    logged,
  );
  if (running) progress.stop();
  if (E.isLeft(checked)) {
    const error = checked.left;
    const where = error._tag === 'StorageError' ? `the ${error.store} store (${error.operation})` : 'the log';
    const bad: BadSample = {
      sampleId: error._tag === 'StorageError' ? error.address : '',
      check: 'readable',
      reason: `${where} cannot be read: ${'reason' in error ? error.reason : error._tag}`,
    };
    return {
      samples: 0,
      erased: 0,
      keyCopies: 0,
      blobCopies: 0,
      unlogged: 0,
      unpaired: 0,
      problemCount: 1,
      problems: [bad],
      firstBad: bad,
    };
  }
  return { ...checked.right, firstBad: checked.right.problems[0] ?? null };
}

export function samplesText(v: SampleVerification): string[] {
  const lines = [
    `samples: ${v.samples} live checked (bytes open to their commitments), ${v.erased} erased checked (no key left); ${v.keyCopies} key and ${v.blobCopies} ciphertext copies read`,
  ];
  if (v.unlogged > 0) lines.push(`  ${v.unlogged} copies of samples the log does not name (a sealing whose append never happened)`);
  if (v.unpaired > 0) lines.push(`  ${v.unpaired} ciphertext copies no key opens, beside a copy that opens (an interrupted sealing)`);
  for (const p of v.problems) lines.push(`FAILED: sample ${p.sampleId || '(none)'}: ${p.check}: ${p.reason}`);
  if (v.problemCount > v.problems.length) lines.push(`  … and ${v.problemCount - v.problems.length} more sample problems`);
  return lines;
}
