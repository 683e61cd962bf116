import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const V = 'ab'.repeat(32);
const A = '0f'.repeat(32);
const raw = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');

describe('member-page cursors', () => {
  it('given a cursor this server encoded, when decoded, then the version, last member and position come back', () => {
    const cursor = { versionId: V, after: A, position: 42n };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(E.right(cursor));
    expect(decodeCursor(encodeCursor({ ...cursor, position: null }))).toEqual(E.right({ ...cursor, position: null }));
  });

  it('given a cursor for a deep page, when decoded, then it carries how many members come before the next page, so that page is not counted again', () => {
    const cursor = { versionId: V, after: A, position: 42n, offset: 150_000 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(E.right(cursor));
    // one handed out before cursors carried it still pages (its offset is counted)
    expect(decodeCursor(raw({ v: V, a: A, p: '42' }))).toEqual(E.right({ versionId: V, after: A, position: 42n }));
  });

  it('given a cursor whose offset is not a positive whole number, when decoded, then it is refused naming the field', () => {
    for (const o of [0, -1, 1.5, '3'])
      expect(decodeCursor(raw({ v: V, a: A, p: null, o }), 'query.cursor')).toMatchObject(E.left({ field: 'query.cursor' }));
  });

  it('given a cursor whose ids are not 64 lowercase hex (upper case, short), when decoded, then it is refused naming the field', () => {
    for (const body of [
      { v: V.toUpperCase(), a: A, p: null },
      { v: V, a: A.slice(2), p: null },
    ])
      expect(decodeCursor(raw(body), 'query.cursor')).toMatchObject(E.left({ field: 'query.cursor' }));
  });
});
