// The embedded log's start parameters keep a closed store small: the WAL segments a checkpoint
// retires are removed, not kept as spares (Postgres's default, which the same steps show).
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { EMBEDDED_LOG_START_PARAMS } from './start-params.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** WAL segments left in pg_wal after writing into `switches` segments, a checkpoint and a close. */
async function segmentsLeft(startParams: readonly string[], switches: number): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cairn-wal-'));
  dirs.push(dataDir);
  const db = await PGlite.create({ dataDir, startParams: [...startParams] });
  await db.query('create table t (n int)');
  for (let i = 0; i < switches; i++) {
    await db.query('insert into t values ($1)', [i]);
    await db.query('select pg_switch_wal()');
  }
  await db.query('checkpoint');
  await db.close();
  return (await readdir(path.join(dataDir, 'pg_wal'))).filter((n) => /^[0-9A-F]{24}$/.test(n)).length;
}

describe('embedded log start parameters', () => {
  it('given a session that filled several WAL segments, when it checkpoints and closes, then pg_wal keeps at most two (the defaults keep the spares)', async () => {
    const ours = await segmentsLeft(EMBEDDED_LOG_START_PARAMS, 4);
    const defaults = await segmentsLeft(PGlite.defaultStartParams, 4);
    expect(ours).toBeLessThanOrEqual(2);
    expect(defaults).toBeGreaterThan(ours);
  });
});
