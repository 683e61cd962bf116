// Postgres-only facts about the schema: the guarantees hold for writers that bypass the adapter.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openPostgresEventLog } from './open-postgres-event-log.js';
import { ExpectedRevision, type EventLog } from '../port.js';

const server = await postgresForTests();

describePostgres(server, 'log schema (Postgres)', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let log: EventLog;
  let a: pg.Client;
  let b: pg.Client;
  const insert = (c: pg.Client, id: string, stream: string) =>
    c.query(`insert into cairn_log (id, stream, revision, type, data) values (decode($1, 'hex'), $2, 0, 'T', '{}')`, [id, stream]);

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
        `select encode(id, 'hex') as id, position::text from cairn_log where stream in ('raw-a', 'raw-b') order by position`,
      )
    ).rows;
    expect(rows.map((r) => r.id[0])).toEqual(['a', 'b']);
  });
  const hex = (c: string) => c.repeat(64);
  const positionsOf = async (l: EventLog) => {
    const page = await l.readAll();
    if (page._tag === 'Left') throw new Error(page.left._tag);
    return page.right.map((e) => e.position);
  };
  const headOf = async (l: EventLog) => {
    const head = await l.head();
    if (head._tag === 'Left') throw new Error(head.left._tag);
    return head.right;
  };
  /** Until every transaction that began before the log's last row was written has ended (other sessions share the server). */
  const settled = async () => {
    for (;;) {
      const { rows } = await b.query<{ done: boolean }>(
        `select pg_snapshot_xmin(pg_current_snapshot()) > (select max(writer_xid) from cairn_log) as done`,
      );
      if (rows[0]!.done) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** The adapter's single-statement append, sent by hand inside a transaction the test keeps open. */
  const appendInOpenTransaction = async (c: pg.Client, id: string, stream: string) => {
    await c.query('begin');
    const rows = await c.query<{ p: string }>(
      `select a.event_position::text as p from cairn_log_append($1::text[], $2::text[], '{0}'::bigint[], '{T}'::text[], '{"{}"}'::text[],
         '{NULL}'::text[], $2::text[], '{-1}'::bigint[]) a`,
      [[id], [stream]],
    );
    return BigInt(rows.rows[0]!.p);
  };

  it('given an append that drew its position and has not committed, when a later append commits, then it did not wait, and readers and the head stop before the hole until the first commits', async () => {
    const before = await headOf(log);
    const first = await appendInOpenTransaction(a, hex('e'), 'in-flight-first');
    // The ordering lock went with the statement: the adapter appends without waiting for a's commit.
    const later = await log.append({
      stream: 'in-flight-later',
      events: [{ id: hex('f'), type: 'T', data: {} }],
      expectedRevision: ExpectedRevision.noStream,
    });
    if (later._tag === 'Left') throw new Error(later.left._tag);
    expect(later.right.position).toBe(first + 1n);
    expect(await positionsOf(log)).not.toContain(later.right.position);
    expect(await headOf(log)).toBe(before);
    await a.query('commit');
    await settled();
    expect((await positionsOf(log)).slice(-2)).toEqual([first, later.right.position]);
    expect(await headOf(log)).toBe(later.right.position);
  });

  it('given an append that drew its position and rolled back, when a later append commits, then readers pass the hole (it is empty for good)', async () => {
    const doomed = await appendInOpenTransaction(a, hex('7'), 'rolled-back');
    const later = await log.append({ stream: 'after-rollback', events: [{ id: hex('8'), type: 'T', data: {} }] });
    if (later._tag === 'Left') throw new Error(later.left._tag);
    await a.query('rollback');
    // Another session on this server whose transaction began before the later append could be
    // the hole's writer as far as a reader can tell: the hole is passed once none is in progress.
    await settled();
    const positions = await positionsOf(log);
    expect(positions).not.toContain(doomed);
    expect(positions[positions.length - 1]).toBe(later.right.position);
    expect(await headOf(log)).toBe(later.right.position);
  });

  it('given a single-statement append that fails after taking the ordering lock, when it has failed, then its session holds no lock of the log', async () => {
    const pid = (await a.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    // An id of the wrong shape (hex, but 2 bytes) passes the heads and ids check and fails the table's id check on insert.
    await expect(
      a.query(
        `select * from cairn_log_append('{abcd}'::text[], '{lock-test}'::text[], '{0}'::bigint[], '{T}'::text[], '{"{}"}'::text[],
           '{NULL}'::text[], '{lock-test}'::text[], '{-1}'::bigint[])`,
      ),
    ).rejects.toThrow(/cairn_log_id_format/);
    const held = await b.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = $1`, [pid]);
    expect(held.rows[0]!.n).toBe(0);
  });

  it('given a transaction that wrote before its first insert into the log, when it inserts, then the insert is refused (its id would precede positions drawn before it)', async () => {
    await a.query('begin');
    try {
      await a.query('create temporary table scratch (x int)');
      await a.query('insert into scratch values (1)');
      await expect(insert(a, hex('9'), 'wrote-first')).rejects.toThrow(/before writing anything else/);
    } finally {
      await a.query('rollback');
    }
  });

  it('given a log made by a Cairn from before writer ids, when opened, then its events read back with their positions, the head holds and appends continue after them', async () => {
    const old = await createTestSchema('eventlog_oldlog');
    const c = new pg.Client({ connectionString: old.url });
    await c.connect();
    try {
      const current = await openPostgresEventLog({ connectionString: old.url });
      await current.append({ stream: 'old-1', events: [{ id: hex('1'), type: 'T', data: { n: 1 } }] });
      await current.append({ stream: 'old-2', events: [{ id: hex('2'), type: 'T', data: { n: 2 } }] });
      await current.close();
      // What an older Cairn left: no writer_xid column, an older schema mark.
      await c.query(`alter table cairn_log drop column writer_xid`);
      await c.query(`comment on table cairn_log is 'cairn log schema 0000000000000000'`);
      const reopened = await openPostgresEventLog({ connectionString: old.url });
      try {
        const stored = await positionsOf(reopened);
        expect(stored).toHaveLength(2);
        expect(await headOf(reopened)).toBe(stored[1]);
        const next = await reopened.append({
          stream: 'new-1',
          events: [{ id: hex('3'), type: 'T', data: {} }],
          expectedRevision: ExpectedRevision.noStream,
        });
        if (next._tag === 'Left') throw new Error(next.left._tag);
        expect(await positionsOf(reopened)).toEqual([...stored, next.right.position]);
        expect(await headOf(reopened)).toBe(next.right.position);
      } finally {
        await reopened.close();
      }
    } finally {
      await c.end();
      await old.drop();
    }
  });
  it('given a subscriber of another adapter that would poll only once a minute, when a single-statement append commits, then it is woken by a notification and delivers the event', async () => {
    const watcher = await openPostgresEventLog({ connectionString: schema.url }, { idlePollMs: 60_000 });
    try {
      const head = await headOf(watcher);
      const subscription = watcher.subscribe(head === null ? {} : { after: head });
      const next = subscription[Symbol.asyncIterator]().next();
      // Let the subscriber read the log and start waiting (LISTEN is set up on its first wait).
      await new Promise((r) => setTimeout(r, 300));
      const appended = await log.append({
        stream: 'woken',
        events: [{ id: hex('4'), type: 'T', data: {} }],
        expectedRevision: ExpectedRevision.noStream,
      });
      if (appended._tag === 'Left') throw new Error(appended.left._tag);
      expect((await next).value?.id).toBe(hex('4'));
      await subscription.close();
    } finally {
      await watcher.close();
    }
  });
});
