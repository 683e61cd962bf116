// An embedded projections folder is made with 1MB WAL segments, as the log's is: a closed store
// keeps its current segment or two, not 16MB ones.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openProjectionStore } from './store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function walBytes(dataDir: string): Promise<number> {
  const wal = path.join(dataDir, 'pg_wal');
  const names = (await readdir(wal)).filter((n) => /^[0-9A-F]{24}$/.test(n));
  const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(wal, n))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

describe('an embedded projection store', () => {
  // More WAL than initdb leaves as spare segments ahead of the first write (about 8MB).
  it('given a new folder written with 12MB of rows, when the store closes, then the folder keeps at most 2MB of WAL', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'cairn-projections-wal-'));
    dirs.push(root);
    const dataDir = path.join(root, 'projections');
    const store = await openProjectionStore({ dataDir });
    await sql`create table filler (n int, text text)`.execute(store.db);
    // md5 text: random enough that TOAST compression does not shrink it to nothing
    for (let batch = 0; batch < 6; batch++)
      await sql`insert into filler select g, string_agg(md5(g::text || ':' || h::text), '') from generate_series(${batch * 1000}::int, ${batch * 1000 + 999}::int) g,
        generate_series(1, 60) h group by g`.execute(store.db);
    await store.close();
    expect(await walBytes(dataDir)).toBeLessThanOrEqual(2 * 2 ** 20);
  });
});
