// The embedded log's start parameters keep a closed store small: the WAL segments a checkpoint
// retires are removed, not kept as spares (Postgres's default, which the same steps show).
import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openEmbeddedEventLog } from './open-embedded-event-log.js';
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

/** Bytes of WAL segment files in a data folder's pg_wal. */
async function walBytes(dataDir: string): Promise<number> {
  const wal = path.join(dataDir, 'pg_wal');
  const names = (await readdir(wal)).filter((n) => /^[0-9A-F]{24}$/.test(n));
  const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(wal, n))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

describe('a new embedded log folder', () => {
  it.each(['worker', 'caller'] as const)(
    // More WAL than initdb leaves as spare segments ahead of the first write (about 8MB), so what
    // is left is what the store's own writes leave, not what the folder was made with.
    'given a log opened on the %s thread that appended 12MB of events, when it closes, then its folder keeps at most 2MB of WAL',
    async (thread) => {
      const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'cairn-wal-')), 'log');
      dirs.push(path.dirname(dataDir));
      const log = await openEmbeddedEventLog({ dataDir, thread });
      for (let batch = 0; batch < 15; batch++) {
        // random text: the log's TOAST would compress a repeated one to nothing
        const events = Array.from({ length: 200 }, (_, i) => ({
          id: createHash('sha256').update(`wal-size/${batch}/${i}`).digest('hex'),
          type: 'WalSizeTest',
          data: { text: randomBytes(2000).toString('hex'), i },
        }));
        expect((await log.append({ stream: `s-${batch}`, events }))._tag).toBe('Right');
      }
      await log.close();
      expect(await walBytes(dataDir)).toBeLessThanOrEqual(2 * 2 ** 20);
    },
  );
});
