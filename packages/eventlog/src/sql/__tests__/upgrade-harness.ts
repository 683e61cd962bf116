// The harness of the log-upgrade specs (stream-key-upgrade, text-id-upgrade): a log written by an
// older schema (its DDL kept as a fixture) is made once in a PGlite folder, opened by the new code
// to check every event reads back as written, and copied for each run of the migration in a child
// that kills itself (kill -9) after its k-th statement, so that the copy can be read without the
// new code to tell the old store from the new one. What differs between upgrades (the old rows,
// what "upgraded" means, where to kill) stays in each spec.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createTestSchema } from '@cairn/testing';
import { openEmbeddedEventLogWithSql } from '../../pglite/open-embedded-event-log.js';
import { openPostgresEventLog } from '../../postgres/open-postgres-event-log.js';
import type { EventLog, RecordedEvent } from '../../port.js';

const MIGRATE_THEN_DIE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'migrate-then-die.mjs');

export type Exec = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** What a reader sees of an event, every field. */
export const seen = (e: RecordedEvent) => ({
  id: e.id,
  stream: e.stream,
  revision: e.revision.toString(),
  position: e.position.toString(),
  type: e.type,
  storedData: e.storedData,
  metadata: 'metadata' in e ? JSON.stringify(e.metadata) : undefined,
  recordedAt: e.recordedAt.toISOString(),
});

/**
 * The fields `seen` shows, read straight from a log table in position order: `id` spells the id as
 * hex and `stream` the whole stream name, in whichever schema the table is.
 */
export async function tableRows(exec: Exec, table: string, columns: { id?: string; stream?: string } = {}) {
  const rows = await exec(
    `select ${columns.id ?? 'id'} as id, ${columns.stream ?? 'stream'} as stream, revision::text as revision, position::text as position, type, data, metadata, recorded_at
       from ${table} l order by l.position`,
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
export type TableRows = Awaited<ReturnType<typeof tableRows>>;

/** The schema mark an old DDL fixture puts on its log table. */
export const oldSchemaMark = (ddl: string): string => /comment on table "__SCHEMA__"\.cairn_log is '([^']+)'/.exec(ddl)![1]!;

/** One upgrade under test: how the old version wrote its log, and what the upgraded log must show. */
export interface OldLog {
  /** Names the folders and schemas made for it. */
  readonly name: string;
  /** Writes the old DDL into `schema`, then `count` events, inserted as that version did. */
  readonly write: (exec: Exec, schema: string, count: number) => Promise<void>;
  /** Every event of the old table, as `tableRows` reads it. */
  readonly read: (exec: Exec, table: string) => Promise<TableRows>;
  /** The upgraded log's checks, against the events read before the upgrade. */
  readonly expectUpgraded: (log: EventLog, exec: Exec, table: string, before: TableRows) => Promise<void>;
}

/** Reads the store in `dir` on a PGlite of its own, without the new code (no migration runs). */
export async function readStore<T>(dir: string, read: (exec: Exec) => Promise<T>): Promise<T> {
  const db = await PGlite.create({ dataDir: dir });
  try {
    return await read(async (sql, params) => (await db.query(sql, params)).rows as never);
  } finally {
    await db.close();
  }
}

/** For a describe block: embedded old stores, removed after it with the lock files beside them. */
export function embeddedUpgrades(old: OldLog) {
  const dirs: string[] = [];
  afterAll(async () => {
    // A killed opener leaves its lock file beside the folder.
    const besides = await readdir(os.tmpdir());
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true });
      for (const f of besides.filter((name) => name.startsWith(`${path.basename(dir)}.lock`)))
        await rm(path.join(os.tmpdir(), f), { force: true });
    }
  });
  const freshDir = async (kind: string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), `cairn-${old.name}-${kind}`));
    dirs.push(dir);
    return dir;
  };

  /** A store written by the old version, and its events as read before any upgrade. */
  const oldStore = async (count: number) => {
    const dir = await freshDir('');
    const db = await PGlite.create({ dataDir: dir });
    const exec: Exec = async (sql, params) =>
      (params ? (await db.query(sql, params)).rows : (await db.exec(sql)).flatMap((r) => r.rows)) as never;
    await old.write(exec, 'public', count);
    const before = await old.read(exec, 'public.cairn_log');
    await db.close();
    return { dir, before };
  };

  /** Opens the store in `dir` with the new code and runs the upgraded log's checks. */
  const expectOpensUpgraded = async (dir: string, before: TableRows) => {
    const opened = await openEmbeddedEventLogWithSql({ dataDir: dir });
    try {
      await old.expectUpgraded(opened.log, (sql, params) => opened.query(sql, params) as never, 'public.cairn_log', before);
    } finally {
      await opened.log.close();
    }
  };

  /**
   * A copy of `template`, migrated by a child that kills itself after its `killAfter`-th statement,
   * or after its commit when there are fewer; then it tells the statements it ran.
   */
  const migrateThenDie = async (template: string, killAfter: number) => {
    const dir = await freshDir('killed-');
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

  /**
   * Migrates copies of `template`: killed after its commit, the copy reads `asNew`; killed after
   * each of the statements `kills` picks from those the committed run made, `asOld`. The copy
   * killed after `kills.reopen`, and the committed one, then open with the new code as upgraded.
   */
  const expectKillsLeaveOldOrNew = async <TState>(given: {
    template: string;
    before: TableRows;
    stateOf: (dir: string) => Promise<TState>;
    asOld: TState;
    asNew: TState;
    kills: (ran: string[]) => { inside: number[]; reopen: number };
  }) => {
    // When it is killed after its commit, it has told which statements it ran.
    const committed = await migrateThenDie(given.template, Number.MAX_SAFE_INTEGER);
    expect(await given.stateOf(committed.dir)).toEqual(given.asNew);
    const { inside, reopen } = given.kills(committed.statements!);
    expect(inside).toContain(reopen);
    const killed = new Map<number, string>();
    for (const k of inside) {
      const { dir } = await migrateThenDie(given.template, k);
      expect({ killedAfter: k, ...(await given.stateOf(dir)) }).toEqual({ killedAfter: k, ...given.asOld });
      killed.set(k, dir);
    }
    // Either kind of store then opens with the new code and reads as it was written.
    for (const dir of [killed.get(reopen)!, committed.dir]) await expectOpensUpgraded(dir, given.before);
  };

  return { oldStore, expectOpensUpgraded, expectKillsLeaveOldOrNew };
}

/** An old log written in a fresh Postgres schema, opened by the new code, checked as upgraded. */
export async function expectPostgresUpgrade(old: OldLog, count: number): Promise<void> {
  const schema = await createTestSchema(`eventlog_${old.name.replaceAll('-', '_')}`);
  const pool = new pg.Pool({ connectionString: schema.url, max: 2 });
  const exec: Exec = async (sql, params) => (await pool.query(sql, params)).rows as never;
  try {
    await old.write(exec, schema.schema, count);
    const table = `"${schema.schema}".cairn_log`;
    const before = await old.read(exec, table);
    const log = await openPostgresEventLog({ pool }, { schema: schema.schema });
    try {
      await old.expectUpgraded(log, exec, table, before);
    } finally {
      await log.close();
    }
  } finally {
    await pool.end();
    await schema.drop();
  }
}
