// Questions asked together are read together: given a read that answers a batch, when callers ask
// at once or while a read is in flight, then they share reads; when one question breaks its
// batch's read, then it fails alone.
import { describe, expect, it } from '@jest/globals';
import { coalescing } from './coalesce.js';

/** A read that doubles numbers and records each batch it is given; a batch holding `poison` throws. */
function recordingRead(poison?: number) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let held = false;
  const read = async (questions: readonly number[]) => {
    batches.push([...questions]);
    if (held) await new Promise<void>((resolve) => (release = resolve));
    if (poison !== undefined && questions.includes(poison)) throw new Error(`cannot read ${poison}`);
    return questions.map((q) => q * 2);
  };
  return { read, batches, hold: () => (held = true), release: () => ((held = false), release?.()) };
}

describe('coalescing', () => {
  it('given ten questions asked in one turn, when the batch limit is four, then three reads answer them, each its own answer', async () => {
    const r = recordingRead();
    const ask = coalescing(r.read, { maxBatch: 4 });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(i)));
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(r.batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('given questions asked each in its own callback of one event-loop turn (as request handlers run), when the read answers at once, then one read answers them all', async () => {
    const r = recordingRead();
    const ask = coalescing(r.read, { maxBatch: 100 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => new Promise<number>((resolve, reject) => setImmediate(() => ask(i).then(resolve, reject)))),
    );
    expect(answers).toEqual([0, 2, 4, 6, 8]);
    expect(r.batches).toEqual([[0, 1, 2, 3, 4]]);
  });

  it('given a read in flight, when more questions arrive, then they wait and go together in the next read', async () => {
    const r = recordingRead();
    const ask = coalescing(r.read, { maxBatch: 100 });
    r.hold();
    const first = ask(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[1]]);
    const later = [ask(2), ask(3), ask(4)];
    r.release();
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('given a question that breaks the read, when it is batched with others, then only it fails', async () => {
    const r = recordingRead(3);
    const ask = coalescing(r.read, { maxBatch: 100 });
    const settled = await Promise.allSettled([1, 2, 3, 4].map(ask));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'fulfilled', value: 4 },
      { status: 'rejected', reason: new Error('cannot read 3') },
      { status: 'fulfilled', value: 8 },
    ]);
  });

  it('given a batch limit that is not a whole number of at least one, then it is refused by name', () => {
    expect(() => coalescing(recordingRead().read, { maxBatch: 0 })).toThrow('maxBatch must be a whole number ≥ 1, got 0');
  });
});
