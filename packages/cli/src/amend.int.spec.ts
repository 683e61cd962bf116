// `cairn amend` through the real binary on a Postgres store (log and projections in Postgres).
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { amendSpecification } from './__tests__/amend-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'cairn amend on Postgres', () => {
  amendSpecification('Postgres', {
    env: async (dir: string) => {
      const s = await createTestSchema('amend');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
  });
});
