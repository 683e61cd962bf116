import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { HistoryAnswer } from './answers.js';

const CF = 'ab'.repeat(32);
const EVENT = CF;
const node = { id: CF, kind: 'sample', label: 's', eventId: EVENT, position: '3', state: null, stateReason: null, stateEventId: null };
const answer = (cfId: string) => ({
  cfId,
  asOf: '3',
  node,
  family: [node],
  standing: [cfId],
  steps: [{ action: 'contributed', cfId, eventId: EVENT, position: '3' }],
});

describe("a server's history answer", () => {
  it('given CF and event ids of 64 lowercase hex, when decoded, then the history keeps them', () => {
    const decoded = HistoryAnswer.decode(answer(CF));
    expect(E.isRight(decoded) && decoded.right.standing).toEqual([CF]);
  });

  it('given a CF id that is not one (a prefix, upper case), when decoded, then it is refused at the edge, never typed as a CfId', () => {
    for (const cfId of [CF.slice(0, 12), CF.toUpperCase()]) expect(E.isLeft(HistoryAnswer.decode(answer(cfId)))).toBe(true);
  });
});
