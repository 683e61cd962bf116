// Build requests that carry a nonce, what a build came to (buildOutcome), and a version's members
// a page at a time (versionMembers), on the datasets projection in PGlite.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { Ledger, manifestOf } from '../testing/ledger.js';
import { buildOutcome } from './build-outcome.js';
import { versionMembers } from './members.js';
import { datasetBuilds } from './versions.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};
const manifest = manifestOf({ minAgreement: 0.5 });
const NONCE = (n: number) => n.toString(16).padStart(32, '0');

describe('build requests with a nonce', () => {
  let store: ProjectionStore;
  let ledger: Ledger;
  beforeEach(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    ledger = new Ledger(store);
    for (const s of ['s1', 's2', 's3']) await ledger.sample(s, 'alice');
    await ledger.validate('v1', 'carol', ['s1', 's2'], 'approve');
    await ledger.dataset('corpus', manifest);
    await ledger.build('b1', 'corpus', manifest, 'curator', NONCE(1));
    await ledger.project();
  }, 60_000);
  afterEach(async () => store.close());

  it('given nothing new, when the same signer asks again with another nonce, then the cut is the same version and the outcome says unchanged', async () => {
    await ledger.build('b2', 'corpus', manifest, 'curator', NONCE(2));
    await ledger.project();
    expect(ledger.id('b2')).not.toBe(ledger.id('b1'));
    const first = await buildOutcome(store.db, 'corpus', ledger.id('b1'));
    const again = await buildOutcome(store.db, 'corpus', ledger.id('b2'));
    expect(first).toMatchObject({ unchanged: false, previous: null });
    expect(again).toMatchObject({ unchanged: true, previous: { causeEventId: ledger.id('b1') } });
    expect(again!.build.versionId).toBe(first!.build.versionId);
  }, 60_000);

  it('given the same log prefix, when a request without a nonce (the old form) is cut, then it is the version a request with one cuts', async () => {
    await ledger.build('old', 'corpus', manifest, 'curator');
    await ledger.project();
    const old = await buildOutcome(store.db, 'corpus', ledger.id('old'));
    const b1 = await buildOutcome(store.db, 'corpus', ledger.id('b1'));
    expect(old!.build.versionId).toBe(b1!.build.versionId);
  }, 60_000);

  it('given a new approval, when the same signer asks again, then a new version is cut with it', async () => {
    await ledger.validate('v2', 'carol', ['s3'], 'approve');
    await ledger.build('b2', 'corpus', manifest, 'curator', NONCE(2));
    await ledger.project();
    const b2 = await buildOutcome(store.db, 'corpus', ledger.id('b2'));
    expect(b2).toMatchObject({ unchanged: false });
    expect(right(await versionMembers(store.db, b2!.build.versionId, { limit: 10 })).total).toBe(3);
  }, 60_000);

  it('when the very same request (same nonce) is appended again, then the log holds it once and one cut is made', async () => {
    const before = await datasetBuilds(store.db, 'corpus');
    await ledger.build('b1-again', 'corpus', manifest, 'curator', NONCE(1));
    await ledger.project();
    expect(ledger.id('b1-again')).toBe(ledger.id('b1'));
    expect(await datasetBuilds(store.db, 'corpus')).toEqual(before);
  }, 60_000);

  it('given a version of two members, when its members are read a page at a time, then pages follow CF id order with total, offset and next', async () => {
    const versionId = (await buildOutcome(store.db, 'corpus', ledger.id('b1')))!.build.versionId;
    const sorted = [ledger.id('s1'), ledger.id('s2')].sort();
    const page1 = right(await versionMembers(store.db, versionId, { limit: 1 }));
    expect(page1).toMatchObject({ total: 2, offset: 0, next: sorted[0] });
    expect(page1.members).toEqual([
      expect.objectContaining({ cfId: sorted[0], kind: 'sample', license: 'MIT', reason: expect.stringContaining('approvals') }),
    ]);
    const page2 = right(await versionMembers(store.db, versionId, { limit: 1, after: page1.next! }));
    expect(page2).toMatchObject({ offset: 1, next: null });
    expect(page2.members.map((m) => m.cfId)).toEqual([sorted[1]]);
    expect(right(await versionMembers(store.db, versionId, { limit: 5, offset: 1 })).members.map((m) => m.cfId)).toEqual([sorted[1]]);
    const missing = await versionMembers(store.db, 'f'.repeat(64), { limit: 5 });
    expect(isLeft(missing) && missing.left._tag).toBe('VersionNotFound');
  }, 60_000);
});
