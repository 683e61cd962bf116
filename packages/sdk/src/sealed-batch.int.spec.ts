// Sealed batches on the Postgres log: the tampering cases table (the same as in memory),
// through the SDK's append and through verify, in one schema (__tests__/sealed-tampering.ts).
import { openPostgresEventLog } from '@cairn/eventlog';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { sealedTamperingOn } from './__tests__/sealed-tampering.js';

const availability = await postgresForTests();

describePostgres(availability, 'Postgres', () => {
  sealedTamperingOn('Postgres', async () => {
    const schema = await createTestSchema('sdk_sealperf');
    const log = await openPostgresEventLog({ connectionString: schema.url });
    return { log, close: () => schema.drop() };
  });
});
