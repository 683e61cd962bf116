// The append bench's baseline writes the rows the log writes: given the same requests appended
// through the log and inserted raw into a copy of its table, then both tables hold the same
// columns, stream names stored by their kind where the log stores them so.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExpectedRevision, openEmbeddedEventLogWithSql, type AppendRequest, type EventLog } from '@cairn/eventlog';
import { rawInsert } from './append.js';

const idOf = (n: number) => createHash('sha256').update(`append-baseline/${n}`).digest('hex');

/** Each kind of name the log tells apart: `<kind>-<id>`, a plain name, a name that is only the id, one ending in another id. */
const requests: AppendRequest[] = [0, 1, 2, 3].map((n) => {
  const id = idOf(n);
  const stream = [`cf-${id}`, 'contributor-alice', id, `cf-${idOf(100 + n)}`][n]!;
  return { stream, expectedRevision: ExpectedRevision.noStream, events: [{ id, type: 'SampleContributed', data: { n } }] };
});

describe("the append bench's raw INSERT baseline", () => {
  let dataDir: string;
  let log: EventLog;
  let query: Awaited<ReturnType<typeof openEmbeddedEventLogWithSql>>['query'];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cairn-append-baseline-'));
    ({ log, query } = await openEmbeddedEventLogWithSql({ dataDir }));
    await query('create table bench_raw (like cairn_log including all)');
  });
  afterAll(async () => {
    await log?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('given requests on every kind of stream name, when written by the log and by the baseline, then the two tables hold the same rows', async () => {
    const appended = await log.appendMany(requests);
    expect(appended._tag).toBe('Right');
    await rawInsert(query, 'bench_raw')(requests);
    const rowsOf = (table: string) =>
      query(
        `select encode(id, 'hex') as id, stream, stream_suffixed, revision::text, type, data, metadata from ${table} order by position`,
      );
    const viaLog = await rowsOf('cairn_log');
    expect(viaLog.map((r) => (r as { stream_suffixed: boolean }).stream_suffixed)).toEqual([true, false, false, false]);
    expect(await rowsOf('bench_raw')).toEqual(viaLog);
  });
});
