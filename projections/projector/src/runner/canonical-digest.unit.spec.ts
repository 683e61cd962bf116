// canonicalDigest, the cheap side of verify's comparison: two copies of a projection's tables in
// one database digest alike exactly when canonicalDump would print them alike (whatever order the
// rows were written in), and a changed value, a missing row or an altered column shows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openProjectionStore, type ProjectionStore } from '../storage/store.js';
import { canonicalDigest, canonicalDump } from './canonical-dump.js';
import { migrateRunnerTables } from './runner-tables.js';
import { createHash } from 'node:crypto';

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

const projection = { tables: ['things'] };

describe('canonicalDigest', () => {
  let store: ProjectionStore;
  beforeAll(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    for (const [schema, order] of [
      ['live', 'asc'],
      ['copy', 'desc'],
    ] as const) {
      await sql.raw(`create schema ${schema}`).execute(store.db);
      await sql.raw(`create table ${schema}.things (id int, label text, facts jsonb)`).execute(store.db);
      await sql
        .raw(
          `insert into ${schema}.things select i, 'thing ' || i, jsonb_build_object('n', i) from generate_series(1, 50) i order by i ${order}`,
        )
        .execute(store.db);
    }
  });
  afterAll(async () => {
    await store.close();
  });
  const digest = (schema: string) => canonicalDigest(store.db, projection, { schema });

  it('given the same rows written in another order, then the digests are equal and count every row', async () => {
    const [live, copy] = [await digest('live'), await digest('copy')];
    expect(live.rows).toBe(50);
    expect(copy).toEqual(live);
  });

  it('when one value changes, then the digests differ, and they agree again once it is put back', async () => {
    const before = await digest('live');
    await sql.raw(`update copy.things set label = 'Mallory' where id = 7`).execute(store.db);
    expect((await digest('copy')).lines).not.toEqual(before.lines);
    await sql.raw(`update copy.things set label = 'thing 7' where id = 7`).execute(store.db);
    expect((await digest('copy')).lines).toEqual(before.lines);
  });

  it('when a row is duplicated or a column retyped, then the digests differ', async () => {
    const before = await digest('live');
    await sql.raw(`insert into copy.things select * from copy.things where id = 3`).execute(store.db);
    expect(await digest('copy')).not.toEqual(before);
    await sql.raw(`delete from copy.things where id = 3`).execute(store.db);
    await sql.raw(`insert into copy.things values (3, 'thing 3', '{"n": 3}')`).execute(store.db);
    expect(await digest('copy')).toEqual(before);
    await sql.raw(`alter table copy.things alter column id type bigint`).execute(store.db);
    expect((await digest('copy')).lines[0]).not.toEqual(before.lines[0]);
  });
});

describe('canonicalDump and canonicalDigest: the header lines', () => {
  it('given tables declared out of alphabetical order and a recorded failure, then each table is headed by its columns in their order, in the declared order, and the failures follow, in both', async () => {
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    await sql.raw(`create schema headers`).execute(store.db);
    await sql.raw(`set search_path to headers`).execute(store.db);
    await migrateRunnerTables(store.db as never);
    await sql.raw(`create table zebras (z text, a int)`).execute(store.db);
    await sql.raw(`create table ants (id bigint, tags text[], at timestamptz)`).execute(store.db);
    await sql.raw(`insert into ants values (1, '{x}', '2001-01-01T00:00:00Z')`).execute(store.db);
    await sql
      .raw(`insert into cairn_projection_failures values ('zoo', 9, 'e9', 'SampleContributed', 'does not decode: payload: bad')`)
      .execute(store.db);
    const zoo = { name: 'zoo', tables: ['zebras', 'ants'] };
    const headers = [
      '{"columns":[["z","text"],["a","integer"]],"table":"zebras"}',
      '{"columns":[["id","bigint"],["tags","ARRAY"],["at","timestamp with time zone"]],"table":"ants"}',
    ];
    const failures = [
      '{"projection":"zoo","table":"cairn_projection_failures"}',
      '{"event_id":"e9","event_type":"SampleContributed","position":"9","reason":"does not decode: payload: bad"}',
    ];
    const dump = (await canonicalDump(store.db, zoo, { schema: 'headers' })).trim().split('\n');
    expect(dump).toEqual([headers[0], headers[1], expect.stringContaining('"id":"1"'), ...failures]);
    const digest = await canonicalDigest(store.db, zoo, { schema: 'headers' });
    expect(digest.lines).toEqual([
      headers[0],
      expect.stringContaining('"rows":"0"'),
      headers[1],
      expect.stringContaining('"rows":"1"'),
      ...failures,
    ]);
    await expect(canonicalDigest(store.db, { tables: ['ants', 'lions'] }, { schema: 'headers' })).rejects.toThrow(
      'table lions does not exist',
    );
    await store.close();
  });
});

describe('canonicalDigest: bytea values', () => {
  // A version row holds its packed member ids (32 bytes a member): the digest hashes such a value
  // as bytes (never printed as hex text), and still tells every change apart.
  let store: ProjectionStore;
  const packed = { tables: ['packed'] };
  beforeAll(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    for (const schema of ['live', 'copy']) {
      await sql.raw(`create schema ${schema}`).execute(store.db);
      await sql.raw(`create table ${schema}.packed (id int, members bytea, note text)`).execute(store.db);
      await sql
        .raw(
          `insert into ${schema}.packed values
             (1, decode(repeat('ab', 5 * 1024 * 1024), 'hex'), 'five MB'),
             (2, ''::bytea, 'empty'),
             (3, null, 'none')`,
        )
        .execute(store.db);
    }
  });
  afterAll(async () => {
    await store.close();
  });
  const digest = (schema: string) => canonicalDigest(store.db, packed, { schema });

  it("given a row with a bytea value, then the digest hashes its binary form: the column count, then each column's type id, length and bytes", async () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    const int32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const [INT4, BYTEA, TEXT] = [23, 17, 25]; // pg_type oids
    const column = (oid: number, value: Uint8Array | null) =>
      value === null ? Buffer.concat([int32(oid), int32(-1)]) : Buffer.concat([int32(oid), int32(value.length), value]);
    const utf8 = (text: string) => new TextEncoder().encode(text);
    const rows = [
      [1, new Uint8Array(5 * 1024 * 1024).fill(0xab), 'five MB'],
      [2, new Uint8Array(0), 'empty'],
      [3, null, 'none'],
    ] as const;
    const forms = rows.map(([id, members, note]) =>
      Buffer.concat([int32(3), column(INT4, int32(id)), column(BYTEA, members), column(TEXT, utf8(note))]),
    );
    const hashes = forms.map(sha256).sort((a, b) => Buffer.compare(a, b));
    const expected = hex(sha256(Buffer.concat(hashes)));
    expect((await digest('live')).lines[1]).toBe(`{"rows":"3","sha256":"${expected}"}`);
  });

  it('when one byte of a large value changes, or an empty value becomes null, then the digests differ; put back, they agree', async () => {
    const before = await digest('live');
    expect(await digest('copy')).toEqual(before);
    await sql.raw(`update copy.packed set members = set_byte(members, 4000000, 0) where id = 1`).execute(store.db);
    expect((await digest('copy')).lines).not.toEqual(before.lines);
    await sql.raw(`update copy.packed set members = set_byte(members, 4000000, 171) where id = 1`).execute(store.db);
    expect(await digest('copy')).toEqual(before);
    await sql.raw(`update copy.packed set members = null where id = 2`).execute(store.db);
    expect((await digest('copy')).lines).not.toEqual(before.lines);
    await sql.raw(`update copy.packed set members = ''::bytea where id = 2`).execute(store.db);
    expect(await digest('copy')).toEqual(before);
  });
});
