import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { ContributorState, KeyWindow } from '../state/contributor-state.js';
import { currentKeyRefusal, signingKeyCheck } from './signing-key-check.js';

const CHECK = "the signing key was the signer's registered key at that log position (store)";
const OLD = 'a'.repeat(64);
const NEW = 'b'.repeat(64);

/** Alice registered OLD at position 10, rotated to NEW at 20, and NEW was revoked at 30. */
const alice: ContributorState = {
  contributorId: 'alice',
  name: 'alice',
  keys: [
    { publicKey: OLD, validFrom: 10n, validUntil: 20n, endedBy: 'rotation' },
    { publicKey: NEW, validFrom: 20n, validUntil: 30n, endedBy: 'revocation' },
  ] satisfies KeyWindow[],
  roles: new Set(),
  maintains: new Set(),
  revision: 2n,
};
const contributors = { get: async (id: string) => E.right(id === 'alice' ? alice : undefined) };

describe("signingKeyCheck: was the key the signer's at the position the statement is about?", () => {
  it("given a position inside the key's window, then it passes", async () => {
    await expect(signingKeyCheck(contributors, 'alice', OLD, '10')).resolves.toEqual({ check: CHECK, ok: true });
    await expect(signingKeyCheck(contributors, 'alice', NEW, '29')).resolves.toEqual({ check: CHECK, ok: true });
  });

  it('given a position before the key became valid, then it fails naming when it did', async () => {
    await expect(signingKeyCheck(contributors, 'alice', NEW, '19')).resolves.toEqual({
      check: CHECK,
      ok: false,
      detail: `key ${NEW} became valid at position 20, after position 19`,
    });
  });

  it('given a position at or after a rotation or a revocation, then it fails naming which', async () => {
    await expect(signingKeyCheck(contributors, 'alice', OLD, '20')).resolves.toEqual({
      check: CHECK,
      ok: false,
      detail: `key ${OLD} was rotated out at position 20, not after position 20`,
    });
    await expect(signingKeyCheck(contributors, 'alice', NEW, '31')).resolves.toEqual({
      check: CHECK,
      ok: false,
      detail: `key ${NEW} was revoked at position 30, not after position 31`,
    });
  });

  it('given a key never registered to the signer, or an unknown signer, then it fails saying so', async () => {
    await expect(signingKeyCheck(contributors, 'alice', 'c'.repeat(64), '15')).resolves.toMatchObject({
      ok: false,
      detail: `key ${'c'.repeat(64)} was never registered to alice`,
    });
    await expect(signingKeyCheck(contributors, 'bob', OLD, '15')).resolves.toMatchObject({
      ok: false,
      detail: 'signer bob is not registered in this store',
    });
    await expect(
      signingKeyCheck({ get: async () => E.left({ _tag: 'Unavailable', reason: 'down' } as never) }, 'alice', OLD, '15'),
    ).resolves.toMatchObject({ ok: false, detail: 'signer alice is not registered in this store' });
  });

  it('given a predicate without signer, key or a decimal position, then it fails without reading the store', async () => {
    let reads = 0;
    const counting = { get: async (id: string) => (reads++, E.right(id === 'alice' ? alice : undefined)) };
    for (const [who, key, at] of [
      [undefined, OLD, '15'],
      ['alice', 42, '15'],
      ['alice', OLD, '-1'],
      ['alice', OLD, 15],
    ] as const)
      await expect(signingKeyCheck(counting, who, key, at)).resolves.toEqual({
        check: CHECK,
        ok: false,
        detail: 'the predicate names no signer, key or position',
      });
    expect(reads).toBe(0);
  });
});

describe("currentKeyRefusal: a statement is signed now only with the signer's current key", () => {
  const carol: ContributorState = { ...alice, contributorId: 'carol', keys: [{ publicKey: OLD, validFrom: 10n }] };
  const withCarol = { get: async (id: string) => E.right(id === 'alice' ? alice : id === 'carol' ? carol : undefined) };

  it("given the signer's current key, then nothing refuses it", async () => {
    await expect(currentKeyRefusal(withCarol, 'carol', OLD)).resolves.toEqual(E.right(undefined));
  });

  it('given a key rotated away from, a signer whose every key is revoked, or an unknown signer, then it says which', async () => {
    const rotated: ContributorState = {
      ...carol,
      keys: [
        { publicKey: OLD, validFrom: 10n, validUntil: 20n, endedBy: 'rotation' },
        { publicKey: NEW, validFrom: 20n },
      ],
    };
    await expect(currentKeyRefusal({ get: async () => E.right(rotated) }, 'carol', OLD)).resolves.toEqual(
      E.right('has rotated to another key'),
    );
    await expect(currentKeyRefusal(withCarol, 'alice', NEW)).resolves.toEqual(E.right('has no valid key (revoked)'));
    await expect(currentKeyRefusal(withCarol, 'dave', OLD)).resolves.toEqual(E.right('is not registered in the ledger'));
  });

  it('given a ledger that cannot be read, then the read error is answered, not a refusal', async () => {
    const down = { _tag: 'Unavailable', reason: 'down' } as never;
    await expect(currentKeyRefusal({ get: async () => E.left(down) }, 'carol', OLD)).resolves.toEqual(E.left(down));
  });
});
