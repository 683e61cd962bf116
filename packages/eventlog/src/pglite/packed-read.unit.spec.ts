// The embedded log's worker reads pages packed (one text per chunk of rows, ../sql/rows.ts
// PACKED_EVENTS). Every event must come back exactly as a per-row read of the same rows gives it:
// the stored texts byte for byte (ids and signatures cover them), the bigints and the Date. Chunks
// are made tiny here so that pages cross their boundaries.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, EventLog, JsonValue, RecordedEvent } from '../port.js';
import { EVENT_COLUMNS, PACKED_EVENTS, toRecorded, type EventRow } from '../sql/rows.js';
import { packedPageSql } from '../sql/sql-event-log.js';
import type { SqlExecutor } from '../sql/executor.js';
import { openEmbeddedEventLogWithSql } from './open-embedded-event-log.js';
import { openWorkerExecutor, type WorkerExecutor } from './worker-executor.js';

const idOf = (label: string): string => createHash('sha256').update(`packed-read/${label}`).digest('hex');

/** Texts JSON escaping, UTF-8 and a naive split get wrong: quotes, backslashes, controls, astral and the highest code points, long runs. */
const AWKWARD: readonly string[] = [
  'plain',
  '"quoted" \'single\' `back`',
  'back\\slash \\\\ \\u0041 \\n',
  'controls \u0000 \u0001 \u0002 \b \f \n \r \t \u001f \u007f',
  'astral 😀 𝄞 \u{10ffff} \u{10000}',
  'high \uffff \ufffe \u2028 \u2029 \ufeff',
  'combining e\u0301 and wide 漢字 and rtl \u202e',
  'separators , ; | \u0001 ] [ } {',
  'x'.repeat(20_000) + '😀' + 'y'.repeat(5_000),
  '',
];

function awkwardRequests(): AppendRequest[] {
  return AWKWARD.map((text, n) => {
    const id = idOf(`awkward/${n}`);
    const data: JsonValue = { text, n, nested: [text, { [text]: text }] };
    // Every other event without metadata: both read back alike.
    const metadata: JsonValue | undefined = n % 2 === 0 ? { by: text } : undefined;
    return {
      stream: n % 3 === 0 ? `cf-${id}` : `ledger-\u00e9\u{1f600}-${n % 3}`,
      events: [
        {
          id,
          type: `Awkward ${text.slice(0, 40)}`.replaceAll('\u0000', '.').replaceAll('\u0001', '.'),
          data,
          ...(metadata === undefined ? {} : { metadata }),
        },
      ],
      expectedRevision: n % 3 === 0 ? { kind: 'no-stream' } : { kind: 'any' },
    };
  });
}

/** The log as today's per-row read gives it: PGlite parses each field of each row. */
async function perRowRead(query: SqlExecutor['query']): Promise<readonly RecordedEvent[]> {
  return (await query<EventRow>(`select ${EVENT_COLUMNS} from cairn_log l order by l.position`)).map(toRecorded);
}

async function readAllInPages(log: EventLog, limit: number): Promise<{ events: RecordedEvent[]; pageSizes: number[] }> {
  const events: RecordedEvent[] = [];
  const pageSizes: number[] = [];
  let after: bigint | null = null;
  for (;;) {
    const page = await log.readAll({ after, limit });
    if (E.isLeft(page)) throw new Error(`read failed: ${page.left._tag}`);
    pageSizes.push(page.right.length);
    if (page.right.length < limit) return { events: [...events, ...page.right], pageSizes };
    events.push(...page.right);
    after = page.right[page.right.length - 1]!.position;
  }
}

/** What must be identical, with the Date as its instant (a Date from the worker is another realm's under jest). */
const exact = (e: RecordedEvent) => ({
  id: e.id,
  type: e.type,
  storedData: e.storedData,
  metadata: 'metadata' in e ? JSON.stringify(e.metadata) : 'none',
  stream: e.stream,
  revision: e.revision,
  position: e.position,
  recordedAt: e.recordedAt.getTime(),
  recordedAtText: e.recordedAt.toISOString(),
});

describe('the embedded log reads its pages packed on its worker thread', () => {
  let opened: Awaited<ReturnType<typeof openEmbeddedEventLogWithSql>>;
  const CHUNK_BYTES = 4096;

  beforeAll(async () => {
    opened = await openEmbeddedEventLogWithSql({ dataDir: 'memory://' }, { packedChunkBytes: CHUNK_BYTES, packedMinRows: 1 });
    const appended = await opened.log.appendMany(awkwardRequests());
    if (E.isLeft(appended)) throw new Error(`append failed: ${JSON.stringify(appended.left)}`);
    // A body no canonicalizer writes (tabs and newlines between tokens, a raw DEL), as raw SQL may store it.
    await opened.query(
      `insert into cairn_log (id, stream, revision, type, data, metadata)
       values (decode($1, 'hex'), 'raw-1', 0, 'Raw', $2, $3)`,
      [idOf('raw'), '{\t"a" :\n[ "b\u007f" , 1.50 ]\r\n}', ''],
    );
  }, 120_000);
  afterAll(() => opened.log.close());

  it('given events whose texts hold quotes, backslashes, controls, astral and long runs, when the whole log is read in pages, then each event equals its per-row read exactly', async () => {
    const expected = (await perRowRead(opened.query)).map(exact);
    expect(expected).toHaveLength(AWKWARD.length + 1);
    for (const limit of [1, 3, 4, 1000]) {
      const { events } = await readAllInPages(opened.log, limit);
      expect(events.map(exact)).toEqual(expected);
    }
  }, 60_000);

  it('given a page whose stored bytes span several chunks, when it is read, then it holds exactly `limit` events, in order, each equal to its per-row read', async () => {
    // The long event alone is over five chunks: the page's chunks end inside and after it.
    const expected = (await perRowRead(opened.query)).map(exact);
    const page = await opened.log.readAll({ after: expected[5]!.position, limit: 4 });
    expect(E.isRight(page) && page.right.map(exact)).toEqual(expected.slice(6, 10));
  }, 60_000);

  it('given more events than the limit, when pages are read, then each but the last holds exactly `limit` events and a short page is the end', async () => {
    const { events, pageSizes } = await readAllInPages(opened.log, 3);
    expect(pageSizes).toEqual([3, 3, 3, 2]);
    expect(events).toHaveLength(AWKWARD.length + 1);
  }, 60_000);

  it('given a stream and its events, when the stream and the ids are read, then they equal the per-row read', async () => {
    const all = await perRowRead(opened.query);
    const stream = all[1]!.stream;
    const read = await opened.log.readStream(stream);
    expect(E.isRight(read) && read.right.map(exact)).toEqual(all.filter((e) => e.stream === stream).map(exact));
    const byIds = await opened.log.readByIds([all[8]!.id, all[0]!.id]);
    expect(E.isRight(byIds) && byIds.right.map(exact)).toEqual([all[0]!, all[8]!].map(exact));
  }, 60_000);

  it('given an event whose type holds the packing separator, when the log is read, then that page comes back per row, still exact', async () => {
    const id = idOf('separator');
    const appended = await opened.log.append({
      stream: 'separator-\u0001-stream',
      events: [{ id, type: 'Type\u0001With\u0001Separators', data: { s: 'ok' } }],
      expectedRevision: { kind: 'no-stream' },
    });
    expect(E.isRight(appended)).toBe(true);
    const expected = (await perRowRead(opened.query)).map(exact);
    expect(expected.at(-1)).toMatchObject({ type: 'Type\u0001With\u0001Separators', stream: 'separator-\u0001-stream' });
    for (const limit of [2, 1000]) expect((await readAllInPages(opened.log, limit)).events.map(exact)).toEqual(expected);
  }, 60_000);
});

describe('a packed read on the worker thread', () => {
  let executor: WorkerExecutor;
  beforeAll(async () => {
    executor = await openWorkerExecutor('memory://');
    await executor.query(`create table cairn_log (position bigint, id bytea, stream text, stream_suffixed boolean, revision bigint,
      type text, data text, metadata text, recorded_at timestamptz default now())`);
    await executor.query(
      `insert into cairn_log (position, id, stream, stream_suffixed, revision, type, data, metadata)
       select n, decode(lpad(to_hex(n), 64, '0'), 'hex'), 's', false, n - 1, 'T', repeat('d', 100 * n), case when n % 2 = 0 then null else 'm' end
         from generate_series(1, 20) n`,
    );
  }, 120_000);
  afterAll(() => executor.close());

  const page = 'select * from cairn_log l where l.position > $1::bigint order by l.position limit $2';

  it('given rows over several chunks, when the page is read packed, then it is split into the same rows the per-row read gives, NULL metadata as none', async () => {
    const chunks = await executor.query<{ n: number }>(packedPageSql(page, 'l.position', 1000), ['0', 20]);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.reduce((sum, c) => sum + c.n, 0)).toBe(20);
    const rows = await executor.queryPacked!<EventRow>(packedPageSql(page, 'l.position', 1000), ['0', 20], PACKED_EVENTS);
    const perRow = await executor.query<EventRow>(`select ${EVENT_COLUMNS} from (${page}) l order by l.position`, ['0', 20]);
    expect(rows?.map(toRecordedLike)).toEqual(perRow.map(toRecordedLike));
  }, 60_000);

  it('given a row whose text holds the separator, when its page is read packed, then the read says it cannot split it', async () => {
    await executor.query(`update cairn_log set data = 'a' || chr(1) || 'b' where position = 7`);
    expect(await executor.queryPacked!(packedPageSql(page, 'l.position', 1000), ['0', 20], PACKED_EVENTS)).toBeNull();
    // Pages without that row still read packed.
    expect(await executor.queryPacked!(packedPageSql(page, 'l.position', 1000), ['7', 20], PACKED_EVENTS)).toHaveLength(13);
  }, 60_000);
});

/** A row as the log uses it (no JSON parse: these bodies are not JSON). */
const toRecordedLike = (row: EventRow) => ({
  ...row,
  metadata: row.metadata === null || row.metadata === '' ? null : row.metadata,
  recorded_at: new Date(row.recorded_at).getTime(),
});
