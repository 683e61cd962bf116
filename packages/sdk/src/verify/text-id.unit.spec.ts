// An event's id from its stored text: the id when the text is the envelope the id was made over,
// never an id for a text that differs from it.
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import { eventCanonicalForms, sha256Hex, type SealedEnvelopeFields, type SignedEnvelopeFields } from '@cairn/core';
import { idOfStoredText } from './text-id.js';

const signer = 'ab'.repeat(32);
const payload = { text: 'a "quoted" river\n', n: 1.5, tags: ['b', 'a'], nested: { z: 1, a: null } };

function stored(envelope: SignedEnvelopeFields | SealedEnvelopeFields): { text: string; id: string } {
  const forms = eventCanonicalForms(envelope);
  if (E.isLeft(forms)) throw new Error('no canonical form');
  return { text: forms.right.envelope.text, id: sha256Hex(forms.right.signingBytes) };
}

const signed = stored({ type: 'SampleContributed', payload, signer, signature: '12'.repeat(64) });
const sealed = stored({ type: 'SampleContributed', payload, signer, seal: { id: 'cd'.repeat(32), index: 41 } });

describe('the id of a stored envelope, from its text', () => {
  it('given the canonical text of a signed event, then it is the event id', () => {
    expect(idOfStoredText(signed.text)?.id).toBe(signed.id);
  });

  it('given the canonical text of a sealed CF, then it is the event id', () => {
    expect(idOfStoredText(sealed.text)?.id).toBe(sealed.id);
  });

  it.each([
    ['a payload value changed', (t: string) => t.replace('"n":1.5', '"n":2.5')],
    ['a space added inside the payload', (t: string) => t.replace('"n":1.5', '"n": 1.5')],
    ['the payload keys reordered', (t: string) => t.replace('"nested":{"a":null,"z":1}', '"nested":{"z":1,"a":null}')],
    ['another signer', (t: string) => t.replace(`"signer":"${signer}"`, `"signer":"${'ef'.repeat(32)}"`)],
    ['another type', (t: string) => t.replace('"type":"SampleContributed"', '"type":"LabelContributed"')],
    ['a field added after the payload', (t: string) => t.replace(',"seal":', ',"extra":1,"seal":')],
  ])('given the text with %s, then it does not yield the event id', (_, change) => {
    const text = change(sealed.text);
    expect(text).not.toBe(sealed.text);
    expect(idOfStoredText(text)?.id).not.toBe(sealed.id);
  });

  it.each([
    ['not an envelope', '[1,2]'],
    ['keys out of order', `{"signer":"${signer}","payload":{},"signature":"${'12'.repeat(64)}","type":"T"}`],
    ['a seal index with a leading zero', sealed.text.replace('"index":41', '"index":041')],
  ])('given a text that is %s, then no id is made from it (the general path judges it)', (_, text) => {
    expect(idOfStoredText(text)).toBeUndefined();
  });
});
