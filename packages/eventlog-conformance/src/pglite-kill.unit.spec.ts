import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { openEmbeddedEventLog } from '@cairn/eventlog';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'append-until-killed.mjs');

/** Runs the appender until it has acknowledged `acks` events plus a random extra delay, then SIGKILLs it. */
function appendThenKill(dataDir: string, round: number, acks: number, extraMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dataDir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: string[] = [];
    let buffer = '';
    let stderr = '';
    let killing = false;
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      acknowledged.push(...lines.filter(Boolean));
      if (!killing && acknowledged.length >= acks) {
        killing = true;
        setTimeout(() => proc.kill('SIGKILL'), extraMs);
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`appender exited on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('embedded log: a killed process loses nothing it acknowledged', () => {
  it('given an appender SIGKILLed mid-stream three times, when the log is reopened, then every acknowledged event is there exactly once, in order', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cairn-kill-'));
    try {
      const acknowledged: string[] = [];
      // Kills land at different moments of the append cycle: right after an ack, and a few ms later.
      for (const [round, extraMs] of [
        [0, 0],
        [1, 3],
        [2, 11],
      ] as const) {
        acknowledged.push(...(await appendThenKill(dataDir, round, 20, extraMs)));
      }
      const log = await openEmbeddedEventLog({ dataDir });
      try {
        const all = await log.readAll({ limit: 100_000 });
        expect(E.isRight(all)).toBe(true);
        if (E.isLeft(all)) return;
        const ids = all.right.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        const present = new Set<string>(ids);
        expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
        // acknowledged order is log order
        const positions = acknowledged.map((id) => all.right.find((e) => e.id === id)!.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
        expect(acknowledged.length).toBeGreaterThanOrEqual(60);
      } finally {
        await log.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
