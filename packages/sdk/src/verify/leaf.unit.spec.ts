// The leaf verify hashes for each event is the log's leaf (core's eventLeafHash), whatever the
// envelope: signed, sealed, or not well-formed.
import { describe, expect, it } from '@jest/globals';
import { eventLeafHash, fromHex, toHex } from '@cairn/core';
import { createLeafHasher } from './leaf.js';

const id = 'ab'.repeat(32);
const sealId = 'cd'.repeat(32);
const otherSeal = 'ef'.repeat(32);
const signature = '12'.repeat(64);

const leafOf = (hasher: ReturnType<typeof createLeafHasher>, data: unknown) => {
  const bytes = fromHex(id, 32);
  if (bytes._tag === 'Left') throw new Error('bad id');
  const leaf = hasher.leafOf(bytes.right, data);
  return leaf === null ? null : toHex(leaf);
};
const expected = (data: unknown) => {
  const leaf = eventLeafHash({ id, data });
  return leaf === null ? null : toHex(leaf);
};

describe('the leaf of an event whose id verify recomputed', () => {
  it.each([
    ['a signed event', { type: 'T', payload: {}, signer: id, signature }],
    ['a sealed CF', { type: 'T', payload: {}, signer: id, seal: { id: sealId, index: 7 } }],
    ['a sealed CF under another seal', { type: 'T', payload: {}, signer: id, seal: { id: otherSeal, index: 0 } }],
    ['a sealed CF back under the first seal', { type: 'T', payload: {}, signer: id, seal: { id: sealId, index: 2 ** 40 } }],
    ['a signature in uppercase hex', { signature: signature.toUpperCase() }],
    ['a short signature', { signature: '12' }],
    ['both a signature and a seal', { signature, seal: { id: sealId, index: 0 } }],
    ['a seal id that is not hex', { seal: { id: 'zz'.repeat(32), index: 0 } }],
    ['a negative index', { seal: { id: sealId, index: -1 } }],
    ['a fractional index', { seal: { id: sealId, index: 1.5 } }],
    ['neither', { payload: {} }],
    ['no envelope at all', null],
  ])('given %s, when its leaf is hashed in turn with the others, then it is the log leaf eventLeafHash makes', (_, data) => {
    const hasher = createLeafHasher();
    // Seal bytes are remembered between events: the earlier cases run through the same hasher first.
    leafOf(hasher, { seal: { id: sealId, index: 1 } });
    expect(leafOf(hasher, data)).toEqual(expected(data));
  });
});
