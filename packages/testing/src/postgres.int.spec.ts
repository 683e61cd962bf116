import { expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestSchema, postgresForTests, describePostgres } from './index.js';

const server = await postgresForTests();

describePostgres(server, 'createTestSchema', () => {
  it('given two test schemas, when a table is created in one, then the other does not see it, and drop removes it', async () => {
    const a = await createTestSchema('testing_a');
    const b = await createTestSchema('testing_b');
    const ca = new pg.Client({ connectionString: a.url });
    const cb = new pg.Client({ connectionString: b.url });
    await ca.connect();
    await cb.connect();
    try {
      await ca.query('create table marker (x int)');
      const inA = await ca.query(
        `select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'marker'`,
      );
      const inB = await cb.query(
        `select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'marker'`,
      );
      expect(inA.rows[0].n).toBe(1);
      expect(inB.rows[0].n).toBe(0);
      expect(a.schema).not.toBe(b.schema);
    } finally {
      await ca.end();
      await cb.end();
    }
    await a.drop();
    await b.drop();
    const check = new pg.Client({ connectionString: server.url });
    await check.connect();
    try {
      const left = await check.query('select count(*)::int as n from information_schema.schemata where schema_name = any($1)', [
        [a.schema, b.schema],
      ]);
      expect(left.rows[0].n).toBe(0);
    } finally {
      await check.end();
    }
  });
});
