// The log table's guarantees, enforced by the database itself, on PGlite (same DDL as Postgres).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor } from './executor.js';
import { logTables, migrateEventLog } from './schema.js';

let db: PGlite;
const tables = logTables('public');
const executor: SqlExecutor = {
  query: async (text, params) => (await db.query(text, params as unknown[])).rows as never,
  transaction: (fn) => db.transaction((tx) => fn({ query: async (t, p) => (await tx.query(t, p as unknown[])).rows as never })),
};
const insert = (id: string) =>
  db.query(`insert into cairn_log (id, stream, revision, type, data) values ($1, 's', (select count(*) from cairn_log), 'T', '{}')`, [id]);

beforeAll(async () => {
  db = await PGlite.create();
  await migrateEventLog(executor, tables);
});
afterAll(() => db.close());

describe('log schema (PGlite)', () => {
  it('given the migration already ran, when it runs again, then it succeeds and keeps the rows', async () => {
    await insert('1'.repeat(64));
    await migrateEventLog(executor, tables);
    expect((await db.query<{ n: number }>('select count(*)::int as n from cairn_log')).rows[0]!.n).toBe(1);
  });

  it.each([
    ['UPDATE', `update cairn_log set type = 'X'`],
    ['DELETE', 'delete from cairn_log'],
    ['TRUNCATE', 'truncate cairn_log'],
  ])('given stored events, when a %s is attempted, then the database rejects it as append-only', async (_op, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/append-only/);
    expect((await db.query<{ n: number }>('select count(*)::int as n from cairn_log')).rows[0]!.n).toBeGreaterThan(0);
  });

  it('given a writer choosing its own position, when it inserts, then the database refuses (positions are drawn under the ordering lock)', async () => {
    await expect(
      db.query(`insert into cairn_log (position, id, stream, revision, type, data) values (999, $1, 'p', 0, 'T', '{}')`, ['2'.repeat(64)]),
    ).rejects.toThrow(/generated always|cannot insert/i);
  });

  it('given an id that is not 64 lowercase hex, when inserted raw, then the check constraint rejects it', async () => {
    await expect(insert('ABC')).rejects.toThrow(/cairn_log_id_format/);
  });
});
