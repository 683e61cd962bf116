// An erasure finds the samples amending the erased one through the ledger state's amendment
// index, not by reading the whole log again: what this ledger appends is folded in as it is
// appended, and only what others appended since is read.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog, type LogPosition } from '@cairn/eventlog';
import { ledgerOn, left, register, right, text } from './__tests__/given.js';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import { erasureReachAt, foldAmendment, type LoggedAmendments } from './api/erasure-reach.js';

interface Read {
  readonly after: LogPosition | null;
  readonly returned: number;
}

/** The in-memory log, with every readAll counted. */
function countingLog(): { log: EventLog; inner: EventLog; reads: Read[] } {
  const inner = createInMemoryEventLog();
  const reads: Read[] = [];
  const log: EventLog = {
    ...inner,
    readAll: async (options) => {
      const r = await inner.readAll(options);
      reads.push({ after: options?.after ?? null, returned: E.isRight(r) ? r.right.length : 0 });
      return r;
    },
  };
  return { log, inner, reads };
}

async function sizeOf(log: EventLog): Promise<number> {
  const all = await log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  return all.right.length;
}

describe('erasure reach through the ledger state', () => {
  it('given two erasures with unrelated samples and amendments between them, all appended here, when each is appended, then each reaches its own amendments and neither reads the log back', async () => {
    const { log, inner, reads } = countingLog();
    const ledger = ledgerOn(log);
    const alice = await register(ledger, 'alice');
    const sample = async (body: string) =>
      right(await ledger.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice)).id;
    const s = await sample('subject one, first words');
    const s1 = right(await ledger.amend(s, { source: 's-v2' }, alice)).id;
    const s2 = right(await ledger.amend(s1, { bytes: text('subject one, corrected') }, alice)).id;
    const others: string[] = [];
    for (let i = 0; i < 30; i++) others.push(await sample(`unrelated ${i}`));

    const readsBeforeFirst = reads.length;
    right(await ledger.erase(s, alice, 'subject access request'));
    // this ledger followed the log from its first append (it was empty then): nothing to read back
    expect(reads.slice(readsBeforeFirst).reduce((n, r) => n + r.returned, 0)).toBe(0);
    const readsBefore = reads.length;
    const sizeBefore = await sizeOf(inner);

    for (let i = 30; i < 40; i++) others.push(await sample(`unrelated ${i}`));
    const t = await sample('subject two');
    const t1 = right(await ledger.amend(t, { source: 's-v3' }, alice)).id;
    right(await ledger.erase(t, alice, 'subject access request'));
    const appendedSince = (await sizeOf(inner)) - sizeBefore;
    const since = reads.slice(readsBefore);

    for (const id of [s, s1, s2, t, t1]) expect(left(await ledger.samples.read(id))._tag).toBe('ErasedSample');
    for (const id of others) expect(E.isRight(await ledger.samples.read(id))).toBe(true);
    expect(right(await ledger.samples.verify())).toMatchObject({ erased: 5, problemCount: 0 });

    // the second erasure (and everything appended between) read no event from the log: only a look past its end
    expect(appendedSince).toBe(10 + 2 + 1);
    expect(since.every((r) => r.after !== null)).toBe(true);
    expect(since.reduce((n, r) => n + r.returned, 0)).toBe(0);
  });

  it('given an amendment appended by another writer after this ledger last read the log, when the original is erased here, then the amendment is reached, and only what was appended after its own last append is read', async () => {
    // two processes on one store: the same log and the same key and blob stores; only this ledger's reads are counted
    const { log, inner, reads } = countingLog();
    const stores = { blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() };
    const here = ledgerOn(log, stores);
    const there = ledgerOn(inner, stores);
    const bob = await register(there, 'bob');
    const alice = await register(here, 'alice');
    const sample = async (body: string) =>
      right(await here.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice)).id;
    const s = await sample('subject, first words');
    right(await here.amend(await sample('unrelated'), { source: 's-v2' }, alice));
    const readsBefore = reads.length;
    const s1 = right(await there.amend(s, { source: 's-v2' }, alice)).id;
    right(await here.erase(s, alice, 'subject access request'));
    const since = reads.slice(readsBefore);
    expect(left(await here.samples.read(s))._tag).toBe('ErasedSample');
    // read: the other writer's amendment, and the erasure (appended here, but after it); nothing before
    expect(since.every((r) => r.after !== null)).toBe(true);
    expect(since.reduce((n, r) => n + r.returned, 0)).toBe(2);
    // the erasure reached the amendment, sealed with the same bytes under its own key
    expect(left(await here.samples.read(s1))._tag).toBe('ErasedSample');
    expect(right(await here.samples.verify())).toMatchObject({ erased: 2, problemCount: 0 });
    expect(bob.contributorId).not.toBe(alice.contributorId);
  });

  it('given amendments logged before and after an erasure (a chain, and one by a writer that came late), when its reach is walked, then only those logged before it are reached, as verify replays it', () => {
    const index: LoggedAmendments = new Map();
    const amend = (id: string, amends: string, position: bigint) =>
      foldAmendment(index, { id, position, data: { type: 'SampleContributed', payload: { amends } } });
    amend('s1', 's', 2n);
    amend('s2', 's1', 3n);
    amend('late', 's', 9n);
    amend('late2', 's2', 10n);
    foldAmendment(index, { id: 'label', position: 4n, data: { type: 'LabelContributed', payload: { amends: 's' } } });
    expect([...erasureReachAt(index, 's', 5n)].sort()).toEqual(['s', 's1', 's2']);
    expect([...erasureReachAt(index, 's', 11n)].sort()).toEqual(['late', 'late2', 's', 's1', 's2']);
    expect([...erasureReachAt(index, 'unrelated', 11n)]).toEqual(['unrelated']);
  });
});
