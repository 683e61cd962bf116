// A log written while every row carried its whole stream name under a (stream, revision) key on
// the name (the DDL of that version, kept as a fixture) is upgraded in place the first time the
// new code opens it: `<kind>-<id>` names are stored by their kind alone, the key becomes a digest
// of the name, every event reads back as it was written (id, stream, revision, position, type,
// stored body, metadata, time), the new key still refuses a second event at an old revision, and
// a process killed (kill -9) inside the upgrade's transaction leaves the old schema and rows,
// after its commit the new ones, never a mix.
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
const OLD_DDL = await readFile(path.join(here, '__fixtures__', 'log-schema-stream-names.sql'), 'utf8');

const idOf = (n: number) => createHash('sha256').update(`stream-key-upgrade/${n}`).digest('hex');

/** Every field of the table's rows, the ids as hex; `stream` completes the names of the new schema. */
const hexIdRows = (exec: Exec, table: string, stream?: string) => tableRows(exec, table, { id: `encode(id, 'hex')`, stream });

/**
 * The stream of the n-th old event: mostly its own `cf-<id>` (the bulk case), and every kind of
 * name the new representation must tell apart from that: one long stream, a name that is only an
 * id, a name ending in another event's id, a non-ASCII kind, a kind of one dash, a name with a
 * quote and a backslash.
 */
function streamOf(n: number, id: string): { stream: string; revision: number } {
  if (n % 7 === 0) return { stream: 'contributor-alice', revision: n / 7 };
  if (n % 11 === 0) return { stream: id, revision: 0 };
  if (n % 13 === 0) return { stream: `cf-${idOf(n + 1_000_000)}`, revision: 0 };
  if (n % 17 === 0) return { stream: `échantillon ✓-${id}`, revision: 0 };
  if (n % 19 === 0) return { stream: `-${id}`, revision: 0 };
  if (n % 23 === 0) return { stream: `it's \\ odd-${id}x`, revision: 0 };
  return { stream: `cf-${id}`, revision: 0 };
}

/** An old-format log in `schema`: the old DDL, then `count` events, inserted as that version did. */
async function writeOldLog(exec: Exec, schema: string, count: number): Promise<void> {
  await exec(OLD_DDL.replaceAll('__SCHEMA__', schema));
  const log = `"${schema}".cairn_log`;
  const ids: string[] = [];
  const streams: string[] = [];
  const revisions: string[] = [];
  const datas: string[] = [];
  const metadatas: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = idOf(n);
    const { stream, revision } = streamOf(n, id);
    ids.push(id);
    streams.push(stream);
    revisions.push(String(revision));
    datas.push(JSON.stringify({ n, text: `é ${'"quoted" \\ '.repeat(n % 3)}✓` }));
    metadatas.push(n % 5 === 0 ? JSON.stringify({ by: 'fixture', n }) : '');
  }
  await exec(
    `insert into ${log} (id, stream, revision, type, data, metadata)
     select decode(i, 'hex'), s, r, 'SampleContributed', d, m
       from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) as u(i, s, r, d, m)`,
    [ids, streams, revisions, datas, metadatas],
  );
}

/** The upgraded log's checks: every event as it was, stored the new way, and the new key at work on old rows. */
async function expectUpgraded(log: EventLog, exec: Exec, table: string, before: TableRows) {
  const all = await log.readAll();
  if (all._tag === 'Left') throw new Error(JSON.stringify(all.left));
  expect(all.right.map(seen)).toEqual(before);

  // `<kind>-<id>` names are stored by their kind; no other name is cut.
  const stored = await exec(`select encode(id, 'hex') as id, stream, stream_suffixed from ${table} order by position`);
  for (const [k, row] of stored.entries()) {
    const whole = before[k]!.stream;
    const suffixed = whole.length > 64 && whole.endsWith(row.id as string);
    expect({ stream: row.stream, suffixed: row.stream_suffixed }).toEqual({ stream: suffixed ? whole.slice(0, -64) : whole, suffixed });
  }
  expect(stored.filter((r) => r.stream_suffixed === true).length).toBeGreaterThan(before.length / 2);

  // Each stream reads back whole, in order, and nothing of any other.
  for (const stream of new Set(before.map((e) => e.stream))) {
    const read = await log.readStream(stream);
    expect(read._tag === 'Right' && read.right.map(seen)).toEqual(before.filter((e) => e.stream === stream));
  }

  // Optimistic concurrency on old streams: the head is where the old rows left it.
  const cf = before.find((e) => e.stream === `cf-${e.id}`)!;
  const stale = await log.append({
    stream: cf.stream,
    expectedRevision: ExpectedRevision.noStream,
    events: [{ id: idOf(2_000_000), type: 'T', data: {} }],
  });
  expect(stale._tag === 'Left' && stale.left._tag).toBe('WrongExpectedRevision');
  const next = await log.append({
    stream: cf.stream,
    expectedRevision: ExpectedRevision.exact(0n),
    events: [{ id: idOf(2_000_001), type: 'T', data: {} }],
  });
  expect(next._tag === 'Right' && next.right.nextExpectedRevision).toBe(1n);
  const alice = before.filter((e) => e.stream === 'contributor-alice');
  const longNext = await log.append({
    stream: 'contributor-alice',
    expectedRevision: ExpectedRevision.exact(BigInt(alice.length - 1)),
    events: [{ id: idOf(2_000_002), type: 'T', data: {} }],
  });
  expect(longNext._tag === 'Right' && longNext.right.nextExpectedRevision).toBe(BigInt(alice.length));

  // The database itself refuses a second event at an old revision, even from a row that spells
  // the stream's name whole where the old row is stored by its kind.
  const raw = await exec(
    `insert into ${table} (id, stream, stream_suffixed, revision, type, data, metadata)
     values (decode($1, 'hex'), $2, false, 0, 'T', '{}', '')`,
    [idOf(2_000_003), cf.stream],
  ).then(
    () => 'inserted',
    (e: { code?: string; constraint?: string }) => `${e.code} ${e.constraint}`,
  );
  expect(raw).toBe('23505 cairn_log_stream_revision_key');
}

const STREAM_NAMES: OldLog = { name: 'stream-names', write: writeOldLog, read: (exec, table) => hexIdRows(exec, table), expectUpgraded };

describe('hardening: an embedded log with whole stream names', () => {
  const { oldStore, expectOpensUpgraded, expectKillsLeaveOldOrNew } = embeddedUpgrades(STREAM_NAMES);

  it('given a store written by the old schema, when the new code opens it, then every event and every stream reads back identically and the new key guards its revisions', async () => {
    const { dir, before } = await oldStore(400);
    await expectOpensUpgraded(dir, before);
  });

  it('given a store written by the old schema, when the process upgrading it is killed inside its transaction, then the store holds the old schema and every old row; when killed after its commit, the new schema and every row', async () => {
    const { dir: template, before } = await oldStore(300);
    /** The stream columns, the key's definition, the schema mark and every row, read without the new code. */
    const stateOf = (dir: string) =>
      readStore(dir, async (exec) => {
        const [found] = await exec(
          `select (select count(*)::int from pg_attribute where attrelid = 'public.cairn_log'::regclass and attname = 'stream_suffixed') as suffixed,
                  (select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid
                    where i.indrelid = 'public.cairn_log'::regclass and c.relname = 'cairn_log_stream_revision_key') as key,
                  obj_description('public.cairn_log'::regclass, 'pg_class') as mark`,
        );
        const upgraded = found!.suffixed === 1;
        return {
          upgraded,
          keyOnDigest: String(found!.key).includes('md5('),
          mark: found!.mark,
          rows: await hexIdRows(exec, 'public.cairn_log', upgraded ? streamNameSql('') : undefined),
        };
      });
    await expectKillsLeaveOldOrNew({
      template,
      before,
      stateOf,
      asOld: { upgraded: false, keyOnDigest: false, mark: oldSchemaMark(OLD_DDL), rows: before },
      asNew: { upgraded: true, keyOnDigest: true, mark: schemaMark(logTables('public')), rows: before },
      kills: (ran) => {
        const rewrite = ran.findIndex((s) => s.includes('alter column stream_suffixed type boolean')) + 1;
        const key = ran.findIndex((s) => s.includes('create unique index if not exists cairn_log_stream_revision_key')) + 1;
        expect(rewrite).toBeGreaterThan(1);
        expect(key).toBeGreaterThan(rewrite);
        // Inside the transaction: after the migration lock, after the table's rewrite, after the new
        // key's build, after the last DDL, after the mark (the commit next).
        return { inside: [1, rewrite, key, ran.length - 1, ran.length], reopen: rewrite };
      },
    });
  }, 180_000);
});

const server = await postgresForTests();
describePostgres(server, 'hardening: a Postgres log with whole stream names', () => {
  it('given a log written by the old schema, when the new code opens it, then every event and every stream reads back identically and the new key guards its revisions', async () => {
    await expectPostgresUpgrade(STREAM_NAMES, 400);
  });
});
