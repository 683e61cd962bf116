// copyRowsOrInsert: one COPY for rows nobody stated yet, the caller's insert when a key says one was.
import { describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { copyNullableField, copyRowsOrInsert } from './copy.js';
import { openProjectionStore } from './store.js';

interface Db {
  facts: { id: string; note: string | null };
}

const rowsText = (rows: readonly [string, string | null][]) =>
  rows.map(([id, note]) => `${copyNullableField(id)}\t${copyNullableField(note)}\n`).join('');

async function withFacts(body: (db: Kysely<Db>) => Promise<void>): Promise<void> {
  const store = await openProjectionStore({ pglite: await PGlite.create() });
  const db = store.db as unknown as Kysely<Db>;
  await sql`create table facts (id text primary key, note text)`.execute(db);
  try {
    await body(db);
  } finally {
    await store.close();
  }
}

const insertKeepingFirst = (db: Kysely<Db>, rows: readonly [string, string | null][]) => async () => {
  await db
    .insertInto('facts')
    .values(rows.map(([id, note]) => ({ id, note })))
    .onConflict((oc) => oc.doNothing())
    .execute();
};

describe('copyRowsOrInsert', () => {
  it('given rows with new ids only, when copied in a transaction, then they go in by COPY and the insert is never called', async () => {
    await withFacts(async (db) => {
      const rows: [string, string | null][] = [
        ['a', 'tab\there'],
        ['b', null],
      ];
      let inserts = 0;
      await db
        .transaction()
        .execute((tx) => copyRowsOrInsert<Db, 'facts'>(tx, 'facts', ['id', 'note'], rowsText(rows), async () => void (inserts += 1)));
      expect(inserts).toBe(0);
      expect(await db.selectFrom('facts').selectAll().orderBy('id').execute()).toEqual([
        { id: 'a', note: 'tab\there' },
        { id: 'b', note: null },
      ]);
    });
  });

  it('given an id already stated, when rows stating it again are copied, then the COPY is undone, the insert runs and the first statement stays, in the same transaction', async () => {
    await withFacts(async (db) => {
      await db.insertInto('facts').values({ id: 'a', note: 'first' }).execute();
      const rows: [string, string | null][] = [
        ['a', 'second'],
        ['c', 'new'],
      ];
      await db.transaction().execute(async (tx) => {
        await copyRowsOrInsert<Db, 'facts'>(tx, 'facts', ['id', 'note'], rowsText(rows), insertKeepingFirst(tx, rows));
        // the transaction goes on after the refused COPY
        await tx.insertInto('facts').values({ id: 'd', note: 'after' }).execute();
      });
      expect(await db.selectFrom('facts').selectAll().orderBy('id').execute()).toEqual([
        { id: 'a', note: 'first' },
        { id: 'c', note: 'new' },
        { id: 'd', note: 'after' },
      ]);
    });
  });

  it('given a batch stating one id twice, when copied, then the first of the two is kept', async () => {
    await withFacts(async (db) => {
      const rows: [string, string | null][] = [
        ['x', 'one'],
        ['x', 'two'],
      ];
      await db.transaction().execute((tx) =>
        copyRowsOrInsert<Db, 'facts'>(tx, 'facts', ['id', 'note'], rowsText(rows), () =>
          tx
            .insertInto('facts')
            .columns(['id', 'note'])
            .expression(sql`select * from unnest(${rows.map((r) => r[0])}::text[], ${rows.map((r) => r[1])}::text[])`)
            .onConflict((oc) => oc.doNothing())
            .execute()
            .then(() => undefined),
        ),
      );
      expect(await db.selectFrom('facts').selectAll().execute()).toEqual([{ id: 'x', note: 'one' }]);
    });
  });

  it('given a failure that is not a key, when copying, then it is thrown', async () => {
    await withFacts(async (db) => {
      const attempt = db
        .transaction()
        .execute((tx) => copyRowsOrInsert<Db, 'facts'>(tx, 'facts', ['id', 'note'], 'only-one-field\n', async () => undefined));
      await expect(attempt).rejects.toThrow();
    });
  });
});
