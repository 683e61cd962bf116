// A log written while event ids were stored as hex text (the DDL of that version, kept as a
// fixture) is upgraded in place the first time the new code opens it: every event reads back as
// it was written (id, stream, revision, position, type, stored body, metadata, time), the id key
// still refuses a second writer of an old id, and a process killed (kill -9) inside the upgrade's
// transaction leaves the old schema and rows, after its commit the new ones, never a mix.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { describePostgres, postgresForTests } from '@cairn/testing';
import { ExpectedRevision, type EventLog } from '../port.js';
import { logTables, schemaMark, streamNameSql } from './schema.js';
import {
  embeddedUpgrades,
  expectPostgresUpgrade,
  oldSchemaMark,
  readStore,
  seen,
  tableRows,
  type Exec,
  type OldLog,
  type TableRows,
} from './__tests__/upgrade-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OLD_DDL = await readFile(path.join(here, '__fixtures__', 'log-schema-text-ids.sql'), 'utf8');

const idOf = (n: number) => createHash('sha256').update(`text-id-upgrade/${n}`).digest('hex');

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
async function expectUpgraded(log: EventLog, exec: Exec, table: string, before: TableRows) {
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

const TEXT_IDS: OldLog = { name: 'text-ids', write: writeOldLog, read: (exec, table) => tableRows(exec, table), expectUpgraded };

describe('hardening: an embedded log with hex-text ids', () => {
  const { oldStore, expectOpensUpgraded, expectKillsLeaveOldOrNew } = embeddedUpgrades(TEXT_IDS);

  it('given a store written by the old schema, when the new code opens it, then every event reads back identically and its ids are stored as bytes', async () => {
    const { dir, before } = await oldStore(500);
    await expectOpensUpgraded(dir, before);
  });

  it('given a store written by the old schema, when the process upgrading it is killed inside its transaction, then the store holds the old schema and every old row; when killed after its commit, the new schema and every row converted', async () => {
    const { dir: template, before } = await oldStore(300);
    /** The id column's type, the schema mark, and every row with its id as hex, read without the new code. */
    const stateOf = (dir: string) =>
      readStore(dir, async (exec) => {
        const [found] = await exec(
          `select atttypid::regtype::text as type, obj_description('public.cairn_log'::regclass, 'pg_class') as mark
             from pg_attribute where attrelid = 'public.cairn_log'::regclass and attname = 'id'`,
        );
        const id = found!.type === 'bytea' ? `encode(id, 'hex')` : 'id';
        // The current schema also stores `<kind>-<id>` stream names by their kind alone (schema.ts).
        const [suffixed] = await exec(
          `select count(*)::int as n from pg_attribute where attrelid = 'public.cairn_log'::regclass and attname = 'stream_suffixed'`,
        );
        const stream = suffixed!.n === 1 ? streamNameSql('') : 'stream';
        return { type: found!.type, mark: found!.mark, rows: await tableRows(exec, 'public.cairn_log', { id, stream }) };
      });
    await expectKillsLeaveOldOrNew({
      template,
      before,
      stateOf,
      asOld: { type: 'text', mark: oldSchemaMark(OLD_DDL), rows: before },
      asNew: { type: 'bytea', mark: schemaMark(logTables('public')), rows: before },
      kills: (ran) => {
        const rewrite = ran.findIndex((s) => s.includes('alter column id type bytea')) + 1;
        expect(rewrite).toBeGreaterThan(1);
        // Inside the transaction: after its first statement (the migration lock), after the table's
        // rewrite, after the last DDL, after the mark (the commit next).
        return { inside: [1, rewrite, ran.length - 1, ran.length], reopen: rewrite };
      },
    });
  }, 120_000);
});

const server = await postgresForTests();
describePostgres(server, 'hardening: a Postgres log with hex-text ids', () => {
  it('given a log written by the old schema, when the new code opens it, then every event reads back identically and its ids are stored as bytes', async () => {
    await expectPostgresUpgrade(TEXT_IDS, 500);
  });
});
