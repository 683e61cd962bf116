import { describe, expect, it } from '@jest/globals';
import { isWithin } from './fence.js';
import { fieldHoldingBadUtf8, splitLines, topField, withoutBom } from './text-lines.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('import text lines', () => {
  it('given a strict-parser path, then the row field it starts in is named, however deep it goes', () => {
    expect(topField('$.attributes.a.a.a[3]')).toBe('attributes');
    expect(topField('$["odd key"].x')).toBe('odd key');
    expect(topField('$')).toBeUndefined();
  });

  it('given a byte order mark, then only a leading one is dropped', () => {
    expect(withoutBom(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b))).toEqual(Uint8Array.of(0x7b));
    expect(withoutBom(Uint8Array.of(0x7b, 0xef, 0xbb, 0xbf))).toEqual(Uint8Array.of(0x7b, 0xef, 0xbb, 0xbf));
  });

  it('given LF-separated bytes, then lines are numbered from 1 and keep their bytes', () => {
    expect(splitLines(bytes('a\n\nbc')).map((l) => [l.line, new TextDecoder().decode(l.bytes)])).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'bc'],
    ]);
  });

  it('given a row with bytes that are not UTF-8 in one field, then that field is named', () => {
    const row = Uint8Array.of(...bytes('{"license":"MIT","text":"x'), 0xff, ...bytes('"}'));
    expect(fieldHoldingBadUtf8(row)).toBe('text');
  });
});

describe('import fence', () => {
  it('given a folder, then only itself and what lies below it are within it', () => {
    expect(isWithin('/data', '/data')).toBe(true);
    expect(isWithin('/data', '/data/a/b.txt')).toBe(true);
    expect(isWithin('/data', '/data-other/x')).toBe(false);
    expect(isWithin('/data', '/etc/hostname')).toBe(false);
    expect(isWithin('/data/sub', '/data')).toBe(false);
  });
});
