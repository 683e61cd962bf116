import { describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { integerArrayLiteral, textArrayLiteral } from './array-literal.js';

describe('array literals', () => {
  it('given awkward text, when sent as a text[] literal, then Postgres reads back every element as it was', async () => {
    const values = ['plain', '', 'NULL', null, 'with "quotes"', 'back\\slash', 'a,b', '{braces}', ' spaced ', 'ünïcode ✓', 'new\nline'];
    const pglite = await PGlite.create();
    try {
      const r = await pglite.query<{ a: (string | null)[] }>('select $1::text[] as a', [textArrayLiteral(values)]);
      expect(r.rows[0]?.a).toEqual(values);
    } finally {
      await pglite.close();
    }
  });

  it('given positions beyond 2^53, when sent as a bigint[] literal, then they arrive exactly', async () => {
    const pglite = await PGlite.create();
    try {
      const r = await pglite.query<{ a: string }>('select $1::bigint[]::text as a', [integerArrayLiteral([0n, 9007199254740993n, 42])]);
      expect(r.rows[0]?.a).toBe('{0,9007199254740993,42}');
    } finally {
      await pglite.close();
    }
  });
});
