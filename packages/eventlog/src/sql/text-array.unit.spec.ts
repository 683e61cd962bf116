import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { textArrayLiteral } from './text-array.js';

describe('textArrayLiteral', () => {
  it('given texts with quotes, backslashes, braces, commas, control characters, NULL-looking words and nulls, then Postgres reads back exactly those values', async () => {
    const db = await PGlite.create();
    try {
      const tricky = ['', 'NULL', 'null', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', 'line\nbreak', 'tab\there', '\u0001', 'é€😀', '{"payload":{"a":"\\n"}}', ' lead', 'trail '];
      const values = [...tricky, null];
      const rows = await db.query<{ v: string | null }>('select v from unnest($1::text[]) with ordinality as u(v, n) order by n', [textArrayLiteral(values)]);
      expect(rows.rows.map((r) => r.v)).toEqual(values);
      // Random strings (control characters and astral characters included) survive too.
      await fc.assert(
        fc.asyncProperty(fc.array(fc.option(fc.string({ unit: 'binary' }).map((s) => s.split('\u0000').join('')), { nil: null }), { maxLength: 20 }), async (random) => {
          const back = await db.query<{ v: string | null }>('select v from unnest($1::text[]) with ordinality as u(v, n) order by n', [textArrayLiteral(random)]);
          expect(back.rows.map((r) => r.v)).toEqual(random);
        }),
        { numRuns: 100 },
      );
    } finally {
      await db.close();
    }
  });

  it('given canonical JSON texts, then the literal quotes each with JSON string escaping, element for element', () => {
    expect(textArrayLiteral(['{"a":"b\\"c"}', 'x'])).toBe('{"{\\"a\\":\\"b\\\\\\"c\\"}","x"}');
    expect(textArrayLiteral([])).toBe('{}');
  });
});
