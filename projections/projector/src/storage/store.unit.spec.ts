// The embedded store on a data directory, with PGlite on a worker thread (the default): the
// answers, transactions and COPY the caller's-thread store gives (every other suite runs that one,
// over a PGlite it is handed), and the caller's event loop free while a statement runs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { copyRows } from './copy.js';
import { openProjectionStore, type ProjectionStore } from './store.js';

interface TestDatabase {
  t: { id: string; label: string };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function storeOnFolder(thread?: 'worker' | 'caller'): Promise<ProjectionStore<TestDatabase>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-store-'));
  dirs.push(dir);
  return openProjectionStore<TestDatabase>({ dataDir: path.join(dir, 'projections'), ...(thread ? { thread } : {}) });
}

// Each test its own table, in one store (opening a folder runs initdb, which takes seconds).
const createTable = async (db: Kysely<TestDatabase>) => {
  await sql`drop table if exists t`.execute(db);
  await sql`create table t (id int8 primary key, label text not null)`.execute(db);
};

/** How many times the event loop came round (setImmediate) while `work` ran. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const turn = () => {
    turns += 1;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await work();
  running = false;
  return turns;
}

// Enough work that a statement takes a while on any machine, and nothing to send back.
const LONG_STATEMENT = sql`select count(*) from generate_series(1, 1000000)`;

describe('an embedded store with PGlite on a worker thread', () => {
  let store: ProjectionStore<TestDatabase>;
  beforeAll(async () => {
    store = await storeOnFolder();
  });
  afterAll(async () => {
    await store.close();
  });

  it('given rows copied and inserted in a transaction, when it commits, then they are read back, int8 as text, with counts', async () => {
    await createTable(store.db);
    await store.db.transaction().execute(async (tx) => {
      await copyRows<TestDatabase, 't'>(tx, 't', ['id', 'label'], '1\tone\n9007199254740993\ttab\\there\n');
      await tx.insertInto('t').values({ id: '3', label: 'three' }).execute();
    });
    const updated = await store.db.updateTable('t').set({ label: 'uno' }).where('id', '=', '1').executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    expect(await store.db.selectFrom('t').selectAll().orderBy('id').execute()).toEqual([
      { id: '1', label: 'uno' },
      { id: '3', label: 'three' },
      { id: '9007199254740993', label: 'tab\there' },
    ]);
  });

  it('given a transaction that fails, when it rolls back, then none of it is kept and the error carries its SQLSTATE', async () => {
    await createTable(store.db);
    await store.db.insertInto('t').values({ id: '1', label: 'one' }).execute();
    const failed = store.db.transaction().execute(async (tx) => {
      await copyRows<TestDatabase, 't'>(tx, 't', ['id', 'label'], '2\ttwo\n');
      await tx.insertInto('t').values({ id: '1', label: 'again' }).execute();
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect(await store.db.selectFrom('t').select('id').execute()).toEqual([{ id: '1' }]);
  });

  it('given a transaction in progress, when another read comes meanwhile, then it waits and sees only what was committed', async () => {
    await createTable(store.db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const wrote = new Promise<void>((resolve) => (inserted = resolve));
    const writing = store.db.transaction().execute(async (tx) => {
      await tx.insertInto('t').values({ id: '1', label: 'one' }).execute();
      inserted();
      await held;
      throw new Error('rolled back on purpose');
    });
    await wrote;
    const reading = store.db.selectFrom('t').select('id').execute();
    release();
    await expect(writing).rejects.toThrow('rolled back on purpose');
    expect(await reading).toEqual([]);
  });

  it('given a jsonb value, when read, then its objects are plain objects of the reader, as a check for plain JSON wants', async () => {
    const [row] = (await sql<{ j: { a: { b: number[] } }; at: Date }>`select '{"a":{"b":[1]}}'::jsonb as j, now() as at`.execute(store.db))
      .rows;
    expect(Object.getPrototypeOf(row!.j)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(row!.j.a)).toBe(Object.prototype);
    expect(row!.j.a.b).toBeInstanceOf(Array);
    expect(row!.at).toBeInstanceOf(Date);
  });

  it('given PGlite on a worker thread, when a long statement runs, then the caller keeps serving its event loop meanwhile', async () => {
    expect(await turnsDuring(() => LONG_STATEMENT.execute(store.db))).toBeGreaterThan(1);
  });
});

describe('an embedded store on a folder, opened and closed', () => {
  it("given PGlite on the caller's thread, when a statement runs, then the caller's event loop waits for it (why the worker is the default)", async () => {
    const store = await storeOnFolder('caller');
    try {
      expect(await turnsDuring(() => LONG_STATEMENT.execute(store.db))).toBeLessThanOrEqual(1);
    } finally {
      await store.close();
    }
  });

  it('given a closed store, when its folder is opened again, then the lock was released and the data is there', async () => {
    const store = await storeOnFolder();
    await createTable(store.db);
    await store.db.insertInto('t').values({ id: '7', label: 'seven' }).execute();
    await store.close();
    const again = await openProjectionStore<TestDatabase>({ dataDir: path.join(dirs.at(-1)!, 'projections') });
    try {
      expect(await again.db.selectFrom('t').selectAll().execute()).toEqual([{ id: '7', label: 'seven' }]);
    } finally {
      await again.close();
    }
  });
});
