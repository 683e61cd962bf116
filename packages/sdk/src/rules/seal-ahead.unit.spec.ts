// The seal rule may be handed the root over the CFs expected to follow a seal, worked out ahead.
// Given any run of CFs after a seal and any root worked out ahead (over those CFs, over others,
// or for another count), then the verdict is the one reached without it: the root worked out
// ahead stands only for exactly the CFs met.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { sealRootOf } from '@cairn/core';
import type { CairnEvent } from '@cairn/schemas';
import { createSealSequence, type SealRootAhead } from './seal.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const SIGNER = hex(0xa11ce);
const SEAL = hex(0x5ea1);
const rootOf = (ids: readonly string[]) => E.getOrElse(() => 'none')(sealRootOf(ids));

const seal = (root: string, count: number) =>
  ({ type: 'BatchSealed', payload: { root, count }, signer: SIGNER, signature: 'ab'.repeat(64) }) as unknown as CairnEvent;
const cf = (index: number) =>
  ({ type: 'LabelContributed', payload: {}, signer: SIGNER, seal: { id: SEAL, index } }) as unknown as CairnEvent;

function verdicts(sealRoot: string, met: readonly string[], ahead?: SealRootAhead): unknown[] {
  const sequence = createSealSequence();
  const out: unknown[] = [sequence.next(seal(sealRoot, 3), SEAL, 0, ahead)];
  met.forEach((id, i) => out.push(sequence.next(cf(i), id, i + 1)));
  out.push(sequence.end());
  return out;
}

describe('a seal root worked out ahead', () => {
  const ids = [hex(1), hex(2), hex(3)];
  const others = [hex(1), hex(9), hex(3)];
  const aheads: readonly [string, SealRootAhead | undefined][] = [
    ['none', undefined],
    ['over the CFs met', { ids, root: rootOf(ids) }],
    ['over other CFs (one swapped)', { ids: others, root: rootOf(others) }],
    ['for another count', { ids: ids.slice(0, 2), root: rootOf(ids.slice(0, 2)) }],
    ['over the CFs met, reordered', { ids: [ids[1]!, ids[0]!, ids[2]!], root: rootOf([ids[1]!, ids[0]!, ids[2]!]) }],
  ];
  it.each(aheads)('given one worked out %s, then every verdict is the one reached without it', (_what, ahead) => {
    for (const sealRoot of [rootOf(ids), rootOf(others)])
      for (const met of [ids, others, ids.slice(0, 2)]) expect(verdicts(sealRoot, met, ahead)).toEqual(verdicts(sealRoot, met));
  });

  it('given the CFs met, then a matching root passes and another is refused as seal-root', () => {
    expect(verdicts(rootOf(ids), ids, { ids, root: rootOf(ids) }).filter(Boolean)).toEqual([]);
    expect(verdicts(rootOf(ids), others, { ids: others, root: rootOf(others) })).toContainEqual(
      expect.objectContaining({ rule: 'seal-root' }),
    );
  });
});
