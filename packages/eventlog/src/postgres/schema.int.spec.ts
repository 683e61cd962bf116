// Postgres-only facts about the schema: the guarantees hold for writers that bypass the adapter.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openPostgresEventLog } from './open-postgres-event-log.js';
import type { EventLog } from '../port.js';

const server = await postgresForTests();

describePostgres(server, 'log schema (Postgres)', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let log: EventLog;
  let a: pg.Client;
  let b: pg.Client;
  const insert = (c: pg.Client, id: string, stream: string) =>
    c.query(`insert into cairn_log (id, stream, revision, type, data) values ($1, $2, 0, 'T', '{}')`, [id, stream]);

  beforeAll(async () => {
    schema = await createTestSchema('eventlog_schema');
    log = await openPostgresEventLog({ connectionString: schema.url });
    a = new pg.Client({ connectionString: schema.url });
    b = new pg.Client({ connectionString: schema.url });
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await Promise.all([a.end(), b.end(), log.close()]);
    await schema.drop();
  });

  it('given a second adapter opening the same schema, when it migrates, then it succeeds (the migration is idempotent)', async () => {
    const again = await openPostgresEventLog({ connectionString: schema.url });
    await again.close();
  });

  it.each([
    ['UPDATE', `update cairn_log set type = 'X'`],
    ['DELETE', 'delete from cairn_log'],
    ['TRUNCATE', 'truncate cairn_log'],
  ])('given stored events, when a raw %s is attempted, then the database rejects it as append-only', async (_op, sql) => {
    await insert(a, (['UPDATE', 'DELETE', 'TRUNCATE'].indexOf(_op) + 1).toString().repeat(64), `s-${_op}`);
    await expect(a.query(sql)).rejects.toThrow(/append-only/);
  });

  it('given a raw transaction holding an insert, when another raw transaction inserts, then it waits for the first to end and gets the higher position', async () => {
    await a.query('begin');
    await insert(a, 'a'.repeat(64), 'raw-a');
    await b.query('begin');
    let secondDone = false;
    const second = insert(b, 'b'.repeat(64), 'raw-b').then(() => (secondDone = true));
    // Checked after a pause long enough for an unblocked insert to finish many times over.
    await new Promise((r) => setTimeout(r, 200));
    expect(secondDone).toBe(false);
    await a.query('commit');
    await second;
    await b.query('commit');
    const rows = (
      await a.query<{ id: string; position: string }>(
        `select id, position::text from cairn_log where stream in ('raw-a', 'raw-b') order by position`,
      )
    ).rows;
    expect(rows.map((r) => r.id[0])).toEqual(['a', 'b']);
  });
});
