// runs list / show / diff, reproduce-check and unlearning through the real binary on a Postgres
// store (log and projections in one schema, keys and artifacts in a local folder).
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { runsSpecification } from './__tests__/runs-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'runs on Postgres', () => {
  runsSpecification('a Postgres store', {
    env: async (dir: string) => {
      const s = await createTestSchema('cli_runs');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
  });
});
