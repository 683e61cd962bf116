// Whys asked together share statements: given a version, when N whys are asked at once at one
// head (as the server asks them for its callers), then at most ceil(N / WHY_BATCH) statements
// read their facts, and each answer is the one the Cairn gives when asked alone.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import { WHY_BATCH } from '@cairn/datasets';
import { withManifestDefaults } from '@cairn/schemas';
import { StatementLog } from '@cairn/testing';
import { openCairn, type Cairn } from './index.js';

const right = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(`expected a value, got ${JSON.stringify(r.left)}`);
  return r.right;
};
const text = (s: string) => new TextEncoder().encode(s);
// through JSON: the defaults are cloned in another realm (jest's vm), which canonical JSON refuses
const MANIFEST = JSON.parse(
  JSON.stringify(withManifestDefaults({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } })),
) as unknown;
const asJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('Cairn.why: concurrent whys coalesced', () => {
  let dir: string;
  let cairn: Cairn;
  const cfs: string[] = [];
  /** The statements sent to the projections. */
  const statements = new StatementLog();
  // every why reads its CF's excluding decision in the statement that reads its version
  const whyReads = () => statements.count('"datasets_exclusions" as "xx"');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-why-batch-'));
    cairn = right(await openCairn({ store: dir, create: true }));
    const { ledger } = cairn;
    const curator = right(await ledger.contributors.register(generateSigningKey(), { name: 'curator' }));
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    for (const [i, license] of ['MIT', 'MIT', 'GPL-3.0-only'].entries())
      cfs.push(
        right(await ledger.contribute.sample({ bytes: text(`note ${i}`), mediaType: 'text/plain', license, source: 'notes' }, alice)).id,
      );
    const manifestId = right(await ledger.manifests.define(MANIFEST, curator)).manifestId;
    right(await ledger.datasets.define('notes', curator, 'notes'));
    right(await ledger.datasets.requestBuild('notes', manifestId, curator));
    right(await cairn.catchUp());
    statements.tap(cairn.store.db);
  }, 120_000);
  afterAll(async () => {
    await cairn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('given members and a turned-away CF, when N whys are asked at once at one head, then at most ceil(N / WHY_BATCH) statements read them, each answered as alone', async () => {
    const head = right(await cairn.ledger.log.head());
    const alone = new Map<string, string>();
    for (const cf of cfs) alone.set(cf, asJson(await cairn.why(cf, 'notes')));
    const n = 2 * WHY_BATCH + 5;
    statements.clear();
    const reads = cairn.latestAt(head);
    const together = await Promise.all(Array.from({ length: n }, (_, i) => reads.why(cfs[i % cfs.length]!, 'notes')));
    expect(together.map((a, i) => asJson(a) === alone.get(cfs[i % cfs.length]!))).toEqual(Array(n).fill(true));
    expect(together.map((a) => right(a).included).slice(0, 3)).toEqual([true, true, false]);
    expect(whyReads()).toBeLessThanOrEqual(Math.ceil(n / WHY_BATCH));
  });

  it('given one question that names no CF among others, when asked at once, then it alone is refused', async () => {
    const answers = await Promise.all([cairn.why(cfs[0]!, 'notes'), cairn.why('f'.repeat(64), 'notes'), cairn.why(cfs[2]!, 'notes')]);
    expect(answers.map((a) => (E.isLeft(a) ? a.left._tag : a.right.included))).toEqual([true, 'CfNotFound', false]);
  });
});
