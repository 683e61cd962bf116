// Every read that names a version, asked through Cairn.latestAt(head): given one version, when
// the same read is asked twice at one head, then the dataset's builds are read once, and the
// answer is the one the Cairn itself gives. (version-memo.int.spec.ts: the memory moves with the head.)
import { beforeAll, describe, expect, it } from '@jest/globals';
import type * as E from 'fp-ts/lib/Either.js';
import { StatementLog } from '@cairn/testing';
import { notesCairn, right } from './__tests__/notes-cairn.js';
import type { Cairn, LatestReads } from './index.js';

describe('Cairn.latestAt: the reads that name a version resolve it once per head', () => {
  const openNotes = notesCairn('latest-reads');
  let cairn: Cairn;
  let sample: string;
  const statements = new StatementLog();
  const buildsReads = () => statements.count(/from "datasets_builds" where "dataset"/);

  beforeAll(async () => {
    const notes = await openNotes({ samples: ['first'] });
    cairn = notes.cairn;
    sample = notes.samples[0]!;
    right(await cairn.catchUp());
    statements.tap(cairn.store.db);
  }, 120_000);

  const cases: readonly [string, (reads: LatestReads | Cairn) => Promise<E.Either<unknown, unknown>>][] = [
    ['a diff', (reads) => reads.diff('notes@1', 'notes@latest')],
    ['a version show', (reads) => reads.datasetShow('notes@latest', { limit: 10 })],
    ['an inclusion proof', (reads) => reads.inclusionProof(sample, 'notes@latest')],
    ['a licence report', (reads) => reads.licenses('notes@latest')],
  ];

  for (const [name, ask] of cases)
    it(`given one version, when ${name} is asked twice at one head, then the version is looked up once, and the answer is the Cairn's own`, async () => {
      // A catch-up forgets what an earlier case resolved at this head.
      right(await cairn.catchUp());
      const head = right(await cairn.ledger.log.head());
      statements.clear();
      const reads = cairn.latestAt(head);
      const [a, b] = [right(await ask(reads)), right(await ask(cairn.latestAt(head)))];
      const lookups = buildsReads();
      expect(b).toEqual(a);
      expect(right(await ask(cairn))).toEqual(a);
      expect(lookups).toBe(name === 'a diff' ? 2 : 1);
    });
});
