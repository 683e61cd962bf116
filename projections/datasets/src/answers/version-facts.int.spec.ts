import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openProjectionStore } from '@cairn/projector';
import { versionFactsSuite } from './__tests__/version-facts-suite.js';

const pg = await postgresForTests();
const drops: Array<() => Promise<void>> = [];

describePostgres(pg, 'on Postgres', () => {
  versionFactsSuite('Postgres', async () => {
    const { url, schema, drop } = await createTestSchema('version_facts');
    drops.push(drop);
    return openProjectionStore({ connectionString: url, schema });
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
});
