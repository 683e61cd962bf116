// Erasure end to end on a Postgres store, through the real binary (__tests__/erasure-suite.ts).
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
  });
});
