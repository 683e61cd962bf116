// The log table's guarantees, enforced by the database itself, on PGlite (same DDL as Postgres).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor } from './executor.js';
import { logTables, migrateEventLog, schemaMark } from './schema.js';

let db: PGlite;
const tables = logTables('public');
const executor: SqlExecutor = {
  query: async (text, params) => (await db.query(text, params as unknown[])).rows as never,
  transaction: (fn) => db.transaction((tx) => fn({ query: async (t, p) => (await tx.query(t, p as unknown[])).rows as never })),
};
/** A raw insert of an id given as hex text, converted as the adapter does. */
const insert = (id: string) =>
  db.query(
    `insert into cairn_log (id, stream, revision, type, data) values (decode($1, 'hex'), 's', (select count(*) from cairn_log), 'T', '{}')`,
    [id],
  );
/** A raw insert of an id given as bytes. */
const insertBytes = (id: Uint8Array) =>
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

  it('given a log already at this schema, when migrated again, then only one read is sent and no DDL', async () => {
    const sent: string[] = [];
    const counting: SqlExecutor = {
      query: (text, params) => {
        sent.push(text);
        return executor.query(text, params);
      },
      transaction: (fn) =>
        executor.transaction((tx) =>
          fn({
            query: (text, params) => {
              sent.push(text);
              return tx.query(text, params);
            },
          }),
        ),
    };
    await migrateEventLog(counting, tables);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^select obj_description/);
  });

  it("given a log whose mark is not this schema's (an older Cairn), when migrated, then the DDL runs again and restores what was missing", async () => {
    await db.exec(`drop trigger cairn_log_no_truncate on cairn_log; comment on table cairn_log is 'cairn log schema 0000000000000000'`);
    await migrateEventLog(executor, tables);
    await expect(db.query('truncate cairn_log')).rejects.toThrow(/append-only/);
    const mark = await db.query<{ mark: string }>(`select obj_description('cairn_log'::regclass, 'pg_class') as mark`);
    expect(mark.rows[0]!.mark).toBe(schemaMark(tables));
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

  it.each([
    ['no byte', 0],
    ['31 bytes', 31],
    ['33 bytes', 33],
    ['64 bytes (the hex text of an id, stored as it is)', 64],
  ])('given an id of %s, when inserted raw, then the check constraint rejects it', async (_why, length) => {
    await expect(insertBytes(new Uint8Array(length).fill(0x61))).rejects.toThrow(/cairn_log_id_format/);
  });

  it("given an id's hex text, when inserted raw without decoding it, then the check constraint rejects it", async () => {
    await expect(
      db.query(`insert into cairn_log (id, stream, revision, type, data) values ($1::text::bytea, 't', 0, 'T', '{}')`, ['c'.repeat(64)]),
    ).rejects.toThrow(/cairn_log_id_format/);
  });

  it('given an id of 32 bytes, when inserted raw, then the check constraint accepts it and it reads back as its hex', async () => {
    await expect(insert('0123456789abcdef'.repeat(4))).resolves.toBeDefined();
    const rows = await db.query<{ id: string }>(`select encode(id, 'hex') as id from cairn_log where id = decode($1, 'hex')`, [
      '0123456789abcdef'.repeat(4),
    ]);
    expect(rows.rows).toEqual([{ id: '0123456789abcdef'.repeat(4) }]);
  });

  it('given a log created when the id check was a regex, when migrated, then its ids become bytes under the byte-length check and it keeps its rows', async () => {
    const old = logTables('cairn_old_log');
    await db.exec(`create schema cairn_old_log;
      create table cairn_old_log.cairn_log (
        position bigint generated always as identity primary key, id text not null, stream text not null,
        revision bigint not null, type text not null, data text not null, metadata text,
        recorded_at timestamptz not null default statement_timestamp(),
        constraint cairn_log_id_format check (id ~ '^[0-9a-f]{64}$'));
      insert into cairn_old_log.cairn_log (id, stream, revision, type, data) values ('${'a'.repeat(64)}', 's', 0, 'T', '{}');`);
    await migrateEventLog(executor, old);
    await migrateEventLog(executor, old);
    const check = await db.query<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'cairn_old_log.cairn_log'::regclass and conname = 'cairn_log_id_format'`,
    );
    expect(check.rows).toHaveLength(1);
    expect(check.rows[0]!.def).not.toContain('~');
    const ids = await db.query<{ id: string }>(`select encode(id, 'hex') as id from cairn_old_log.cairn_log`);
    expect(ids.rows).toEqual([{ id: 'a'.repeat(64) }]);
    await expect(
      db.query(`insert into cairn_old_log.cairn_log (id, stream, revision, type, data) values ('\\x0a', 't', 0, 'T', '{}')`),
    ).rejects.toThrow(/cairn_log_id_format/);
  });
  it('given a log whose append guard was cairn_log_fresh (an older Cairn), when migrated, then that guard is gone and cairn_log_expect answers for stream ends', async () => {
    await db.exec(`create function cairn_log_fresh(streams text[], ids text[]) returns boolean language sql as 'select true';
      comment on table cairn_log is 'cairn log schema 0000000000000000'`);
    await migrateEventLog(executor, tables);
    const guards = await db.query<{ name: string }>(
      `select proname as name from pg_proc where proname like 'cairn_log_%' and pronamespace = 'public'::regnamespace order by 1`,
    );
    expect(guards.rows.map((r) => r.name)).toContain('cairn_log_expect');
    expect(guards.rows.map((r) => r.name)).not.toContain('cairn_log_fresh');
    await insert('b'.repeat(64));
    const last = (await db.query<{ n: string }>(`select max(revision)::text as n from cairn_log where stream = 's'`)).rows[0]!.n;
    const guard = (stream: string, head: string) =>
      db.query<{ ok: boolean }>(`select cairn_log_expect($1::text[], $2::bigint[], '{}'::text[]) as ok`, [[stream], [head]]);
    expect((await guard('s', last)).rows[0]!.ok).toBe(true);
    expect((await guard('s', String(Number(last) - 1))).rows[0]!.ok).toBe(false);
    expect((await guard('s', '-1')).rows[0]!.ok).toBe(false);
    expect((await guard('no-such-stream', '-1')).rows[0]!.ok).toBe(true);
  });
});
