// Ids kept as bytea: what goes in as an id comes back as the same hex, and text that is no id
// matches no row (and never fails the statement).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { copyRows } from './copy.js';
import { anyOfIdBytes, idBytes, idBytesArray, idBytesCopyField, idBytesOf, idHex, idHexOrNull, isIdHex } from './id-bytes.js';
import { openProjectionStore, type ProjectionStore } from './store.js';

interface Db {
  kept: { id: Uint8Array; other: Uint8Array | null };
}

const A = '0a'.repeat(32);
const B = 'b1'.repeat(32);
const C = 'c2'.repeat(32);

/**
 * Text that is no id, each a way an asked id goes wrong: a prefix of a stored id, its upper case,
 * hex of other lengths (odd, 31 and 33 bytes), non-hex, a NUL (which Postgres refuses in any text
 * parameter), an empty string and 5 MB of hex (which decode would take).
 */
const NOT_IDS: readonly [string, string][] = [
  ['short', A.slice(0, 12)],
  ['upper case', B.toUpperCase()],
  ['odd length', `${A}0`],
  ['31 bytes', A.slice(2)],
  ['33 bytes', `${A}00`],
  ['non-hex', 'zz'.repeat(32)],
  ['with a NUL', `${A.slice(0, 63)}\u0000`],
  ['NUL only', '\u0000'],
  ['empty', ''],
  ['with whitespace', `${A.slice(0, 62)} 0`],
  ['5 MB of hex', 'ab'.repeat(2_621_440)],
];

let store: ProjectionStore;
let db: Kysely<Db>;

beforeAll(async () => {
  store = await openProjectionStore({ pglite: await PGlite.create() });
  db = store.db as unknown as Kysely<Db>;
  await sql`create table kept (id bytea primary key, other bytea)`.execute(db);
  // stored by COPY, with a null in the nullable column
  await copyRows<Db, 'kept'>(
    db,
    'kept',
    ['id', 'other'],
    [
      [A, B],
      [B, null],
    ]
      .map(([id, other]) => `${idBytesCopyField(id!)}\t${idBytesCopyField(other ?? null)}\n`)
      .join(''),
  );
  // and by an insert of arrays
  await sql`insert into kept (id, other) select * from unnest(${idBytesArray([C])}, ${idBytesArray([null])})`.execute(db);
});

afterAll(async () => {
  await store.close();
});

const idsWhere = async (where: (q: ReturnType<typeof selectKept>) => ReturnType<typeof selectKept>): Promise<string[]> =>
  (await where(selectKept()).orderBy('id').execute()).map((r) => r.id);
const selectKept = () => db.selectFrom('kept').select(idHex('id').as('id'));

describe('ids kept as bytes', () => {
  it('given 64 lowercase hex, when tested, then it is an id; given anything else, then it is not', () => {
    expect(isIdHex(A)).toBe(true);
    for (const [, text] of NOT_IDS) expect(isIdHex(text)).toBe(false);
  });

  it('given ids written by COPY and by an array insert, when read back, then each is its hex and null stays null', async () => {
    const rows = await db
      .selectFrom('kept')
      .select([idHex('id').as('id'), idHexOrNull('other').as('other'), sql<number>`octet_length(id)`.as('n')])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: A, other: B, n: 32 },
      { id: B, other: null, n: 32 },
      { id: C, other: null, n: 32 },
    ]);
  });

  it('given a stored id, when looked up as one value, as one of many or from SQL text, then its row matches', async () => {
    expect(await idsWhere((q) => q.where('id', '=', idBytes(B)))).toEqual([B]);
    expect(await idsWhere((q) => q.where('id', '=', anyOfIdBytes([C, A, 'ff'.repeat(32)])))).toEqual([A, C]);
    expect(await idsWhere((q) => q.where('id', '=', idBytesOf(sql<string>`${A}::text`)))).toEqual([A]);
    expect(await idsWhere((q) => q.where(idHex(sql<Uint8Array>`coalesce(other, id)`), '=', C))).toEqual([C]);
  });

  it.each(NOT_IDS)(
    'given text that is no id (%s), when looked up in any form, then no row matches and the statement runs',
    async (_, text) => {
      expect(await idsWhere((q) => q.where('id', '=', idBytes(text)))).toEqual([]);
      expect(await idsWhere((q) => q.where('id', '=', anyOfIdBytes([text])))).toEqual([]);
      // among ids, it is left out and the ids still match
      expect(await idsWhere((q) => q.where('id', '=', anyOfIdBytes([text, B, text])))).toEqual([B]);
      // in an array, it is null in its place
      expect(await idsWhere((q) => q.where('id', '=', sql<Uint8Array>`any(${idBytesArray([text, C])})`))).toEqual([C]);
      expect((await sql<{ a: (Uint8Array | null)[] }>`select ${idBytesArray([text, null])} as a`.execute(db)).rows[0]!.a).toEqual([
        null,
        null,
      ]);
      if (!text.includes('\u0000')) {
        // text in SQL (a column's) can hold no NUL
        expect(await idsWhere((q) => q.where('id', '=', idBytesOf(sql<string>`${text}::text`)))).toEqual([]);
      }
    },
  );

  it('given 5 MB of hex, when looked up, then it goes as null, not as a parameter for decode to read', () => {
    const big = NOT_IDS.find(([name]) => name === '5 MB of hex')![1];
    const compiled = db.selectFrom('kept').select('id').where('id', '=', idBytes(big)).compile();
    expect(compiled.sql).toContain('null::bytea');
    expect(compiled.parameters).toEqual([]);
    expect(anyOfIdBytes([big]).compile(db).parameters).toEqual(['{}']);
  });

  it('given ids, when made a COPY field, then it is the bytea input text with its backslash escaped for COPY; null is \\N', () => {
    expect(idBytesCopyField(A)).toBe(`\\\\x${A}`);
    expect(idBytesCopyField(null)).toBe('\\N');
  });
});
