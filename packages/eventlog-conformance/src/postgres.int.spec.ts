import pg from 'pg';
import { openPostgresEventLog, type EventLog } from '@cairn/eventlog';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { eventLogConformanceSuite } from './suite.js';

const server = await postgresForTests();

describePostgres(server, 'postgres adapter', () => {
  const schemas = new WeakMap<object, string>();
  eventLogConformanceSuite(
    'postgres',
    async () => {
      const schema = await createTestSchema('eventlog');
      let log: EventLog = await openPostgresEventLog({ connectionString: schema.url });
      const subject = {
        get log() {
          return log;
        },
        reopen: async () => {
          await log.close();
          log = await openPostgresEventLog({ connectionString: schema.url });
          return log;
        },
        cleanup: async () => {
          await log.close();
          await schema.drop();
        },
      };
      schemas.set(subject, schema.url);
      return subject;
    },
    {
      reopenable: true,
      breakReads: async (subject) => {
        const client = new pg.Client({ connectionString: schemas.get(subject)! });
        await client.connect();
        try {
          await client.query('alter table cairn_log rename to cairn_log_unreachable');
        } finally {
          await client.end();
        }
      },
      rawSql: (subject) => ({
        table: 'cairn_log',
        open: async () => {
          const client = new pg.Client({ connectionString: schemas.get(subject)! });
          await client.connect();
          return client;
        },
      }),
    },
  );
});
