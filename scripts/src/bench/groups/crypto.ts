// Ed25519 verification and SHA-256 throughput: the native fast paths of @cairn/core (libsodium or node:crypto for Ed25519) against
// the portable @noble implementations (the baselines), measured in the same run.
import crypto from 'node:crypto';
import { fastVerifierBackend, generateSigningKey, publicKeyOf, sha256, sha256Portable, sign, verify, verifyFast } from '@cairn/core';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'crypto';

/** Runs `f` for about `seconds` (at least once per item), returning operations per second. */
function rate(items: number, seconds: number, f: (i: number) => void): number {
  let done = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000 || done < items) {
    f(done % items);
    done++;
    if ((done & 15) === 0) elapsed = performance.now() - t0;
  }
  return done / ((performance.now() - t0) / 1000);
}

function mbPerSecond(data: Uint8Array, rounds: number, f: (d: Uint8Array) => Uint8Array): number {
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) f(data);
  return (data.length * rounds) / 2 ** 20 / ((performance.now() - t0) / 1000);
}

async function run(ctx: BenchContext): Promise<readonly BenchResult[]> {
  const keys = Array.from({ length: 8 }, () => generateSigningKey());
  const cases = Array.from({ length: 256 }, (_, i) => {
    const sk = keys[i % keys.length]!;
    const message = new Uint8Array(crypto.randomBytes(200));
    return { message, publicKey: publicKeyOf(sk), signature: sign(message, sk) };
  });
  const forged = cases.map((c) => ({ ...c, message: Uint8Array.of(...c.message.subarray(1), 0) }));
  for (const c of cases)
    if (!verifyFast(c.signature, c.message, c.publicKey) || !verify(c.signature, c.message, c.publicKey))
      throw new Error('crypto bench: a valid signature failed');

  ctx.log('Ed25519: noble verify (baseline), then verifyFast, valid signatures');
  const noble = rate(cases.length, 2, (i) => verify(cases[i]!.signature, cases[i]!.message, cases[i]!.publicKey));
  const fast = rate(cases.length, 2, (i) => verifyFast(cases[i]!.signature, cases[i]!.message, cases[i]!.publicKey));
  ctx.log('Ed25519: invalid signatures (verifyFast confirms a native "no" with the strict verifier)');
  const nobleBad = rate(forged.length, 1, (i) => verify(forged[i]!.signature, forged[i]!.message, forged[i]!.publicKey));
  const fastBad = rate(forged.length, 1, (i) => verifyFast(forged[i]!.signature, forged[i]!.message, forged[i]!.publicKey));

  ctx.log('SHA-256: 16 MiB buffers and 65-byte Merkle node inputs');
  const big = new Uint8Array(crypto.randomBytes(16 * 2 ** 20));
  const nodeBig = mbPerSecond(big, 8, sha256);
  const nobleBig = mbPerSecond(big, 2, sha256Portable);
  const node = new Uint8Array(65);
  const nodeSmall = rate(1, 1, () => sha256(node));
  const nobleSmall = rate(1, 1, () => sha256Portable(node));

  return [
    row(GROUP, `Ed25519 verifyFast on ${fastVerifierBackend} (valid)`, fast, 'verifications/s', noble),
    row(GROUP, 'Ed25519 verify, noble strict (valid)', noble, 'verifications/s'),
    row(GROUP, `Ed25519 verifyFast on ${fastVerifierBackend} (invalid: fallback)`, fastBad, 'verifications/s', nobleBad),
    row(GROUP, 'SHA-256 node:crypto, 16 MiB', nodeBig, 'MB/s', nobleBig),
    row(GROUP, 'SHA-256 @noble/hashes, 16 MiB', nobleBig, 'MB/s'),
    row(GROUP, 'SHA-256 node:crypto, 65-byte inputs', nodeSmall, 'hashes/s', nobleSmall),
  ];
}

const group: BenchGroup = {
  group: GROUP,
  description: 'Ed25519 verifyFast vs noble verify; SHA-256 node:crypto vs @noble/hashes',
  run,
};
export default group;
