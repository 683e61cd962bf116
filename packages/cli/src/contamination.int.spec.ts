// cairn contamination through the real binary on a Postgres store.
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { contaminationSpecification } from './__tests__/contamination-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'cairn contamination on Postgres', () => {
  contaminationSpecification('Postgres', {
    env: async (dir: string) => {
      const s = await createTestSchema('contam');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
  });
});
