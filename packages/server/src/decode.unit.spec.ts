// Text with no UTF-8 form, found where a JSON body holds it (decode.ts loneSurrogates).
import { describe, expect, it } from '@jest/globals';
import { loneSurrogates, utf8Text } from './decode.js';

describe('loneSurrogates', () => {
  it('given strings, names and items with an unpaired surrogate, then each is named with its code unit', () => {
    const body = JSON.parse('{"a":"x\\ud800","b":["ok","\\udc00y"],"c":{"\\udbff":1},"d":"\\ud83d\\ude00"}') as unknown;
    expect(loneSurrogates(body, 'body')).toEqual([
      { field: 'body.a', reason: 'contains an unpaired UTF-16 surrogate U+D800' },
      { field: 'body.b[1]', reason: 'contains an unpaired UTF-16 surrogate U+DC00' },
      { field: 'body.c', reason: 'a name in it contains an unpaired UTF-16 surrogate U+DBFF' },
    ]);
  });

  it('given a pair written low then high, then both halves are unpaired and the first is named', () => {
    expect(loneSurrogates('\udc00\ud800', 'body.x')).toEqual([{ field: 'body.x', reason: 'contains an unpaired UTF-16 surrogate U+DC00' }]);
  });

  it("given an upload's bytes (a Buffer, not what JSON.parse makes), then they are not walked byte by byte", () => {
    let walked = 0;
    const bytes = new Proxy(Buffer.alloc(1024), {
      ownKeys: (target) => {
        walked++;
        return Reflect.ownKeys(target);
      },
    });
    expect(loneSurrogates(bytes, 'body')).toEqual([]);
    expect(walked).toBe(0);
  });
});

describe('utf8Text', () => {
  it('given well-formed UTF-8, then the text; given a Latin-1 byte or a surrogate spelt ED A0 80, then nothing', () => {
    expect([utf8Text(Buffer.from('é😀')), utf8Text(Uint8Array.of(0xe9)), utf8Text(Uint8Array.of(0x61, 0xed, 0xa0, 0x80))]).toEqual([
      'é😀',
      undefined,
      undefined,
    ]);
  });
});
