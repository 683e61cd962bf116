import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openProjectionStore } from '@cairn/projector';
import { datasetsSuite } from './__tests__/datasets-suite.js';
import { liveIndexSuite } from './__tests__/live-index-suite.js';

const pg = await postgresForTests();
const drops: Array<() => Promise<void>> = [];

describePostgres(pg, 'on Postgres', () => {
  datasetsSuite('Postgres', async () => {
    const { url, schema, drop } = await createTestSchema('datasets');
    drops.push(drop);
    return openProjectionStore({ connectionString: url, schema });
  });
  liveIndexSuite('Postgres', async () => {
    const { url, schema, drop } = await createTestSchema('datasets_live');
    drops.push(drop);
    return openProjectionStore({ connectionString: url, schema });
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
});
