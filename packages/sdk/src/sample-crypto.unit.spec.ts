import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { commitSample, openSample, sealSample } from './sample-crypto.js';
import { nodeCryptoBackend, xchachaBackends } from './xchacha.js';

describe.each(xchachaBackends.map((backend) => [backend.name, backend] as const))(
  'sample sealing is XChaCha20-Poly1305 on %s',
  (_, backend) => {
    it('given any key, plaintext and associated data, then the sealed blob is nonce ‖ noble xchacha20poly1305 output, and opens back', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ maxLength: 2000 }),
          fc.uint8Array({ maxLength: 300 }),
          (key, plaintext, ad) => {
            const sealed = sealSample(plaintext, key, ad, backend);
            const nonce = sealed.subarray(0, 24);
            expect(sealed.subarray(24)).toEqual(xchacha20poly1305(key, nonce, ad).encrypt(plaintext));
            expect(openSample(sealed, key, ad, backend)).toEqual(E.right(plaintext));
            // Every backend opens what any other sealed.
            expect(openSample(sealed, key, ad, nodeCryptoBackend)).toEqual(E.right(plaintext));
          },
        ),
        { numRuns: 200 },
      );
    });

    it('given a key that is not 32 bytes, then sealing is refused as a programmer error', () => {
      expect(() => sealSample(new Uint8Array(3), new Uint8Array(31), new Uint8Array(0), backend)).toThrow(/32 bytes/);
    });

    it('given the draft-irtf-cfrg-xchacha-03 appendix A.3.1 vector, then noble (and so the sealer it is held to) agrees', () => {
      const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
      const plaintext = new TextEncoder().encode(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
      );
      const ad = hex('50515253c0c1c2c3c4c5c6c7');
      const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
      const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
      const out = xchacha20poly1305(key, nonce, ad).encrypt(plaintext);
      expect(Buffer.from(out.subarray(out.length - 16)).toString('hex')).toBe('c0875924c1c7987947deafd8780acf49');
      const blob = new Uint8Array(24 + out.length);
      blob.set(nonce, 0);
      blob.set(out, 24);
      expect(openSample(blob, key, ad, backend)).toEqual(E.right(plaintext));
    });

    it('given a flipped bit anywhere in the blob, then it does not open', () => {
      const key = new Uint8Array(32).fill(9);
      const sealed = sealSample(new TextEncoder().encode('payload'), key, new Uint8Array([1, 2]), backend);
      for (let i = 0; i < sealed.length; i++) {
        const bad = Uint8Array.from(sealed);
        bad[i]! ^= 1;
        expect(E.isLeft(openSample(bad, key, new Uint8Array([1, 2]), backend))).toBe(true);
      }
      expect(E.isLeft(openSample(sealed, key, new Uint8Array([1, 3]), backend))).toBe(true);
    });
  },
);

describe('sample sealing backends', () => {
  it('given this platform (Linux, where sodium-native ships a prebuild), then the fast libsodium backend is the one in use', () => {
    if (process.platform !== 'linux') return;
    expect(xchachaBackends.map((b) => b.name)).toEqual(['libsodium', 'node:crypto']);
  });
});

describe('sample commitments', () => {
  it('given a salt, then the commitment is HMAC-SHA256 (RFC 2104) keyed with it; without, a bare SHA-256', () => {
    const bytes = new TextEncoder().encode('abc');
    expect(commitSample(bytes, undefined)).toEqual({
      scheme: 'sha256',
      value: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    const rfc4231 = commitSample(new TextEncoder().encode('what do ya want for nothing?'), new TextEncoder().encode('Jefe'));
    expect(rfc4231).toEqual({ scheme: 'hmac-sha256', value: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' });
  });
});
