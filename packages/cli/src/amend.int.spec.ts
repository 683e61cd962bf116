// `cairn amend` on a Postgres store (log and projections in Postgres), through the built program's
// main() in the process kept for this file (cli-run.ts cairnHere).
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
    inProcess: true,
  });
});
