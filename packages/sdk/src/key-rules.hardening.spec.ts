// Issue #13, item 9: a key belongs to one identity and must be a point under which signatures
// cannot be forged; a name belongs to one contributor. The SDK refuses each before append.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { contributorIdOf, generateSigningKey, publicKeyOf, toHex } from '@cairn/core';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { expectViolation, ledgerOn, logSize, register, right } from './__tests__/given.js';
import { signerFromInitialKey } from './signing.js';

// The identity point, a point of order 2 (y = p - 1), a point of order 4 (y = 0), and the
// identity written non-canonically (y = p + 1).
const IDENTITY = `01${'00'.repeat(31)}`;
const ORDER_TWO = `ec${'ff'.repeat(30)}7f`;
const ORDER_FOUR = '00'.repeat(32);
const NON_CANONICAL_IDENTITY = `ee${'ff'.repeat(30)}7f`;

describe('hardening: keys and names', () => {
  for (const [what, key] of [
    ['the identity point', IDENTITY],
    ['a point of order 2', ORDER_TWO],
    ['a point of order 4', ORDER_FOUR],
    ['a non-canonical encoding', NON_CANONICAL_IDENTITY],
  ] as const) {
    it(`given a contributor, when it rotates to ${what}, then key-well-formed refuses and nothing is appended`, async () => {
      const ledger = ledgerOn();
      const alice = await register(ledger, 'alice');
      const envelope = right(ledger.sign('ContributorKeyRotated', { newPublicKey: key }, alice));
      expectViolation(await ledger.ingest([{ envelope }]), 'key-well-formed', 'ContributorKeyRotated.payload.newPublicKey');
      expect(await logSize(ledger)).toBe(1);
    });
  }

  it('given a registration of a small-order key, when ingested, then key-well-formed refuses it', async () => {
    const ledger = ledgerOn();
    await register(ledger, 'alice');
    const mallory = generateSigningKey();
    // Self-signed in form (the signer is derived from the key it registers); the key is the flaw.
    const id = contributorIdOf(Uint8Array.from(Buffer.from(IDENTITY, 'hex')));
    const signer = { contributorId: E.getOrElse(() => '')(id), secretKey: mallory };
    const envelope = right(ledger.sign('ContributorRegistered', { publicKey: IDENTITY, name: 'mallory' }, signer));
    expectViolation(await ledger.ingest([{ envelope }]), 'key-well-formed', 'ContributorRegistered.payload.publicKey');
    expect(await logSize(ledger)).toBe(1);
  });

  it("given alice and carol, when alice rotates to carol's current key, then key-fresh refuses and names carol", async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const carolKey = generateSigningKey();
    const carol = right(await ledger.contributors.register(carolKey, { name: 'carol' }));
    const result = await ledger.contributors.rotateKey(alice, carolKey);
    expectViolation(result, 'key-fresh', 'ContributorKeyRotated.payload.newPublicKey');
    expect(result).toMatchObject({ left: { reason: expect.stringContaining(carol.contributorId) } });
    expect(await logSize(ledger)).toBe(2);
  });

  it('given carol rotated away from her first key, when alice rotates to that past key, then key-fresh refuses', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const carolFirst = generateSigningKey();
    const carol = right(await ledger.contributors.register(carolFirst, { name: 'carol' }));
    right(await ledger.contributors.rotateKey(carol, generateSigningKey()));
    expectViolation(await ledger.contributors.rotateKey(alice, carolFirst), 'key-fresh', 'ContributorKeyRotated.payload.newPublicKey');
  });

  it('given alice rotated to a key, when that key is registered as a new contributor, then key-fresh refuses', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const rotatedTo = generateSigningKey();
    right(await ledger.contributors.rotateKey(alice, rotatedTo));
    expectViolation(
      await ledger.contributors.register(rotatedTo, { name: 'alias' }),
      'key-fresh',
      'ContributorRegistered.payload.publicKey',
    );
    expect(await logSize(ledger)).toBe(2);
  });

  it('given a contributor named alice, when another key registers as alice, then name-unique refuses', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const result = await ledger.contributors.register(generateSigningKey(), { name: 'alice' });
    expectViolation(result, 'name-unique', 'ContributorRegistered.payload.name');
    expect(result).toMatchObject({ left: { reason: expect.stringContaining(alice.contributorId) } });
    expect(await logSize(ledger)).toBe(1);
  });

  it('given one batch registering the same name twice, when ingested, then name-unique refuses the second and nothing is appended', async () => {
    const ledger = ledgerOn();
    const [a, b] = [generateSigningKey(), generateSigningKey()];
    const envelopeOf = (key: Uint8Array) =>
      right(ledger.sign('ContributorRegistered', { publicKey: toHex(publicKeyOf(key)), name: 'twin' }, signerFromInitialKey(key)));
    const result = await ledger.ingest([{ envelope: envelopeOf(a) }, { envelope: envelopeOf(b) }]);
    expectViolation(result, 'name-unique', 'ContributorRegistered.payload.name');
    expect(result).toMatchObject({ left: { index: 1 } });
    expect(await logSize(ledger)).toBe(0);
  });

  it('given a log written before this SDK opened it, when a name in it is registered again, then name-unique still refuses', async () => {
    const log = createInMemoryEventLog();
    const first = ledgerOn(log);
    await register(first, 'alice');
    // A second ledger on the same log: its directory comes from the log, not from the first's memory.
    const second = ledgerOn(log);
    expectViolation(
      await second.contributors.register(generateSigningKey(), { name: 'alice' }),
      'name-unique',
      'ContributorRegistered.payload.name',
    );
  });
});
