// sharedReads: several rebuilds reading the same log through views of it. Given views asking for
// the same batches, the log is read once per batch and each event decoded once; views that ask
// for other batches, or come late, still get exactly what the log answers.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog, type ReadAllOptions } from '@cairn/eventlog';
import { appendRequestFor } from '../testing/streams.js';
import { envelopeEvent, testContributorId } from '../testing/envelopes.js';
import { samplePayload } from '../testing/payloads.js';
import { defaultEventDecoder, type EventDecoder } from './decode.js';
import { sharedReads } from './shared-reads.js';

const alice = testContributorId('alice');

/** A log of `n` samples whose reads are counted (and can be made to fail). */
async function countedLog(n: number) {
  const log = createInMemoryEventLog();
  for (let i = 1; i <= n; i++) {
    const appended = await log.append(
      appendRequestFor(envelopeEvent({ type: 'SampleContributed', payload: samplePayload(i), signer: alice })),
    );
    if (E.isLeft(appended)) throw new Error(JSON.stringify(appended.left));
  }
  let reads = 0;
  let failNext = false;
  const counted: EventLog = {
    ...log,
    readAll: async (options?: ReadAllOptions) => {
      reads++;
      if (failNext) {
        failNext = false;
        return E.left({ _tag: 'Unavailable', reason: 'the disk went away' });
      }
      return log.readAll(options);
    },
  };
  return {
    log: counted,
    reads: () => reads,
    failNextRead: () => (failNext = true),
    all: async () => E.getOrElseW(() => [])(await log.readAll()),
  };
}

const positionsOf = (r: Awaited<ReturnType<EventLog['readAll']>>) => (E.isRight(r) ? r.right.map((e) => e.position) : r.left);

describe('sharedReads', () => {
  it('given three views reading the same batches in step, then the log is read once per batch and each answer is the log’s', async () => {
    const given = await countedLog(6);
    const shared = sharedReads(given.log);
    const views = [shared.view(), shared.view(), shared.view()];
    const all = (await given.all()).map((e) => e.position);
    let after: bigint | null = null;
    for (let batch = 0; batch < 3; batch++) {
      const answers = await Promise.all(views.map((v) => v.log.readAll({ after, limit: 2 })));
      for (const a of answers) expect(positionsOf(a)).toEqual(all.slice(batch * 2, batch * 2 + 2));
      after = all[batch * 2 + 1]!;
    }
    expect(given.reads()).toBe(3);
  });

  it('given views that read different batches, then each still gets what the log answers for its own request', async () => {
    const given = await countedLog(5);
    const shared = sharedReads(given.log);
    const [a, b] = [shared.view(), shared.view()];
    const all = (await given.all()).map((e) => e.position);
    expect(positionsOf(await a.log.readAll({ after: null, limit: 2 }))).toEqual(all.slice(0, 2));
    expect(positionsOf(await b.log.readAll({ after: null, limit: 3 }))).toEqual(all.slice(0, 3));
    expect(positionsOf(await b.log.readAll({ after: all[2]!, limit: 3 }))).toEqual(all.slice(3));
    expect(given.reads()).toBe(3);
  });

  it('given a view far ahead of another, when more batches wait than the window holds, then the laggard reads them again from the log, unchanged', async () => {
    const given = await countedLog(6);
    const shared = sharedReads(given.log, { window: 1 });
    const [fast, slow] = [shared.view(), shared.view()];
    const all = (await given.all()).map((e) => e.position);
    for (const after of [null, all[1]!, all[3]!]) await fast.log.readAll({ after, limit: 2 });
    expect(positionsOf(await slow.log.readAll({ after: null, limit: 2 }))).toEqual(all.slice(0, 2));
    expect(given.reads()).toBe(4);
  });

  it('when a read fails, then the failure is not kept: the next view asking reads the log again', async () => {
    const given = await countedLog(2);
    const shared = sharedReads(given.log);
    const [a, b] = [shared.view(), shared.view()];
    given.failNextRead();
    expect(positionsOf(await a.log.readAll({ after: null, limit: 2 }))).toEqual({ _tag: 'Unavailable', reason: 'the disk went away' });
    expect(positionsOf(await b.log.readAll({ after: null, limit: 2 }))).toHaveLength(2);
  });

  it('given every view decoding the same read, then each event is decoded once and every view gets the same decoded event', async () => {
    const given = await countedLog(3);
    let decodes = 0;
    const counting: EventDecoder = (data) => (decodes++, defaultEventDecoder(data));
    const shared = sharedReads(given.log, { decode: counting });
    const views = [shared.view(), shared.view()];
    const reads = await Promise.all(views.map((v) => v.log.readAll({ after: null, limit: 3 })));
    const decoded = reads.map((r, i) => (E.isRight(r) ? r.right.map((e) => views[i]!.decode(e.data)) : []));
    expect(decodes).toBe(3);
    expect(decoded[0]!.every(E.isRight)).toBe(true);
    expect(decoded[1]).toEqual(decoded[0]);
    expect(decoded[1]![0]).toBe(decoded[0]![0]);
  });
});
