// The curator's loop (rebuilds, members, show CF, import ids) through the real binary on a Postgres store.
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { curatorBuildSpecification } from './__tests__/curator-build-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'the curator loop on Postgres', () => {
  curatorBuildSpecification('Postgres', {
    env: async (dir: string) => {
      const s = await createTestSchema('curator');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
  });
});
