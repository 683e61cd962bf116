// The command line on a Postgres store, and `cairn verify` against an attacker with superuser
// rights: the log's append-only triggers are disabled and rows changed directly (design.md §4).
// The shared suites and the givens ask the built program's main() in the process kept for this
// file (cli-run.ts cairnHere); each verify after an attack is a real bin.js process.
import pg from 'pg';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { cairn, cairnJsonHere as cairnJson } from './__tests__/cli-run.js';
import { cliSpecification, givenLedger, type Ledger } from './__tests__/cli-suite.js';
import { cliPublishSpecification } from './__tests__/cli-publish-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

const postgresStore = {
  env: async (dir: string) => {
    const s = await createTestSchema('cli');
    dropped.push(s.drop);
    return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local`, schema: s.schema };
  },
  inProcess: true,
};

interface Row {
  position: string;
  id: Buffer;
  stream: string;
  revision: string;
  type: string;
  data: string;
}

/** As the attacker: the append-only triggers off, `change` run, the triggers back on. */
async function tamper(l: Ledger, change: (c: pg.Client, log: string) => Promise<unknown>): Promise<void> {
  const c = new pg.Client({ connectionString: l.env.CAIRN_STORE });
  await c.connect();
  const log = `"${l.env.schema}".cairn_log`;
  try {
    await c.query(`alter table ${log} disable trigger cairn_log_no_update`);
    await change(c, log);
    await c.query(`alter table ${log} enable trigger cairn_log_no_update`);
  } finally {
    await c.end();
  }
}

/** A checkpointed ledger whose projections are caught up, as it is before the attack. */
async function givenCheckpointedLedger(): Promise<Ledger> {
  const l = await givenLedger(postgresStore);
  await cairnJson(l.dir, l.env, 'checkpoint', '--as', 'bob');
  await cairnJson(
    l.dir,
    l.env,
    'contribute',
    'sample',
    '--as',
    'alice',
    '--text',
    'after the checkpoint',
    '--license',
    'MIT',
    '--source',
    'notes',
  );
  await cairnJson(l.dir, l.env, 'status');
  return l;
}

async function verifyFails(l: Ledger): Promise<{ stdout: string; failure: string }> {
  const r = await cairn(l.dir, l.env, 'verify');
  expect(r.code).toBe(1);
  const failure = r.stdout.split('\n').find((line) => line.startsWith('FAILED')) ?? '';
  return { stdout: r.stdout, failure };
}

describePostgres(pgAvailable, 'cairn on Postgres', () => {
  cliSpecification('Postgres', postgresStore);
  cliPublishSpecification('Postgres', postgresStore);

  describe('verify against tampering', () => {
    it('when one byte of a stored event changes, then verify names that event', async () => {
      const l = await givenCheckpointedLedger();
      const row = await (async () => {
        let found: Row | undefined;
        await tamper(l, async (c, log) => {
          found = (await c.query<Row>(`select * from ${log} where id = decode($1, 'hex')`, [l.s2])).rows[0];
          await c.query(`update ${log} set data = replace(data, '"notes"', '"notez"') where id = decode($1, 'hex')`, [l.s2]);
        });
        return found!;
      })();
      const { failure } = await verifyFails(l);
      expect(failure).toContain(`position ${row.position}`);
      expect(failure).toContain(l.s2);
    }, 180_000);

    it('when a row is deleted, then verify fails at the first event that no longer adds up', async () => {
      const l = await givenCheckpointedLedger();
      await tamper(l, (c, log) => c.query(`delete from ${log} where id = decode($1, 'hex')`, [l.s3]));
      const { failure } = await verifyFails(l);
      // the rejection of s3 now references nothing earlier in the log
      expect(failure).toMatch(/references|checkpoint/);
    }, 180_000);

    it('when two rows swap places, then the checkpoint root no longer matches', async () => {
      const l = await givenCheckpointedLedger();
      await tamper(l, async (c, log) => {
        const rows = (await c.query<Row>(`select * from ${log} where encode(id, 'hex') = any($1) order by position`, [[l.s1, l.s2]])).rows;
        const [a, b] = rows as [Row, Row];
        // ids are unique: park one row's content while the other moves
        await c.query(`update ${log} set id = decode($1, 'hex'), stream = 'parked', data = '{}' where position = $2`, [
          '0'.repeat(64),
          a.position,
        ]);
        await c.query(`update ${log} set id = $1, stream = $2, revision = $3, type = $4, data = $5 where position = $6`, [
          a.id,
          a.stream,
          a.revision,
          a.type,
          a.data,
          b.position,
        ]);
        await c.query(`update ${log} set id = $1, stream = $2, revision = $3, type = $4, data = $5 where position = $6`, [
          b.id,
          b.stream,
          b.revision,
          b.type,
          b.data,
          a.position,
        ]);
      });
      const { failure } = await verifyFails(l);
      expect(failure).toContain('checkpoint');
    }, 180_000);

    it('given verify --since the checkpoint, when an event after it changes, then that event is named; when one before it changes, then the root gives it away', async () => {
      const l = await givenCheckpointedLedger();
      const forge = `regexp_replace(data, '"signature":"[0-9a-f]{128}"', '"signature":"${'cd'.repeat(64)}"')`;
      let checkpoint = '';
      let after = '';
      await tamper(l, async (c, log) => {
        checkpoint = (await c.query<{ p: string }>(`select position::text as p from ${log} where type = 'LogCheckpointed'`)).rows[0]!.p;
        after = (
          await c.query<{ id: string }>(`select encode(id, 'hex') as id from ${log} where position > $1 order by position limit 1`, [
            checkpoint,
          ])
        ).rows[0]!.id;
        await c.query(`update ${log} set data = ${forge} where id = decode($1, 'hex')`, [after]);
      });
      const since = async () => {
        const r = await cairn(l.dir, l.env, '--json', 'verify', '--since', checkpoint);
        expect(r.code).toBe(1);
        return (JSON.parse(r.stdout) as { log: { firstBad: unknown } }).log.firstBad;
      };
      expect(await since()).toMatchObject({ check: 'signature', eventId: after });
      await tamper(l, (c, log) => c.query(`update ${log} set data = ${forge} where id = decode($1, 'hex')`, [l.s2]));
      expect(await since()).toMatchObject({ check: 'trusted', reason: expect.stringContaining('changed, dropped or reordered') });
    }, 180_000);

    it('when the tail is cut (checkpoint included), then verify sees the projections ahead of the log', async () => {
      const l = await givenCheckpointedLedger();
      await tamper(l, async (c, log) => {
        await c.query(`alter table ${log} disable trigger cairn_log_no_truncate`);
        await c.query(`delete from ${log} where position > (select max(position) - 3 from ${log})`);
        await c.query(`alter table ${log} enable trigger cairn_log_no_truncate`);
      });
      const { failure } = await verifyFails(l);
      expect(failure).toContain('removed from its tail');
    }, 180_000);
  });
});
