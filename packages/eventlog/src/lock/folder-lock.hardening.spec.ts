// Two processes on one embedded folder corrupt it (PGlite is a single-process Postgres): the
// folder is locked, a second opener waits or is refused with the holder's pid, and a holder that
// was killed (kill -9) does not block anyone.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { lockFileOf, openEmbeddedEventLog } from '../pglite/open-embedded-event-log.js';
import { FolderInUse, lockFolder, type LockHolder } from './folder-lock.js';

const HOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'hold-embedded-log.mjs');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts a process that opens the embedded log in `dataDir` and holds it; resolves once it appended. */
function holdInChild(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${stderr}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'cairn-lock-'));

describe('hardening: one process per embedded log folder', () => {
  it('given another process holds an embedded log, when a second process opens it, then it is refused with an error naming the holder pid', async () => {
    const dataDir = path.join(await tmp(), 'log');
    const holder = await holdInChild(dataDir);
    const opening = openEmbeddedEventLog({ dataDir, lock: { timeoutMs: 300 } });
    await expect(opening).rejects.toBeInstanceOf(FolderInUse);
    await expect(opening).rejects.toThrow(new RegExp(`in use by pid ${holder.pid} \\(`));
  }, 60_000);

  it('given a holder that was killed with kill -9, when the next process opens the folder, then it takes over the stale lock and sees what the holder acknowledged', async () => {
    const dataDir = path.join(await tmp(), 'log');
    const holder = await holdInChild(dataDir);
    const recorded = JSON.parse(await readFile(lockFileOf(dataDir), 'utf8')) as LockHolder;
    expect(recorded.pid).toBe(holder.pid);
    holder.kill('SIGKILL');
    await exited(holder);
    const log = await openEmbeddedEventLog({ dataDir, lock: { timeoutMs: 5_000 } });
    try {
      const events = await log.readAll({ limit: 10 });
      expect(events._tag === 'Right' ? events.right.map((e) => e.type) : events).toEqual(['LockTest']);
    } finally {
      await log.close();
    }
  }, 60_000);

  it('given a holder that closed, when a waiting opener is still waiting, then it gets the folder and was told once whom it waited for', async () => {
    const dataDir = path.join(await tmp(), 'log');
    const holder = await holdInChild(dataDir);
    const waits: LockHolder[] = [];
    const opening = openEmbeddedEventLog({ dataDir, lock: { timeoutMs: 30_000, onWait: (h) => waits.push(h) } });
    // The waiter must have seen the holder before the holder lets go.
    while (waits.length === 0) await new Promise((r) => setTimeout(r, 20));
    holder.stdin!.write('close\n');
    const log = await opening;
    await log.close();
    expect(waits.map((h) => h.pid)).toEqual([holder.pid]);
  }, 60_000);
});

describe('hardening: the folder lock itself', () => {
  it('given a lock file left by a pid that now belongs to a later process, when the folder is locked, then the stale lock is taken over', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'x.lock');
    // This process's parent is alive, but started before "startTicks" 1 says the holder did.
    const reused: LockHolder = {
      pid: process.ppid,
      host: os.hostname(),
      command: 'gone',
      since: new Date(0).toISOString(),
      startTicks: '1',
      nonce: 'n',
    };
    await writeFile(file, JSON.stringify(reused));
    const lock = await lockFolder(dir, file, { timeoutMs: 0 });
    expect((JSON.parse(await readFile(file, 'utf8')) as LockHolder).pid).toBe(process.pid);
    await lock.release();
  });

  it('given this process holds a folder, when it locks the folder again, then the second lock waits for the first release', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'x.lock');
    const first = await lockFolder(dir, file, { timeoutMs: 0 });
    await expect(lockFolder(dir, file, { timeoutMs: 0 })).rejects.toThrow(`pid ${process.pid}`);
    const second = lockFolder(dir, file, { timeoutMs: 10_000 });
    await first.release();
    await (await second).release();
  });
});
