// An erasure finds the samples amending the erased one through the ledger state's amendment
// index, caught up with the log's tail, not by reading the whole log again: each logged event is
// read once by the ledger, however many erasures follow.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog, type LogPosition } from '@cairn/eventlog';
import { ledgerOn, left, register, right, text } from './__tests__/given.js';

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
  it('given two erasures with unrelated samples and amendments between them, when each is appended, then each reaches its own amendments and the second reads only the events appended since the first', async () => {
    const { log, inner, reads } = countingLog();
    const ledger = ledgerOn(log);
    const alice = await register(ledger, 'alice');
    const sample = async (body: string) => right(await ledger.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice)).id;
    const s = await sample('subject one, first words');
    const s1 = right(await ledger.amend(s, { source: 's-v2' }, alice)).id;
    const s2 = right(await ledger.amend(s1, { bytes: text('subject one, corrected') }, alice)).id;
    const others: string[] = [];
    for (let i = 0; i < 30; i++) others.push(await sample(`unrelated ${i}`));

    right(await ledger.erase(s, alice, 'subject access request'));
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

    // the second erasure (and everything between) read the log only after where the first left it
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((r) => r.after !== null)).toBe(true);
    expect(since.reduce((n, r) => n + r.returned, 0)).toBe(appendedSince);
    expect(appendedSince).toBeLessThan(sizeBefore);
  });
});
