import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openPostgresEventLog } from '@cairn/eventlog';
import { openProjectionStore } from '@cairn/projector';
import { crashSuite } from './__tests__/crash-suite.js';

const pg = await postgresForTests();

describePostgres(pg, 'on Postgres', () => {
  crashSuite('Postgres log and Postgres projections', async () => {
    const logSchema = await createTestSchema('crash_log');
    const storeSchema = await createTestSchema('crash_proj');
    const base = pg.url;
    return {
      logSpec: `postgres:${base}|${logSchema.schema}`,
      storeSpec: `postgres:${base}|${storeSchema.schema}`,
      openLog: () => openPostgresEventLog({ connectionString: base }, { schema: logSchema.schema }),
      openStore: () => openProjectionStore({ connectionString: base, schema: storeSchema.schema }),
      cleanup: async () => {
        await logSchema.drop();
        await storeSchema.drop();
      },
    };
  });
});
