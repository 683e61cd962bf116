import { describe, expect, it } from '@jest/globals';
import { generateSigningKey, publicKeyOf } from './ed25519.js';
import { pae, signEnvelope, verifyEnvelope } from './dsse.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('DSSE v1 (secure-systems-lab/dsse protocol)', () => {
  it('PAE is "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, as in the spec example', () => {
    expect(dec(pae('http://example.com/HelloWorld', enc('hello world')))).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('PAE counts bytes, not characters', () => {
    expect(dec(pae('t', enc('é')))).toBe('DSSEv1 1 t 2 é');
  });

  it('given an envelope signed with a key, then it verifies under that key only', () => {
    const secret = generateSigningKey();
    const envelope = signEnvelope('application/x', enc('{"a":1}'), 'kid', secret);
    expect(envelope.signatures).toEqual([{ keyid: 'kid', sig: expect.any(String) }]);
    expect(Buffer.from(envelope.payload, 'base64').toString('utf8')).toBe('{"a":1}');
    expect(verifyEnvelope(envelope, publicKeyOf(secret))).toBe(true);
    expect(verifyEnvelope(envelope, publicKeyOf(generateSigningKey()))).toBe(false);
  });

  it('when the payload type or the payload is changed, then the signature no longer verifies', () => {
    const secret = generateSigningKey();
    const envelope = signEnvelope('application/x', enc('{"a":1}'), 'kid', secret);
    expect(verifyEnvelope({ ...envelope, payloadType: 'application/y' }, publicKeyOf(secret))).toBe(false);
    expect(verifyEnvelope({ ...envelope, payload: Buffer.from('{"a":2}').toString('base64') }, publicKeyOf(secret))).toBe(false);
  });
});
