// DatasetBuildRequested with and without the nonce that makes a repeated request a new event.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodePayload } from '../decode/decode.js';

const request = { dataset: 'wdbc', manifestId: 'd'.repeat(64) };

describe('DatasetBuildRequested payload', () => {
  it('given a request written before the nonce existed, when decoded, then it is still valid', () => {
    expect(decodePayload('DatasetBuildRequested', request)).toEqual(E.right(request));
  });

  it('given a request with a 32-hex nonce, when decoded, then it comes back unchanged', () => {
    const withNonce = { ...request, nonce: '0123456789abcdef0123456789abcdef' };
    expect(decodePayload('DatasetBuildRequested', withNonce)).toEqual(E.right(withNonce));
  });

  it.each([['ABCDEF0123456789'], ['0123'], ['x'.repeat(16)], ['0'.repeat(65)]])(
    'given the nonce %s, when decoded, then the failure names the nonce field',
    (nonce) => {
      const r = decodePayload('DatasetBuildRequested', { ...request, nonce });
      expect(E.isLeft(r) && r.left.problems.map((p) => p.message)).toEqual([
        `DatasetBuildRequested.payload.nonce: expected a build nonce (16 to 64 lowercase hex), got ${JSON.stringify(nonce)}`,
      ]);
    },
  );
});
