// A why is asked at a high rate (the server answers it for every curator and job), and each
// statement is a round trip to the store: given a version, when a why is asked about a member,
// a turned-away CF or an erased one, then the answer is read in one statement.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { StatementLog } from '@cairn/testing';
import { datasetBuilds } from './answers/versions.js';
import { why, whyReader } from './answers/why.js';
import { Ledger, manifestOf } from './testing/ledger.js';
import type { DatasetsDatabase } from './tables.js';
import type { Kysely } from 'kysely';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const statementsOf = async <A>(db: Kysely<DatasetsDatabase>, read: (db: Kysely<DatasetsDatabase>) => Promise<A>) => {
  const log = new StatementLog();
  const answer = await read(log.through(db));
  return { answer, statements: log.count() };
};

// samples and labels are candidates; one approval admits
const manifest = manifestOf({ candidates: { kinds: ['sample', 'label'] }, minApprovals: { count: 1, scope: 'either' } });

describe('why: statements per answer', () => {
  let store: ProjectionStore;
  let ledger: Ledger;
  let v1: string;
  beforeAll(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    ledger = new Ledger(store);
    // c@1 = {s1, s2}; s3 has no approval; e1 erases s2 after the cut (c@2 is cut without it)
    await ledger.sample('s1', 'alice');
    await ledger.sample('s2', 'alice');
    await ledger.sample('s3', 'alice');
    await ledger.validate('v1', 'carol', ['s1'], 'approve');
    await ledger.validate('v2', 'carol', ['s2'], 'approve');
    await ledger.dataset('c', manifest);
    await ledger.build('b1', 'c', manifest);
    await ledger.append('e1', 'SampleErased', 'alice', { sample: ledger.id('s2'), reason: 'subject request' });
    await ledger.project();
    v1 = (await datasetBuilds(store.db, 'c'))[0]!.versionId;
  });
  afterAll(async () => {
    await store.close();
  });

  it('given a member, when asked why, then it is answered in one statement', async () => {
    const { answer, statements } = await statementsOf(store.db, (db) => why(db, ledger.id('s1'), v1));
    expect(right(answer)).toMatchObject({ included: true, erased: null });
    expect(statements).toBe(1);
  });

  it('given a member erased after the cut, when asked why, then the erasure comes in the same statement', async () => {
    const { answer, statements } = await statementsOf(store.db, (db) => why(db, ledger.id('s2'), v1));
    expect(right(answer)).toMatchObject({
      included: true,
      erased: { cfId: ledger.id('s2'), eventId: ledger.id('e1'), position: ledger.position('e1'), reason: 'subject request' },
    });
    expect(statements).toBe(1);
  });

  it('given a CF the build turned away, when asked why, then its decision comes in the same statement', async () => {
    const { answer, statements } = await statementsOf(store.db, (db) => why(db, ledger.id('s3'), v1));
    expect(right(answer)).toMatchObject({ included: false, rule: 'minApprovals', erased: null });
    expect(statements).toBe(1);
  });

  it('given an erased CF turned away by the cut its erasure caused, when asked why, then decision and erasure come in one statement', async () => {
    const v2 = (await datasetBuilds(store.db, 'c'))[1]!.versionId;
    const { answer, statements } = await statementsOf(store.db, (db) => why(db, ledger.id('s2'), v2));
    expect(right(answer)).toMatchObject({ included: false, rule: 'erased', erased: { eventId: ledger.id('e1') } });
    expect(statements).toBe(1);
  });

  it('given questions of every kind asked at once, when read through a whyReader, then one statement answers them all, each as why answers it alone', async () => {
    const v2 = (await datasetBuilds(store.db, 'c'))[1]!.versionId;
    const questions: [string, string][] = [
      [ledger.id('s1'), v1], // a member
      [ledger.id('s2'), v1], // a member erased after the cut
      [ledger.id('s3'), v1], // turned away
      [ledger.id('s2'), v2], // turned away by its erasure
      [ledger.id('v1'), v1], // a validation: not a candidate kind (its second statement is its own)
      ['f'.repeat(64), v1], // not in the log
      [ledger.id('s1'), 'e'.repeat(64)], // no such version
      [ledger.id('s1'), v1], // asked twice
    ];
    const alone = [];
    for (const [cf, v] of questions) alone.push(await why(store.db, cf, v));
    const log = new StatementLog();
    const read = whyReader(log.through(store.db));
    const together = await Promise.all(questions.map(([cf, v]) => read(cf, v)));
    expect(together).toEqual(alone);
    expect(together.map((a) => (isLeft(a) ? a.left._tag : (a.right.rule ?? 'included')))).toEqual([
      'included',
      'included',
      'minApprovals',
      'erased',
      'kind',
      'CfNotFound',
      'VersionNotFound',
      'included',
    ]);
    // one for the batch, one for the manifest's kinds the validation's answer names
    expect(log.count()).toBe(2);
  });

  it('given N whys asked at once, when the batch holds B, then at most ceil(N/B) statements answer them', async () => {
    const log = new StatementLog();
    const read = whyReader(log.through(store.db), { maxBatch: 4 });
    const ids = [ledger.id('s1'), ledger.id('s2'), ledger.id('s3')];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => read(ids[i % 3]!, v1)));
    expect(answers.every((a) => !isLeft(a))).toBe(true);
    expect(log.count()).toBeLessThanOrEqual(Math.ceil(10 / 4));
  });
});
