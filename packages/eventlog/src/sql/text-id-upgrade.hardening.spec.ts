// A log written while event ids were stored as hex text (the DDL of that version, kept as a
// fixture) is upgraded in place the first time the new code opens it: every event reads back as
// it was written (id, stream, revision, position, type, stored body, metadata, time), the id key
// still refuses a second writer of an old id, and a process killed (kill -9) inside the upgrade's
// transaction leaves the old schema and rows, after its commit the new ones, never a mix.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openEmbeddedEventLogWithSql } from '../pglite/open-embedded-event-log.js';
import { openPostgresEventLog } from '../postgres/open-postgres-event-log.js';
import { ExpectedRevision, type EventLog, type RecordedEvent } from '../port.js';
import { logTables, schemaMark, streamNameSql } from './schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OLD_DDL = await readFile(path.join(here, '__fixtures__', 'log-schema-text-ids.sql'), 'utf8');
const MIGRATE_THEN_DIE = path.join(here, '__fixtures__', 'migrate-then-die.mjs');

type Exec = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const idOf = (n: number) => createHash('sha256').update(`text-id-upgrade/${n}`).digest('hex');

/** What a reader sees of an event, every field. */
const seen = (e: RecordedEvent) => ({
  id: e.id,
  stream: e.stream,
  revision: e.revision.toString(),
  position: e.position.toString(),
  type: e.type,
  storedData: e.storedData,
  metadata: 'metadata' in e ? JSON.stringify(e.metadata) : undefined,
  recordedAt: e.recordedAt.toISOString(),
});

/** The same fields read straight from an old-format table. */
async function oldRows(exec: Exec, log: string, idSql = 'id', streamSql = 'stream') {
  const rows = await exec(
    `select ${idSql} as id, ${streamSql} as stream, revision::text as revision, position::text as position, type, data, metadata, recorded_at from ${log} l order by l.position`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    stream: r.stream as string,
    revision: r.revision as string,
    position: r.position as string,
    type: r.type as string,
    storedData: r.data as string,
    metadata: r.metadata === null || r.metadata === '' ? undefined : JSON.stringify(JSON.parse(r.metadata as string)),
    recordedAt: new Date(r.recorded_at as string | Date).toISOString(),
  }));
}

/** An old-format log in `schema`: the old DDL, then `count` events over a few kinds of stream, inserted as that version did. */
async function writeOldLog(exec: Exec, schema: string, count: number): Promise<void> {
  await exec(OLD_DDL.replaceAll('__SCHEMA__', schema));
  const log = `"${schema}".cairn_log`;
  const ids: string[] = [];
  const streams: string[] = [];
  const revisions: string[] = [];
  const datas: string[] = [];
  const metadatas: (string | null)[] = [];
  for (let n = 0; n < count; n++) {
    const id = idOf(n);
    // Most events open their own cf-<id> stream (the bulk case); every 7th joins one long stream.
    const long = n % 7 === 0;
    ids.push(id);
    streams.push(long ? 'contributor-alice' : `cf-${id}`);
    revisions.push(long ? String(n / 7) : '0');
    datas.push(JSON.stringify({ n, text: `é ${'"quoted" \\ '.repeat(n % 3)}✓` }));
    metadatas.push(n % 5 === 0 ? JSON.stringify({ by: 'fixture', n }) : null);
  }
  await exec(
    `insert into ${log} (id, stream, revision, type, data, metadata)
     select * from unnest($1::text[], $2::text[], $3::bigint[], array_fill('SampleContributed'::text, array[${count}]), $4::text[], $5::text[])`,
    [ids, streams, revisions, datas, metadatas],
  );
}

/** The upgraded log's checks: every event as it was, and the keys of the new schema work on old rows. */
async function expectUpgraded(log: EventLog, exec: Exec, table: string, before: Awaited<ReturnType<typeof oldRows>>) {
  const all = await log.readAll();
  if (all._tag === 'Left') throw new Error(JSON.stringify(all.left));
  expect(all.right.map(seen)).toEqual(before);
  const type = await exec(
    `select atttypid::regtype::text as type from pg_attribute where attrelid = '${table}'::regclass and attname = 'id'`,
  );
  expect(type[0]!.type).toBe('bytea');

  const first = all.right[1]!;
  const byId = await log.readByIds([first.id]);
  expect(byId._tag === 'Right' && byId.right.map(seen)).toEqual([seen(first)]);
  const replay = await log.append({
    stream: first.stream,
    expectedRevision: ExpectedRevision.noStream,
    events: [{ id: first.id, type: first.type, data: first.data }],
  });
  expect(replay._tag === 'Right' && replay.right.alreadyAppended).toBe(true);
  const elsewhere = await log.append({
    stream: 'another-stream',
    expectedRevision: ExpectedRevision.noStream,
    events: [{ id: first.id, type: first.type, data: first.data }],
  });
  expect(elsewhere._tag).toBe('Left');
  const fresh = await log.append({
    stream: `cf-${idOf(1_000_000)}`,
    expectedRevision: ExpectedRevision.noStream,
    events: [{ id: idOf(1_000_000), type: 'SampleContributed', data: { fresh: true } }],
  });
  expect(fresh._tag).toBe('Right');
  const after = await log.readAll({ after: all.right[all.right.length - 1]!.position });
  expect(after._tag === 'Right' && after.right.map((e) => e.id)).toEqual([idOf(1_000_000)]);
}

describe('hardening: an embedded log with hex-text ids', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    // The folder, and the lock files beside it (a killed opener leaves its own behind).
    const besides = await readdir(os.tmpdir());
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true });
      for (const f of besides.filter((name) => name.startsWith(`${path.basename(dir)}.lock`)))
        await rm(path.join(os.tmpdir(), f), { force: true });
    }
  });
  const oldStore = async (count: number) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-text-ids-'));
    dirs.push(dir);
    const db = await PGlite.create({ dataDir: dir });
    const exec: Exec = async (sql, params) =>
      (params ? (await db.query(sql, params)).rows : (await db.exec(sql)).flatMap((r) => r.rows)) as never;
    await writeOldLog(exec, 'public', count);
    const before = await oldRows(exec, 'public.cairn_log');
    await db.close();
    return { dir, before };
  };

  it('given a store written by the old schema, when the new code opens it, then every event reads back identically and its ids are stored as bytes', async () => {
    const { dir, before } = await oldStore(500);
    const opened = await openEmbeddedEventLogWithSql({ dataDir: dir });
    try {
      await expectUpgraded(opened.log, (sql, params) => opened.query(sql, params) as never, 'public.cairn_log', before);
    } finally {
      await opened.log.close();
    }
  });

  it('given a store written by the old schema, when the process upgrading it is killed inside its transaction, then the store holds the old schema and every old row; when killed after its commit, the new schema and every row converted', async () => {
    const { dir: template, before } = await oldStore(300);
    const oldMark = /comment on table "__SCHEMA__"\.cairn_log is '([^']+)'/.exec(OLD_DDL)![1]!;
    const newMark = schemaMark(logTables('public'));
    /** A copy of the old store, migrated by a child that kills itself after its `killAfter`-th statement. */
    const migrateThenDie = async (killAfter: number) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-text-ids-killed-'));
      dirs.push(dir);
      await cp(template, dir, { recursive: true });
      const child = spawn(process.execPath, [MIGRATE_THEN_DIE, dir, String(killAfter)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, sig) => resolve(sig)));
      if (signal !== 'SIGKILL') throw new Error(`the migrating child ended by ${signal ?? 'exit'}, not by its kill: ${err}`);
      return { dir, statements: out.trim() === '' ? undefined : (JSON.parse(out) as string[]) };
    };
    /** The id column's type, the schema mark, and every row with its id as hex, read without the new code. */
    const stateOf = async (dir: string) => {
      const db = await PGlite.create({ dataDir: dir });
      try {
        const exec: Exec = async (sql, params) => (await db.query(sql, params)).rows as never;
        const [found] = await exec(
          `select atttypid::regtype::text as type, obj_description('public.cairn_log'::regclass, 'pg_class') as mark
             from pg_attribute where attrelid = 'public.cairn_log'::regclass and attname = 'id'`,
        );
        const idSql = found!.type === 'bytea' ? `encode(id, 'hex')` : 'id';
        // The current schema also stores `<kind>-<id>` stream names by their kind alone (schema.ts).
        const [suffixed] = await exec(
          `select count(*)::int as n from pg_attribute where attrelid = 'public.cairn_log'::regclass and attname = 'stream_suffixed'`,
        );
        const streamSql = suffixed!.n === 1 ? streamNameSql('') : 'stream';
        return { type: found!.type, mark: found!.mark, rows: await oldRows(exec, 'public.cairn_log', idSql, streamSql) };
      } finally {
        await db.close();
      }
    };
    const asOld = { type: 'text', mark: oldMark, rows: before };
    const asNew = { type: 'bytea', mark: newMark, rows: before };

    // When it is killed after its commit, it has told which statements it ran.
    const committed = await migrateThenDie(Number.MAX_SAFE_INTEGER);
    expect(await stateOf(committed.dir)).toEqual(asNew);
    const ran = committed.statements!;
    const rewrite = ran.findIndex((s) => s.includes('alter column id type bytea')) + 1;
    expect(rewrite).toBeGreaterThan(1);
    // Inside the transaction: after its first statement (the migration lock), after the table's
    // rewrite, after the last DDL, after the mark (the commit next).
    const insideKills = [1, rewrite, ran.length - 1, ran.length];
    const killed: string[] = [];
    for (const k of insideKills) {
      const { dir } = await migrateThenDie(k);
      expect({ killedAfter: k, ...(await stateOf(dir)) }).toEqual({ killedAfter: k, ...asOld });
      killed.push(dir);
    }

    // Either kind of store then opens with the new code and reads as it was written.
    for (const dir of [killed[1]!, committed.dir]) {
      const opened = await openEmbeddedEventLogWithSql({ dataDir: dir });
      try {
        await expectUpgraded(opened.log, (sql, params) => opened.query(sql, params) as never, 'public.cairn_log', before);
      } finally {
        await opened.log.close();
      }
    }
  }, 120_000);
});

const server = await postgresForTests();
describePostgres(server, 'hardening: a Postgres log with hex-text ids', () => {
  it('given a log written by the old schema, when the new code opens it, then every event reads back identically and its ids are stored as bytes', async () => {
    const schema = await createTestSchema('eventlog_text_ids');
    const pool = new pg.Pool({ connectionString: schema.url, max: 2 });
    const exec: Exec = async (sql, params) => (await pool.query(sql, params)).rows as never;
    try {
      await writeOldLog(exec, schema.schema, 500);
      const table = `"${schema.schema}".cairn_log`;
      const before = await oldRows(exec, table);
      const log = await openPostgresEventLog({ pool }, { schema: schema.schema });
      try {
        await expectUpgraded(log, exec, table, before);
      } finally {
        await log.close();
      }
    } finally {
      await pool.end();
      await schema.drop();
    }
  });
});
