// Who may do what (issue #14 item 2) through the real binary on a Postgres store: the same
// specification as on the embedded store (permissions.e2e.spec.ts).
import { afterAll } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { permissionsSpecification } from './__tests__/permissions-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'permissions on Postgres', () => {
  permissionsSpecification('Postgres', {
    env: async (dir: string) => {
      const s = await createTestSchema('perm');
      dropped.push(s.drop);
      return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
    },
  });
});
