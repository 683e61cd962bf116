import { afterAll, describe, expect, it } from '@jest/globals';
import * as ed from '@noble/ed25519';
import fc from 'fast-check';
import { generateSigningKey, publicKeyOf, sign, toHex, verifyFast } from '@cairn/core';
import { createVerifyPool, type SignatureCheck } from './verify-pool.js';

const pool = createVerifyPool({ size: 2 });
afterAll(() => pool.close());

const hex = (b: Uint8Array) => toHex(b);
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function fromLe(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** A valid check and a family of malformed or malleated ones built from it. */
function cases(): SignatureCheck[] {
  const secret = generateSigningKey();
  const pk = publicKeyOf(secret);
  const message = new TextEncoder().encode('cairn/v1/LabelContributed\n{"payload":{},"signer":"x"}');
  const sig = sign(message, secret);
  const S = fromLe(sig.subarray(32));
  const withS = (s: bigint) => Uint8Array.from([...sig.subarray(0, 32), ...le(s)]);
  const withR = (r: Uint8Array) => Uint8Array.from([...r, ...sig.subarray(32)]);
  const smallOrder: Uint8Array[] = [];
  const t8 = ed.Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
  let point = ed.Point.ZERO;
  for (let i = 0; i < 8; i++, point = point.add(t8)) smallOrder.push(point.toBytes());
  const nonCanonical = le(P + 1n); // y = p + 1 ≡ 1: a non-canonical encoding of the identity
  const out: SignatureCheck[] = [
    { publicKey: hex(pk), signature: hex(sig), message },
    { publicKey: hex(pk), signature: hex(withS(S + L)), message }, // malleated S + L
    { publicKey: hex(pk), signature: hex(withS(L)), message }, // S == L
    { publicKey: hex(pk), signature: hex(withS(2n ** 256n - 1n)), message },
    { publicKey: hex(pk), signature: hex(withR(nonCanonical)), message },
    { publicKey: hex(nonCanonical), signature: hex(sig), message },
    { publicKey: hex(le(P - 1n)), signature: hex(sig), message },
    { publicKey: hex(pk), signature: hex(sign(new TextEncoder().encode('another message'), secret)), message },
    { publicKey: hex(pk), signature: hex(sig).toUpperCase(), message }, // hex is lowercase only
    { publicKey: hex(pk), signature: hex(sig).slice(2), message }, // wrong length
    { publicKey: hex(pk).slice(2), signature: hex(sig), message },
    { publicKey: 'zz'.repeat(32), signature: hex(sig), message },
    ...smallOrder.map((a) => ({ publicKey: hex(a), signature: hex(sig), message })),
    ...smallOrder.map((r) => ({ publicKey: hex(pk), signature: hex(withR(r)), message })),
  ];
  for (let byte = 0; byte < 64; byte++) {
    const flipped = Uint8Array.from(sig);
    flipped[byte]! ^= 1 << (byte % 8);
    out.push({ publicKey: hex(pk), signature: hex(flipped), message });
  }
  for (let byte = 0; byte < 32; byte++) {
    const flipped = Uint8Array.from(pk);
    flipped[byte]! ^= 0x80 >> (byte % 8);
    out.push({ publicKey: hex(flipped), signature: hex(sig), message });
  }
  return out;
}

function coreVerdict(c: SignatureCheck): boolean {
  const lowerHex = (s: string, n: number) => new RegExp(`^[0-9a-f]{${n}}$`).test(s);
  if (!lowerHex(c.publicKey, 64) || !lowerHex(c.signature, 128)) return false;
  return verifyFast(Buffer.from(c.signature, 'hex'), c.message, Buffer.from(c.publicKey, 'hex'));
}

describe('the verify pool', () => {
  it('given valid, malformed and malleated signatures, then its verdicts equal core verifyFast, one by one', async () => {
    const checks = cases();
    const verdicts = await pool.verify(checks);
    expect(verdicts).toEqual(checks.map(coreVerdict));
    expect(verdicts[0]).toBe(true);
    expect(verdicts.filter(Boolean).length).toBeLessThan(checks.length);
  });

  it('given random valid and mutated signatures in chunks across workers, then every verdict equals verifyFast', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            message: fc.uint8Array({ maxLength: 300 }),
            mutate: fc.option(fc.nat(95)),
            seed: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          }),
          { minLength: 1, maxLength: 600 },
        ),
        async (items) => {
          const checks = items.map(({ message, mutate, seed }) => {
            const sig = sign(message, seed);
            const pk = publicKeyOf(seed);
            if (mutate !== null) (mutate < 64 ? sig : pk)[mutate % (mutate < 64 ? 64 : 32)]! ^= 0x10;
            return { publicKey: hex(pk), signature: hex(sig), message };
          });
          expect(await pool.verify(checks)).toEqual(checks.map(coreVerdict));
        },
      ),
      { numRuns: 15 },
    );
  });
});
