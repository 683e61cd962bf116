// Who may do what (issue #14 item 2) on a Postgres store, through the built program's main() in the
// process kept for this file (cli-run.ts cairnHere): the same
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
    inProcess: true,
  });
});
