// Every read that names a version, asked through Cairn.latestAt(head): given one version, when
// the same read is asked twice at one head, then the dataset's builds are read once, and the
// answer is the one the Cairn itself gives. (version-memo.int.spec.ts: the memory moves with the head.)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import { withManifestDefaults } from '@cairn/schemas';
import { StatementLog } from '@cairn/testing';
import { openCairn, type Cairn, type LatestReads } from './index.js';

const right = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(`expected a value, got ${JSON.stringify(r.left)}`);
  return r.right;
};
const text = (s: string) => new TextEncoder().encode(s);
// through JSON: the defaults are cloned in another realm (jest's vm), which canonical JSON refuses
const MANIFEST = JSON.parse(
  JSON.stringify(withManifestDefaults({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } })),
) as unknown;

describe('Cairn.latestAt: the reads that name a version resolve it once per head', () => {
  let dir: string;
  let cairn: Cairn;
  let sample: string;
  const statements = new StatementLog();
  const buildsReads = () => statements.count(/from "datasets_builds" where "dataset"/);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-latest-reads-'));
    cairn = right(await openCairn({ store: dir, create: true }));
    const { ledger } = cairn;
    const curator = right(await ledger.contributors.register(generateSigningKey(), { name: 'curator' }));
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    sample = right(
      await ledger.contribute.sample({ bytes: text('first'), mediaType: 'text/plain', license: 'MIT', source: 'notes' }, alice),
    ).id;
    const { manifestId } = right(await ledger.manifests.define(MANIFEST, curator));
    right(await ledger.datasets.define('notes', curator, 'notes'));
    right(await ledger.datasets.requestBuild('notes', manifestId, curator));
    right(await cairn.catchUp());
    statements.tap(cairn.store.db);
  }, 120_000);
  afterAll(async () => {
    await cairn?.close();
    await rm(dir, { recursive: true, force: true });
  });

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
