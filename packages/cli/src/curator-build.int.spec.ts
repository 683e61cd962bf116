// The curator's loop (rebuilds, members, show CF, import ids) on a Postgres store, through the built
// program's main() in the process kept for this file (cli-run.ts cairnHere).
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
    inProcess: true,
  });
});
