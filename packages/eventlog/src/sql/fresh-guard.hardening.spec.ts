// The single-statement append's guard (cairn_log_expect, schema.ts) must find streams
// and ids through the log's unique indexes on every call. Looked up by stream alone, the planner
// expected many rows per stream name and chose to read the whole log for a few dozen names, so
// appends slowed as the log grew. Counted by the database's own statistics (tuples of the log
// table read sequentially), not by a clock.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { openEmbeddedEventLogWithSql } from '../pglite/open-embedded-event-log.js';
import { openPostgresEventLog } from '../postgres/open-postgres-event-log.js';
import { ExpectedRevision, type AppendRequest, type EventLog } from '../port.js';

type Query = (text: string) => Promise<readonly Record<string, unknown>[]>;

let serial = 0;
function newStream(): AppendRequest {
  const id = createHash('sha256').update(`fresh-guard/${serial++}`).digest('hex');
  return {
    stream: `cf-${id}`,
    events: [{ id, type: 'SampleContributed', data: { n: serial } }],
    expectedRevision: ExpectedRevision.noStream,
  };
}

async function seqTuplesRead(query: Query): Promise<number> {
  // Statistics reach the shared counters when a transaction ends; force it for this backend.
  await query('select pg_stat_force_next_flush()');
  await query('select 1');
  const rows = await query(`select coalesce(seq_tup_read, 0)::text as n from pg_stat_user_tables where relid = 'cairn_log'::regclass`);
  return Number(rows[0]?.n ?? 0);
}

function theGuardReadsByIndex(open: () => Promise<{ log: EventLog; query: Query; close: () => Promise<void> }>) {
  let log: EventLog;
  let query: Query;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ log, query, close } = await open());
    for (let b = 0; b < 20; b++) {
      const r = await log.appendMany(Array.from({ length: 1000 }, newStream));
      expect(r._tag).toBe('Right');
    }
  });
  afterAll(async () => close());

  it('given a log of 20000 events, when ten single appends and then ten batches go in one after another, then none of them reads the log sequentially', async () => {
    const before = await seqTuplesRead(query);
    // Single appends first: after a few calls a PL/pgSQL query may be given one plan for all
    // arguments, and a plan made for one-element arrays must not decide how batches are looked up.
    for (let i = 0; i < 10; i++) expect((await log.append(newStream()))._tag).toBe('Right');
    for (let i = 0; i < 10; i++) expect((await log.appendMany(Array.from({ length: 200 }, newStream)))._tag).toBe('Right');
    expect(await seqTuplesRead(query)).toBe(before);
  });

  it('given the same log, when streams grow by appends with their exact revision, then none of them reads the log sequentially', async () => {
    const streams = Array.from({ length: 10 }, newStream);
    for (const s of streams) expect((await log.append(s))._tag).toBe('Right');
    const before = await seqTuplesRead(query);
    for (let round = 0; round < 3; round++)
      for (const s of streams) {
        const next = { ...newStream(), stream: s.stream, expectedRevision: ExpectedRevision.exact(BigInt(round)) };
        expect((await log.append(next))._tag).toBe('Right');
      }
    expect(await seqTuplesRead(query)).toBe(before);
  });

  it('given the same log, when an append names a stream already there, then it is still refused without drawing a position', async () => {
    const taken = newStream();
    expect((await log.append(taken))._tag).toBe('Right');
    const head = await log.head();
    const again = await log.append({
      ...taken,
      events: [{ ...taken.events[0]!, id: createHash('sha256').update(`other/${serial++}`).digest('hex') }],
    });
    expect(again._tag).toBe('Left');
    expect(await log.head()).toEqual(head);
  });
}

describe('freshness guard of the embedded log', () => {
  theGuardReadsByIndex(async () => {
    const { log, query } = await openEmbeddedEventLogWithSql({ dataDir: 'memory://' });
    return { log, query: (text) => query(text), close: () => log.close() };
  });
});

const server = await postgresForTests();
describePostgres(server, 'freshness guard of the Postgres log', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  theGuardReadsByIndex(async () => {
    schema = await createTestSchema('eventlog_fresh_guard');
    // One connection: the plan cache that turns generic is per connection, and the statistics
    // this backend forces out are the ones its appends made.
    pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    const log = await openPostgresEventLog({ pool });
    return {
      log,
      query: async (text) => (await pool.query(text)).rows as Record<string, unknown>[],
      close: async () => {
        await log.close();
        await pool.end();
        await schema.drop();
      },
    };
  });
});
