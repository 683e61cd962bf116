// The pure parts of references and store resolution: what is refused before any store is read.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { asOfBeyondHead, cfPrefixOf, parseAsOf, parseVersionRef, resolveStoreLocation } from './index.js';

describe('CF id prefixes', () => {
  it('given the 12 chars and ellipsis the CLI prints, then the prefix is the 12 chars', () => {
    expect(cfPrefixOf('c00432ee9372…', 'CF')).toEqual(E.right('c00432ee9372'));
  });

  it('given fewer than 6 hex chars, then it is too short, naming the argument', () => {
    expect(cfPrefixOf('abc12', '--target')).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'UsageError',
          field: '--target',
          message: '--target: the CF id prefix "abc12" is too short; give at least 6 hex chars',
        }),
      ),
    );
  });

  it('given upper case or non-hex text, then it is not an id', () => {
    for (const text of ['ABCDEF12', 'corpus@1', '']) expect(E.isLeft(cfPrefixOf(text, 'CF'))).toBe(true);
  });

  it('given a 5 MB argument, then the error quotes its first characters and its length, not the whole of it', () => {
    const huge = 'a'.repeat(5 * 1024 * 1024) + 'z';
    const r = cfPrefixOf(huge, 'CF');
    if (E.isRight(r)) throw new Error('a 5 MB argument was taken as a CF prefix');
    expect(r.left.message.length).toBeLessThan(300);
    expect(r.left.message).toContain(`(${huge.length} chars)`);
  });
});

describe('references and locations', () => {
  it('given NAME without @, then it names the latest version', () => {
    expect(parseVersionRef('corpus')).toEqual(E.right({ dataset: 'corpus', version: 'latest' }));
  });

  it('given an esdb:// store without a projections URL, then --projections is asked for', () => {
    expect(resolveStoreLocation('esdb://localhost:2113', undefined, {})).toEqual(
      E.left(expect.objectContaining({ field: '--projections' })),
    );
  });

  it('given no flag, then CAIRN_STORE from the environment passed in decides', () => {
    expect(resolveStoreLocation(undefined, undefined, { CAIRN_STORE: 'postgres://h/db' })).toEqual(
      E.right({ kind: 'postgres', url: 'postgres://h/db' }),
    );
  });

  it('given a position past the head, then as-of is refused naming the head', () => {
    expect(parseAsOf('12')).toEqual(E.right(12n));
    expect(asOfBeyondHead(12n, 11n)).toBe('position 12 is beyond the head of the log (11)');
    expect(asOfBeyondHead('11', 11n)).toBeUndefined();
  });
});
