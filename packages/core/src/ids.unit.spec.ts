import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { contentIdOf, contributorIdOf, eventCanonicalForms, eventIdOf, signingBytes, signingBytesOfPayloadText } from './ids.js';
import { CanonicalJson, canonicalize } from './canonical-json.js';
import { jsonString, jsonValue } from './__tests__/arbitraries.js';

const SIGNER = 'a'.repeat(64);
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};
const sha256HexOf = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

describe('signingBytes and eventIdOf', () => {
  it('given a payload, then the signing bytes are the domain tag, a newline and canonical {payload, signer}', () => {
    const bytes = right(signingBytes('SampleContributed', { size: 3, mediaType: 'text/plain' }, SIGNER));
    expect(Buffer.from(bytes).toString('utf8')).toBe(
      `cairn/v1/SampleContributed\n{"payload":{"mediaType":"text/plain","size":3},"signer":"${SIGNER}"}`,
    );
    expect(right(eventIdOf('SampleContributed', { size: 3, mediaType: 'text/plain' }, SIGNER))).toBe(sha256HexOf(bytes));
  });

  it('given an envelope that carries a signature, then the id is the same whatever the signature is', () => {
    const envelope = { type: 'LabelContributed', payload: { of: ['x'], label: 'cat' }, signer: SIGNER, signature: '0'.repeat(128) };
    const resigned = { ...envelope, signature: 'f'.repeat(128) };
    const idOf = (e: typeof envelope) => right(eventIdOf(e.type, e.payload, e.signer));
    expect(idOf(envelope)).toBe(idOf(resigned));
    // The id does not even depend on whether the signature bytes appear anywhere in the hashed input.
    expect(Buffer.from(right(signingBytes(envelope.type, envelope.payload, envelope.signer))).toString()).not.toContain('0'.repeat(128));
  });

  it('property: the key order of the payload never changes the id; the type and signer always do', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), jsonValue, { maxKeys: 6 }), (payload) => {
        const reversed = Object.fromEntries(Object.entries(payload).reverse());
        const id = right(eventIdOf('SampleContributed', payload, SIGNER));
        expect(right(eventIdOf('SampleContributed', reversed, SIGNER))).toBe(id);
        expect(right(eventIdOf('LabelContributed', payload, SIGNER))).not.toBe(id);
        expect(right(eventIdOf('SampleContributed', payload, 'b'.repeat(64)))).not.toBe(id);
      }),
    );
  });

  it('given a bad type, signer or payload, then the error names the field', () => {
    expect(signingBytes('Bad\nType', {}, SIGNER)).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidIdInput', field: 'type' })));
    expect(signingBytes('', {}, SIGNER)).toEqual(E.left(expect.objectContaining({ field: 'type' })));
    expect(signingBytes('T', {}, 'A'.repeat(64))).toEqual(E.left(expect.objectContaining({ field: 'signer' })));
    expect(eventIdOf('T', { n: NaN }, SIGNER)).toEqual(
      E.left(expect.objectContaining({ _tag: 'CanonicalJsonError', path: '$.payload.n' })),
    );
  });
});

describe('signingBytesOfPayloadText', () => {
  // The payload as a reader of the log finds it: cut out of the stored envelope's text, not re-encoded.
  const storedPayloadText = (type: string, payload: unknown, signer: string): string => {
    const text = right(eventCanonicalForms({ type, payload, signer, signature: '12'.repeat(64) })).envelope.text;
    return text.slice('{"payload":'.length, text.lastIndexOf(',"signature":'));
  };

  it.each([
    ['non-ASCII text', { name: 'Zürich 東京 🌊', note: 'ﬁ é vs é' }],
    ['escaped text', { text: 'a "quoted" \\ back\\slash\n\t\u0000\u001f\u2028 end', '"key\n"': '\b\f\r' }],
    ['numbers and nesting', { n: 1.5, big: 1e21, small: 1e-7, nested: { z: [1, null, true], a: {} } }],
  ])('given an event with %s, then the bytes made from its stored payload text are signingBytes', (_, payload) => {
    const text = storedPayloadText('SampleContributed', payload, SIGNER);
    expect(right(signingBytesOfPayloadText('SampleContributed', text, SIGNER))).toEqual(
      right(signingBytes('SampleContributed', payload, SIGNER)),
    );
  });

  it('property: given any event, then the bytes made from its stored payload text are signingBytes', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
    fc.assert(
      fc.property(fc.constantFrom('SampleContributed', 'X.y-z_1'), fc.oneof(jsonValue, jsonString), hex, (type, payload, signer) => {
        const text = storedPayloadText(type, payload, signer);
        expect(right(signingBytesOfPayloadText(type, text, signer))).toEqual(right(signingBytes(type, payload, signer)));
      }),
    );
  });

  it('given a payload text that is not canonical, then it is hashed as it is (so it cannot prove the canonical id)', () => {
    const bytes = right(signingBytesOfPayloadText('T', '{"b":1, "a":2}', SIGNER));
    expect(Buffer.from(bytes).toString('utf8')).toBe(`cairn/v1/T\n{"payload":{"b":1, "a":2},"signer":"${SIGNER}"}`);
    expect(bytes).not.toEqual(right(signingBytes('T', { b: 1, a: 2 }, SIGNER)));
  });

  it('given a bad type or signer, then it refuses exactly as signingBytes does', () => {
    for (const [type, signer] of [
      ['Bad\nType', SIGNER],
      ['', SIGNER],
      ['T', 'A'.repeat(64)],
      ['T', 'ab'],
    ] as const)
      expect(signingBytesOfPayloadText(type, '{}', signer)).toEqual(signingBytes(type, {}, signer));
  });
});

describe('contributorIdOf', () => {
  it('given a 32-byte key, then the id is SHA-256 of the contributor tag and the key', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const expected = sha256HexOf(Buffer.concat([Buffer.from('cairn/v1/contributor\n'), key]));
    expect(contributorIdOf(key)).toEqual(E.right(expected));
  });

  it('given a key of the wrong length, then it is refused', () => {
    expect(contributorIdOf(new Uint8Array(31))).toEqual(E.left(expect.objectContaining({ field: 'publicKey' })));
  });
});

describe('contentIdOf', () => {
  it('given a manifest, then its id is SHA-256 of "cairn/v1/manifest\\n" and its canonical JSON', () => {
    const manifest = { rules: [{ approvals: 2 }], name: 'm' };
    expect(contentIdOf('manifest', manifest)).toEqual(E.right(sha256HexOf('cairn/v1/manifest\n{"name":"m","rules":[{"approvals":2}]}')));
  });

  it('given the same value under two kinds, then the ids differ (domain separation)', () => {
    expect(right(contentIdOf('manifest', { a: 1 }))).not.toBe(right(contentIdOf('dataset-version', { a: 1 })));
  });

  it('given a kind with a newline or a value with no canonical form, then it is refused', () => {
    expect(contentIdOf('manifest\n{', 1)).toEqual(E.left(expect.objectContaining({ field: 'kind' })));
    expect(contentIdOf('manifest', { big: 2 ** 60 })).toEqual(E.left(expect.objectContaining({ path: '$.big' })));
  });
});

describe('eventCanonicalForms', () => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
  const envelope = fc.record({
    type: fc.constantFrom('SampleContributed', 'LabelContributed', 'X.y-z_1'),
    payload: jsonValue,
    signer: hex,
    signature: fc.string(),
  });

  it('property: given any envelope, then its signing bytes are signingBytes and its text is canonicalize(envelope), whatever the field order', () => {
    fc.assert(
      fc.property(envelope, fc.boolean(), (e, reversed) => {
        const given = reversed ? { signature: e.signature, signer: e.signer, payload: e.payload, type: e.type } : e;
        const forms = right(eventCanonicalForms(given));
        expect(forms.signingBytes).toEqual(right(signingBytes(e.type, e.payload, e.signer)));
        expect(forms.envelope.text).toBe(right(canonicalize(e)));
        expect(forms.envelope.value).toBe(given);
      }),
    );
  });

  it("property: given any sealed CF envelope (seal in place of a signature), then its text is canonicalize(envelope) and its id is the signed form's", () => {
    const seal = fc.oneof(
      fc.record({ id: hex, index: fc.nat() }),
      fc.record({ id: fc.string(), index: fc.oneof(fc.integer(), fc.double()) }),
      fc.record({ index: fc.nat(), id: hex, extra: fc.boolean() }),
    );
    fc.assert(
      fc.property(envelope, seal, (e, s) => {
        const sealed = { type: e.type, payload: e.payload, signer: e.signer, seal: s };
        const forms = eventCanonicalForms(sealed);
        const whole = canonicalize(sealed);
        if (E.isLeft(whole)) return;
        expect(right(forms).envelope.text).toBe(whole.right);
        expect(right(forms).signingBytes).toEqual(right(signingBytes(e.type, e.payload, e.signer)));
      }),
    );
  });

  it("given an envelope with a field beyond the four, then the text still is the whole envelope's canonical form", () => {
    const e = { type: 'LabelContributed', payload: { a: 1 }, signer: SIGNER, signature: 'ab', zextra: [true] };
    expect(right(eventCanonicalForms(e)).envelope.text).toBe(right(canonicalize(e)));
  });

  it('given a payload with no canonical form, a bad type or a bad signer, then it refuses exactly as signingBytes does', () => {
    for (const [type, payload, signer] of [
      ['LabelContributed', { n: Number.NaN }, SIGNER],
      ['LabelContributed', { deep: ['\ud800'] }, SIGNER],
      ['bad type', {}, SIGNER],
      ['LabelContributed', {}, 'A'.repeat(64)],
    ] as const) {
      expect(eventCanonicalForms({ type, payload, signer, signature: '00' })).toEqual(signingBytes(type, payload, signer));
    }
  });

  it('given anyone but core, then a CanonicalJson cannot be made with a text of their choosing', () => {
    const Forge = CanonicalJson as unknown as new (token: unknown, value: unknown, text: string) => CanonicalJson;
    expect(() => new Forge(Symbol('CanonicalJson'), { a: 1 }, '{"a":2}')).toThrow(TypeError);
  });
});
