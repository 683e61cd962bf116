import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openProjectionStore } from '@cairn/projector';
import { lineageSuite } from './__tests__/lineage-suite.js';

const pg = await postgresForTests();
const drops: Array<() => Promise<void>> = [];

describePostgres(pg, 'on Postgres', () => {
  lineageSuite('Postgres', async () => {
    const { url, schema, drop } = await createTestSchema('lineage');
    drops.push(drop);
    return openProjectionStore({ connectionString: url, schema });
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
});
