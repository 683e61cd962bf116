// The parts of the contamination check that need no store: exact matching by commitment, and
// which samples count as text.
import { describe, expect, it } from '@jest/globals';
import { exactPairs, isTextualMediaType, textOf, type SampleMember } from './check.js';

const member = (cfId: string, scheme: string | null, commitment: string | null, mediaType: string | null = 'text/plain'): SampleMember => ({
  cfId,
  scheme,
  commitment,
  mediaType,
});
const H = 'ab'.repeat(32);

describe('exact pairs by commitment', () => {
  it('given equal sha256 commitments on both sides, then each train member is paired with every eval member holding it', () => {
    expect(
      exactPairs(
        [member('t1', 'sha256', H), member('t2', 'sha256', 'cd'.repeat(32))],
        [member('e1', 'sha256', H), member('e2', 'sha256', H)],
      ),
    ).toEqual([
      { train: 't1', eval: 'e1', match: 'exact', similarity: 1, scheme: 'sha256' },
      { train: 't1', eval: 'e2', match: 'exact', similarity: 1, scheme: 'sha256' },
    ]);
  });

  it('given an HMAC commitment whose value equals a sha256 one, then they are not paired; two equal HMAC commitments are', () => {
    expect(exactPairs([member('t1', 'hmac-sha256', H)], [member('e1', 'sha256', H)])).toEqual([]);
    expect(exactPairs([member('t1', 'sha256', H)], [member('e1', 'hmac-sha256', H)])).toEqual([]);
    expect(exactPairs([member('t1', 'hmac-sha256', H)], [member('e1', 'hmac-sha256', H)])).toEqual([
      { train: 't1', eval: 'e1', match: 'exact', similarity: 1, scheme: 'hmac-sha256' },
    ]);
  });

  it('given members without a commitment, then they are never paired', () => {
    expect(exactPairs([member('t1', null, null)], [member('e1', null, null)])).toEqual([]);
  });
});

describe('what counts as text', () => {
  it('given text/*, JSON-like application types or no media type, then the bytes are read; images and octet streams are not', () => {
    for (const t of ['text/plain', 'text/markdown', 'application/json', 'application/ld+json', 'application/vnd.api+json', null])
      expect(isTextualMediaType(t)).toBe(true);
    for (const t of ['image/png', 'application/octet-stream', 'audio/wav', 'application/pdf']) expect(isTextualMediaType(t)).toBe(false);
  });

  it('given well-formed UTF-8 it is text; malformed UTF-8 or a NUL byte is not', () => {
    expect(textOf(new TextEncoder().encode('Grüße, мир'))).toBe('Grüße, мир');
    expect(textOf(Uint8Array.from([0xc3, 0x28]))).toBeNull();
    expect(textOf(Uint8Array.from([0x61, 0x00, 0x62]))).toBeNull();
  });
});
