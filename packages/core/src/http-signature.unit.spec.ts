import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { publicKeyOf, sign } from './ed25519.js';
import {
  contentDigestMatches,
  contentDigestOf,
  parseRequestSignature,
  requestSignatureBase,
  signRequest,
  signatureBase,
  verifyRequestSignature,
  type SignedRequestTarget,
} from './http-signature.js';
import { parseDictionary, serializeInnerList } from './http-signature-fields.js';

const enc = (s: string) => new TextEncoder().encode(s);

// RFC 9421 Appendix B.1.4 (test-key-ed25519, as its JWK "d" and "x") and B.2.6 (a request signed with it).
const RFC_KEY = {
  secretKey: new Uint8Array(Buffer.from('n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU', 'base64url')),
  publicKey: new Uint8Array(Buffer.from('JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs', 'base64url')),
};
const B26_SIGNATURE_INPUT =
  'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
const B26_SIGNATURE = 'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:';
const B26_COMPONENTS = [
  ['date', 'Tue, 20 Apr 2021 02:07:55 GMT'],
  ['@method', 'POST'],
  ['@path', '/foo'],
  ['@authority', 'example.com'],
  ['content-type', 'application/json'],
  ['content-length', '18'],
] as const;
const B26_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join('\n');

function b26(): { params: string; signature: Uint8Array } {
  const input = parseDictionary(B26_SIGNATURE_INPUT);
  const sig = parseDictionary(B26_SIGNATURE);
  if (E.isLeft(input) || E.isLeft(sig)) throw new Error('the RFC fields do not parse');
  const list = input.right.get('sig-b26');
  const bytes = sig.right.get('sig-b26');
  if (list?.kind !== 'inner' || bytes?.kind !== 'item' || !(bytes.item instanceof Uint8Array)) throw new Error('unexpected shapes');
  return { params: serializeInnerList(list.list), signature: bytes.item };
}

describe('RFC 9421 Appendix B.2.6 (Ed25519, test-key-ed25519)', () => {
  it('given the B.1.4 key, its public half is the one the RFC gives', () => {
    expect(Buffer.from(publicKeyOf(RFC_KEY.secretKey)).equals(Buffer.from(RFC_KEY.publicKey))).toBe(true);
  });

  it("when the RFC's Signature-Input is read and its components given, then the signature base is the RFC's, byte for byte", () => {
    const { params } = b26();
    expect(params).toBe(B26_SIGNATURE_INPUT.slice('sig-b26='.length));
    expect(signatureBase(B26_COMPONENTS, params)).toBe(B26_BASE);
  });

  it("then the RFC's signature verifies over that base, and signing it again gives the same bytes (Ed25519 is deterministic)", () => {
    const { params, signature } = b26();
    const base = enc(signatureBase(B26_COMPONENTS, params));
    expect(verifyRequestSignature(base, signature, RFC_KEY.publicKey)).toBe(true);
    expect(Buffer.from(sign(base, RFC_KEY.secretKey)).toString('base64')).toBe(B26_SIGNATURE.slice('sig-b26=:'.length, -1));
  });

  it('when one byte of the base or the signature changes, then it does not verify', () => {
    const { params, signature } = b26();
    const base = enc(signatureBase(B26_COMPONENTS, params));
    const tampered = base.slice();
    tampered[tampered.length - 2]! ^= 1;
    expect(verifyRequestSignature(tampered, signature, RFC_KEY.publicKey)).toBe(false);
    const badSig = signature.slice();
    badSig[0]! ^= 1;
    expect(verifyRequestSignature(base, badSig, RFC_KEY.publicKey)).toBe(false);
  });

  it("when the B.2.6 fields are offered to Cairn's profile, then they are refused: they do not cover @query", () => {
    const r = parseRequestSignature(B26_SIGNATURE_INPUT.replace('sig-b26', 'sig1'), B26_SIGNATURE.replace('sig-b26', 'sig1'), true);
    expect(r).toEqual(
      E.left(expect.objectContaining({ part: 'Signature-Input', reason: expect.stringMatching(/does not cover "@query"/) })),
    );
  });
});

const KEYID = 'a'.repeat(64);
const signer = { contributorId: KEYID, secretKey: RFC_KEY.secretKey };
const NONCE = 'AAECAwQFBgcICQoLDA0ODw'; // 16 bytes 00..0f, base64url

const targetOf = (url: string, method: string, headers: Record<string, string>): SignedRequestTarget => {
  const u = new URL(url);
  return {
    method,
    authority: u.host,
    path: u.pathname,
    query: u.search.replace(/^\?/, ''),
    ...(headers['content-digest'] === undefined ? {} : { contentDigest: headers['content-digest'] }),
  };
};

function verified(url: string, method: string, headers: Record<string, string>, target = targetOf(url, method, headers)) {
  const parsed = parseRequestSignature(headers['signature-input'], headers['signature'], method === 'POST');
  if (E.isLeft(parsed)) return parsed;
  const base = requestSignatureBase(parsed.right, target);
  if (E.isLeft(base)) return base;
  return E.right({ ...parsed.right, ok: verifyRequestSignature(base.right, parsed.right.signature, RFC_KEY.publicKey) });
}

describe("Cairn's profile: sig1 over @method @authority @path @query (+ content-digest)", () => {
  it('given a GET signed at a fixed time and nonce, then its fields and base are exactly the profile (what the Python client writes)', () => {
    const headers = signRequest({ method: 'get', url: 'http://Example.COM:7420/v1/cfs/ab/content?asOf=12&x=%20y' }, signer, {
      created: 1700000000,
      nonce: NONCE,
    });
    const params = `("@method" "@authority" "@path" "@query");created=1700000000;nonce="${NONCE}";keyid="${KEYID}";alg="ed25519"`;
    expect(headers['signature-input']).toBe(`sig1=${params}`);
    expect(headers['content-digest']).toBeUndefined();
    const parsed = parseRequestSignature(headers['signature-input'], headers['signature'], false);
    if (E.isLeft(parsed)) throw new Error(parsed.left.reason);
    const base = requestSignatureBase(parsed.right, targetOf('http://example.com:7420/v1/cfs/ab/content?asOf=12&x=%20y', 'GET', {}));
    expect(E.map((b: Uint8Array) => new TextDecoder().decode(b))(base)).toEqual(
      E.right(
        [
          '"@method": GET',
          '"@authority": example.com:7420',
          '"@path": /v1/cfs/ab/content',
          '"@query": ?asOf=12&x=%20y',
          `"@signature-params": ${params}`,
        ].join('\n'),
      ),
    );
    expect(verified('http://example.com:7420/v1/cfs/ab/content?asOf=12&x=%20y', 'GET', headers)).toEqual(
      E.right(expect.objectContaining({ ok: true, keyid: KEYID, created: 1700000000, nonce: NONCE })),
    );
  });

  it('given a request without a query, then @query is "?" alone', () => {
    const headers = signRequest({ method: 'GET', url: 'http://h/v1/status' }, signer, { created: 1, nonce: NONCE });
    const parsed = parseRequestSignature(headers['signature-input'], headers['signature'], false);
    if (E.isLeft(parsed)) throw new Error(parsed.left.reason);
    const base = requestSignatureBase(parsed.right, { method: 'GET', authority: 'h', path: '/v1/status', query: '' });
    expect(E.isRight(base) && new TextDecoder().decode(base.right).split('\n')[3]).toBe('"@query": ?');
  });

  it('when the path, query, method or host differ from what was signed, then the signature does not verify', () => {
    const url = 'http://h:1/v1/cfs/ab/content?asOf=3';
    const headers = signRequest({ method: 'GET', url }, signer);
    const good = targetOf(url, 'GET', headers);
    for (const target of [
      { ...good, path: '/v1/cfs/ac/content' },
      { ...good, query: 'asOf=4' },
      { ...good, query: '' },
      { ...good, method: 'DELETE' },
      { ...good, authority: 'h:2' },
    ])
      expect(verified(url, 'GET', headers, target)).toEqual(E.right(expect.objectContaining({ ok: false })));
    expect(verified(url, 'GET', headers, { ...good, authority: 'H:1' })).toEqual(E.right(expect.objectContaining({ ok: true })));
  });

  it('given a POST, then content-digest is covered and carries the body; a changed digest header does not verify', () => {
    const body = enc('{"rows":[[1,2]]}');
    const url = 'http://h/v1/runs/r/attribute';
    const headers = signRequest({ method: 'POST', url, body }, signer);
    expect(headers['content-digest']).toBe(contentDigestOf(body));
    expect(headers['signature-input']).toMatch(/^sig1=\("@method" "@authority" "@path" "@query" "content-digest"\);/);
    expect(contentDigestMatches(headers['content-digest']!, body)).toBe(true);
    expect(contentDigestMatches(headers['content-digest']!, enc('{"rows":[[1,3]]}'))).toBe(false);
    expect(verified(url, 'POST', headers)).toEqual(E.right(expect.objectContaining({ ok: true })));
    const other = { ...headers, 'content-digest': contentDigestOf(enc('x')) };
    expect(verified(url, 'POST', other)).toEqual(E.right(expect.objectContaining({ ok: false })));
    const { 'content-digest': _, ...without } = headers;
    expect(verified(url, 'POST', without)).toEqual(
      E.left(expect.objectContaining({ part: 'Content-Digest', reason: 'missing from the request' })),
    );
  });

  it('when a POST is signed without content-digest, then it is refused as not covering it', () => {
    const headers = signRequest({ method: 'GET', url: 'http://h/x' }, signer);
    expect(parseRequestSignature(headers['signature-input'], headers['signature'], true)).toEqual(
      E.left(expect.objectContaining({ part: 'Signature-Input', reason: 'malformed: does not cover "content-digest"' })),
    );
  });

  const sig = `sig1=:${Buffer.alloc(64).toString('base64')}:`;
  const input = (params: string, components = '"@method" "@authority" "@path" "@query"') => `sig1=(${components})${params}`;
  const good = `;created=1;nonce="${NONCE}";keyid="${KEYID}"`;
  it.each([
    ['no Signature-Input', undefined, sig, 'Signature-Input', 'missing'],
    ['no Signature', input(good), undefined, 'Signature', 'missing'],
    ['a label other than sig1', `sig2=${input(good).slice(5)}`, sig, 'Signature-Input', 'malformed: no signature labelled sig1'],
    ['garbage', 'sig1=(("', sig, 'Signature-Input', expect.stringMatching(/^malformed: /)],
    ['an unclosed string', 'sig1=("@method', sig, 'Signature-Input', 'malformed: a string is not closed'],
    [
      'a component twice',
      input(good, '"@method" "@method" "@authority" "@path" "@query"'),
      sig,
      'Signature-Input',
      'malformed: a component is covered twice',
    ],
    ['a missing component', input(good, '"@method" "@authority" "@path"'), sig, 'Signature-Input', 'malformed: does not cover "@query"'],
    [
      'an unknown component',
      input(good, '"@method" "@authority" "@path" "@query" "date"'),
      sig,
      'Signature-Input',
      'malformed: covers unsupported component "date"',
    ],
    ['no created', input(`;nonce="${NONCE}";keyid="${KEYID}"`), sig, 'created', expect.stringMatching(/^malformed/)],
    ['created as a string', input(`;created="1";nonce="${NONCE}";keyid="${KEYID}"`), sig, 'created', expect.stringMatching(/^malformed/)],
    [
      'a short nonce',
      input(`;created=1;nonce="AAECAwQFBgcICQoLDA0OD";keyid="${KEYID}"`),
      sig,
      'nonce',
      expect.stringMatching(/16 random bytes/),
    ],
    [
      'a keyid in upper case',
      input(`;created=1;nonce="${NONCE}";keyid="${KEYID.toUpperCase()}"`),
      sig,
      'keyid',
      expect.stringMatching(/64 lowercase hex/),
    ],
    ['another alg', input(`${good};alg="rsa-pss-sha512"`), sig, 'alg', 'unsupported: only "ed25519" is accepted'],
    [
      'a signature of 63 bytes',
      input(good),
      `sig1=:${Buffer.alloc(63).toString('base64')}:`,
      'Signature',
      expect.stringMatching(/64 bytes, got 63/),
    ],
    ['a signature as a string', input(good), 'sig1="abc"', 'Signature', expect.stringMatching(/no byte sequence/)],
  ])('given %s, then the refusal names the part and the reason', (_name, signatureInput, signature, part, reason) => {
    expect(parseRequestSignature(signatureInput, signature, false)).toEqual(E.left({ _tag: 'SignatureRefusal', part, reason }));
  });
});
