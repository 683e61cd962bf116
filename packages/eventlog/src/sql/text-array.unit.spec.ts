import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { textArrayLiteral, textArrayParam } from './text-array.js';

describe('textArrayLiteral', () => {
  it('given texts with quotes, backslashes, braces, commas, control characters, NULL-looking words and nulls, then Postgres reads back exactly those values', async () => {
    const db = await PGlite.create();
    try {
      const tricky = [
        '',
        'NULL',
        'null',
        'a,b',
        '{x}',
        'say "hi"',
        'back\\slash',
        '\\"',
        'line\nbreak',
        'tab\there',
        '\u0001',
        'é€😀',
        '{"payload":{"a":"\\n"}}',
        ' lead',
        'trail ',
      ];
      const values = [...tricky, null];
      const rows = await db.query<{ v: string | null }>('select v from unnest($1::text[]) with ordinality as u(v, n) order by n', [
        textArrayLiteral(values),
      ]);
      expect(rows.rows.map((r) => r.v)).toEqual(values);
      // Random strings (control characters and astral characters included) survive too.
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.option(
              fc.string({ unit: 'binary' }).map((s) => s.split('\u0000').join('')),
              { nil: null },
            ),
            { maxLength: 20 },
          ),
          async (random) => {
            const back = await db.query<{ v: string | null }>('select v from unnest($1::text[]) with ordinality as u(v, n) order by n', [
              textArrayLiteral(random),
            ]);
            expect(back.rows.map((r) => r.v)).toEqual(random);
          },
        ),
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

describe('textArrayParam', () => {
  const readBack = async (db: PGlite, values: readonly string[]) => {
    const { sql, param } = textArrayParam(values, 1);
    const rows = await db.query<{ v: string | null }>(`select v from unnest(${sql}) with ordinality as u(v, n) order by n`, [param]);
    return rows.rows.map((r) => r.v);
  };

  it('given canonical JSON bodies, then they travel as one separated text and Postgres reads back exactly those values', async () => {
    const db = await PGlite.create();
    try {
      const bodies = ['{"a":"b\\"c"}', '{"text":"line\\nbreak \\u001e"}', '{}', '"é€😀"', '{"x":"{,}\\\\"}'];
      expect(textArrayParam(bodies, 5).sql).toBe("string_to_array($5::text, E'\\x1e')");
      expect(await readBack(db, bodies)).toEqual(bodies);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 20 }), async (random) => {
          const texts = random.map((v) => JSON.stringify(v) ?? 'null');
          expect(textArrayParam(texts, 1).sql).toContain('string_to_array');
          expect(await readBack(db, texts)).toEqual(texts);
        }),
        { numRuns: 100 },
      );
    } finally {
      await db.close();
    }
  });

  it.each([
    ['a value holding the separator itself', ['{"a":1}', 'raw \u001e here']],
    ['an empty value', ['{"a":1}', '']],
  ])('given %s, then the column goes as a literal and still reads back exactly', async (_why, values) => {
    const db = await PGlite.create();
    try {
      expect(textArrayParam(values, 2).sql).toBe('$2::text[]');
      expect(await readBack(db, values)).toEqual(values);
    } finally {
      await db.close();
    }
  });
});
