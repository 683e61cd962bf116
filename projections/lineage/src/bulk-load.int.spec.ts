import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import pg from 'pg';
import { openProjectionStore } from '@cairn/projector';
import { bulkLoadSuite } from './__tests__/bulk-load-suite.js';

const postgres = await postgresForTests();

describePostgres(postgres, 'on Postgres', () => {
  bulkLoadSuite('on Postgres (COPY through pg)', async () => {
    const { url, schema, drop } = await createTestSchema('bulk');
    const other = `${schema}_other`;
    const store = await openProjectionStore({ connectionString: url, schema });
    return {
      store,
      schema,
      otherSchema: other,
      close: async () => {
        await store.close();
        const admin = new pg.Client({ connectionString: postgres.url });
        await admin.connect();
        try {
          await admin.query(`drop schema if exists "${other}" cascade`);
        } finally {
          await admin.end();
        }
        await drop();
      },
    };
  });
});
