// cairn passport, passport --verify, attest --verify's store check and record-keeping through the
// real binary on a Postgres store (log and projections in one schema, keys in a local folder).
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { passportSpecification } from './__tests__/passport-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'passport on Postgres', () => {
  passportSpecification('a Postgres store', {
    env: async (dir: string) => {
      const s = await createTestSchema('cli_passport');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
  });
});
