import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { BatchAccepted } from './batch.js';

const receipt = (id: string) => ({ id, type: 'SampleContributed', stream: `cf-${id}`, position: '7', alreadyAppended: false });

describe("a server's batch receipts", () => {
  it('given receipts whose ids are event ids, when decoded, then each id comes back as it was sent', () => {
    const id = 'c0'.repeat(32);
    const decoded = BatchAccepted.decode({ receipts: [receipt(id)], head: '7' });
    expect(E.isRight(decoded) && decoded.right.receipts[0]!.id).toBe(id);
  });

  it('given a receipt whose id is not 64 lowercase hex, when decoded, then the answer is refused rather than typed as an EventId', () => {
    for (const id of ['C0'.repeat(32), 'c0'.repeat(31), 'not an id']) {
      expect(E.isLeft(BatchAccepted.decode({ receipts: [receipt(id)], head: '7' }))).toBe(true);
    }
  });
});
