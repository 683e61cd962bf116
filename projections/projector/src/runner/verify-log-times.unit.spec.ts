// Verify's check of the time index (cairn_log_times) against the times the log recorded: every
// row names a log event and carries its time, and every position where the log's time changes
// has a row. The table is read a page at a time beside the log's timeline, so these specs use
// pages of two rows to cross page boundaries.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openProjectionStore, type ProjectionStore } from '../storage/store.js';
import { LOG_TIMES_TABLE, migrateRunnerTables } from './runner-tables.js';
import { verifyLogTimes, type LogTimeline } from './verify-log-times.js';

const T0 = Date.UTC(2026, 0, 1);
// Positions 1…8; times change after 2, 3, 5, 7 and 8 (the runs' last positions).
const LOG: readonly [bigint, number][] = [
  [1n, T0],
  [2n, T0],
  [3n, T0 + 1000],
  [4n, T0 + 2000],
  [5n, T0 + 2000],
  [6n, T0 + 3000],
  [7n, T0 + 3000],
  [8n, T0 + 4000],
];
const RUN_ENDS = [2n, 3n, 5n, 7n, 8n];
const timeline: LogTimeline = { size: LOG.length, eventAt: (i) => ({ position: LOG[i]![0], time: LOG[i]![1] }) };
const timeOf = (position: bigint) => new Date(LOG.find(([p]) => p === position)![1]).toISOString();

describe('verifyLogTimes', () => {
  let store: ProjectionStore;
  beforeEach(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    await migrateRunnerTables(store.db as never);
  });
  afterEach(async () => {
    await store.close();
  });
  const put = async (rows: readonly (readonly [bigint, string])[]) => {
    for (const [position, at] of rows)
      await sql`insert into ${sql.table(LOG_TIMES_TABLE)} (position, recorded_at) values (${position.toString()}::bigint, ${at}::timestamptz)`.execute(
        store.db,
      );
  };
  const check = (applied: bigint | null = 8n) => verifyLogTimes(store.db, timeline, applied, 2);

  it('given a row for every run end, with their times, then it passes, whatever rows of a run are kept besides', async () => {
    await put(RUN_ENDS.map((p) => [p, timeOf(p)]));
    expect(await check()).toBeNull();
    await put([
      [1n, timeOf(1n)],
      [4n, timeOf(4n)],
    ]);
    expect(await check()).toBeNull();
  });

  it('when a row in a later page carries another time than the log, then that row is named with both times', async () => {
    await put(RUN_ENDS.map((p) => [p, p === 7n ? new Date(T0).toISOString() : timeOf(p)]));
    expect(await check()).toEqual({
      reason: `${LOG_TIMES_TABLE} says position 7 was recorded at ${new Date(T0).toISOString()}, the log says ${timeOf(7n)}`,
      live: `${LOG_TIMES_TABLE} position 7 at ${new Date(T0).toISOString()}`,
      log: timeOf(7n),
    });
  });

  it('when a row names a position the log does not have, between its events or past its end, then that row is named', async () => {
    await put([...RUN_ENDS.map((p): [bigint, string] => [p, timeOf(p)]), [9n, timeOf(8n)]]);
    expect((await check())?.reason).toBe(`${LOG_TIMES_TABLE} names position 9, where the log has no event`);
  });

  it('when a run end has no row, then its position is named; a faulty row later in the table is named first', async () => {
    await put(RUN_ENDS.filter((p) => p !== 3n).map((p) => [p, timeOf(p)]));
    expect(await check()).toEqual({
      reason: `${LOG_TIMES_TABLE} has no row for position 3 (recorded at ${timeOf(3n)}), so --as-of that time answers an earlier position`,
      live: null,
      log: timeOf(3n),
    });
    await sql`update ${sql.table(LOG_TIMES_TABLE)} set recorded_at = ${new Date(T0).toISOString()}::timestamptz where position = 8`.execute(
      store.db,
    );
    expect((await check())?.reason).toMatch(/says position 8 was recorded at/);
  });

  it('given rows only up to what the projections applied, then run ends past it are not asked for', async () => {
    await put([2n, 3n].map((p) => [p, timeOf(p)]));
    expect(await check(4n)).toBeNull();
    expect((await check(5n))?.reason).toMatch(/no row for position 5 /);
    expect(await check(null)).toBeNull();
  });

  it('given a table whose key was dropped holding a position twice, then a second row with the log’s time passes and one with another time is named, on either side of a page break', async () => {
    await sql`alter table ${sql.table(LOG_TIMES_TABLE)} drop constraint ${sql.raw(`${LOG_TIMES_TABLE}_pkey`)}`.execute(store.db);
    await put(RUN_ENDS.map((p) => [p, timeOf(p)]));
    await put([[2n, timeOf(2n)]]);
    expect(await check()).toBeNull();
    await put([[2n, new Date(T0 + 500).toISOString()]]);
    expect((await check())?.reason).toBe(
      `${LOG_TIMES_TABLE} says position 2 was recorded at ${new Date(T0 + 500).toISOString()}, the log says ${timeOf(2n)}`,
    );
  });
});
