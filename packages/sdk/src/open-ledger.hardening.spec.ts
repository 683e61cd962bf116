// Two processes writing to one embedded ledger folder at once: before the store was locked, both
// opened it, both were acknowledged, and a share of the writes was gone afterwards.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { openLedger } from './open-ledger.js';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'append-samples.mjs');

/** Runs a writer process; resolves with its exit code and the CF ids it saw acknowledged. */
function writer(dir: string, name: string, count: number): Promise<{ code: number | null; acknowledged: string[]; stderr: string }> {
  const child = spawn(process.execPath, [WRITER, dir, name, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, acknowledged: stdout.split('\n').filter(Boolean), stderr })));
}

describe('hardening: two processes on one embedded ledger folder', () => {
  it('given an embedded ledger folder and two processes contributing to it at once, when both are done, then every acknowledged sample is in the log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-two-writers-'));
    await (await openLedger({ dir, verifyWorkers: 0 })).close();
    const [a, b] = await Promise.all([writer(dir, 'alice', 150), writer(dir, 'bob', 150)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    const acknowledged = [...a.acknowledged, ...b.acknowledged];
    expect(acknowledged).toHaveLength(300);

    const ledger = await openLedger({ dir, verifyWorkers: 0 });
    try {
      const found = await ledger.log.readByIds(acknowledged);
      expect(found._tag === 'Right' ? new Set(found.right.map((e) => e.id)).size : found).toBe(300);
    } finally {
      await ledger.close();
    }
  }, 300_000);
});
