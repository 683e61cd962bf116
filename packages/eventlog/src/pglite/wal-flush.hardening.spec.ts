// An acknowledged embedded append must be on disk, not only in the OS page cache (Postgres's own
// fsyncs do nothing under emscripten). The sync seam records each flush; a gate holds a flush
// open so the test can see what waits for it.
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { AppendRequest } from '../port.js';
import { openEmbeddedEventLogWithSql } from './open-embedded-event-log.js';
import { fsyncPath } from './wal-flush.js';

const WAL_SEGMENT = /pg_wal\/[0-9A-F]{24}$/;

function request(n: number): AppendRequest {
  const id = createHash('sha256').update(`wal-flush/${n}`).digest('hex');
  return { stream: `cf-${id}`, events: [{ id, type: 'FlushTest', data: { n } }], expectedRevision: { kind: 'no-stream' } };
}

/** A sync that records each path and, while `closed`, waits for the test to open it. */
function gatedSync() {
  const synced: string[] = [];
  let open: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  return {
    synced,
    close: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    open: () => {
      gate = undefined;
      open();
    },
    sync: async (target: string) => {
      synced.push(target);
      if (gate !== undefined && WAL_SEGMENT.test(target)) await gate;
      await fsyncPath(target);
    },
  };
}

describe('hardening: embedded appends are flushed to disk before they are acknowledged', () => {
  it('given an embedded log, when an append resolves, then the WAL segment it was written to was flushed after it committed', async () => {
    const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cairn-wal-')), 'log');
    const seam = gatedSync();
    const { log } = await openEmbeddedEventLogWithSql({ dataDir }, { sync: seam.sync });
    try {
      for (let n = 0; n < 3; n++) {
        const before = seam.synced.length;
        expect((await log.append(request(n)))._tag).toBe('Right');
        expect(seam.synced.slice(before).filter((p) => WAL_SEGMENT.test(p)).length).toBeGreaterThan(0);
      }
    } finally {
      await log.close();
    }
  }, 60_000);

  it('given a flush in progress, when more appends commit meanwhile, then none is acknowledged before its flush and they all share one more flush', async () => {
    const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cairn-wal-')), 'log');
    const seam = gatedSync();
    const { log, query } = await openEmbeddedEventLogWithSql({ dataDir }, { sync: seam.sync });
    try {
      const syncedBefore = seam.synced.length;
      seam.close();
      const acknowledged: number[] = [];
      const appends = Array.from({ length: 20 }, (_, n) =>
        log.append(request(n)).then((r) => (r._tag === 'Right' ? acknowledged.push(n) : r)),
      );
      // Every append commits (the log is single-connection, so this query runs after them all).
      const count = async () => Number((await query<{ n: string }>(`select count(*)::text as n from cairn_log`))[0]!.n);
      while ((await count()) < 20) await new Promise((r) => setTimeout(r, 10));
      expect(acknowledged).toEqual([]);
      seam.open();
      await Promise.all(appends);
      expect(acknowledged.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      // flushes of the segments these appends wrote (not of those the open flushed: a new folder
      // has several, made ahead by initdb)
      const walFlushes = seam.synced.slice(syncedBefore).filter((p) => WAL_SEGMENT.test(p));
      const flushes = walFlushes.length / new Set(walFlushes).size;
      expect(flushes).toBe(2);
    } finally {
      await log.close();
    }
  }, 60_000);
});
