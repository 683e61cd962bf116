// Whys asked together share statements: given a version, when N whys are asked at once at one
// head (as the server asks them for its callers), then at most ceil(N / WHY_BATCH) statements
// read their facts, and each answer is the one the Cairn gives when asked alone.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { WHY_BATCH } from '@cairn/datasets';
import { StatementLog } from '@cairn/testing';
import { notesCairn, right } from './__tests__/notes-cairn.js';
import type { Cairn } from './index.js';
const asJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('Cairn.why: concurrent whys coalesced', () => {
  const openNotes = notesCairn('why-batch');
  let cairn: Cairn;
  const cfs: string[] = [];
  /** The statements sent to the projections. */
  const statements = new StatementLog();
  // every why reads its CF's excluding decision in the statement that reads its version
  const whyReads = () => statements.count('"datasets_exclusions" as "xx"');

  beforeAll(async () => {
    const notes = await openNotes({
      samples: ['MIT', 'MIT', 'GPL-3.0-only'].map((license, i) => ({ body: `note ${i}`, license })),
    });
    cairn = notes.cairn;
    cfs.push(...notes.samples);
    right(await cairn.catchUp());
    statements.tap(cairn.store.db);
  }, 120_000);

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
