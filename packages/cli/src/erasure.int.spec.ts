// Erasure end to end on a Postgres store (__tests__/erasure-suite.ts), through the built program's
// main() in the process kept for this file (cli-run.ts cairnHere).
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { erasureSpecification } from './__tests__/erasure-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'on Postgres', () => {
  erasureSpecification('Postgres', {
    env: async (dir: string) => {
      const s = await createTestSchema('erase');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
    inProcess: true,
  });
});
