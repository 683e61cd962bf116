// One process at a time on an embedded store, through the real binary: two imports at once both
// used to exit 0 and report every row appended while half of them were lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { cairn, cairnJson } from './__tests__/cli-run.js';
import { initStore } from './__tests__/init-store.js';

const HOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '__tests__', 'hold-store.mjs');
const holders: ChildProcess[] = [];
afterEach(() => {
  for (const child of holders.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function givenStore(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-lock-cli-'));
  await initStore(dir, {});
  await cairnJson(dir, {}, 'keys', 'new', 'alice');
  await cairnJson(dir, {}, 'keys', 'new', 'bob');
  return dir;
}

/** A process that holds the store at <dir>/.cairn until it is sent a line. */
function holdStore(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, path.join(dir, '.cairn')], { stdio: ['pipe', 'pipe', 'pipe'] });
  holders.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${stderr}`)));
  });
}

describe('hardening: one process at a time on an embedded store (CLI)', () => {
  it('given two imports of 1,500 distinct rows each run at once, when both are done, then both succeeded and the store has 3,000 samples', async () => {
    const dir = await givenStore();
    for (const who of ['alice', 'bob']) {
      const rows = Array.from({ length: 1500 }, (_, n) => JSON.stringify({ text: `${who} row ${n}`, license: 'MIT', source: who }));
      await writeFile(path.join(dir, `${who}.jsonl`), `${rows.join('\n')}\n`);
    }
    const [a, b] = await Promise.all([
      cairn(dir, {}, '--json', 'import', 'alice.jsonl', '--as', 'alice'),
      cairn(dir, {}, '--json', 'import', 'bob.jsonl', '--as', 'bob'),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const appended = [a, b].map((r) => (JSON.parse(r.stdout) as { appended: { sample: number } }).appended.sample);
    expect(appended).toEqual([1500, 1500]);
    const status = await cairnJson<{ cfs: { sample: number } }>(dir, {}, 'status');
    expect(status.cfs.sample).toBe(3000);
  }, 600_000);

  it('given another process holds the store, when a command waits past CAIRN_LOCK_TIMEOUT, then it says whom it waits for and fails as unavailable naming the pid, without a stack trace', async () => {
    const dir = await givenStore();
    const holder = await holdStore(dir);
    const r = await cairn(dir, { CAIRN_LOCK_TIMEOUT: '0.5' }, 'status');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`store in use by pid ${holder.pid} (hold-store test), waiting`);
    expect(r.stderr).toContain(`store in use by pid ${holder.pid} (hold-store test):`);
    expect(r.stderr).not.toMatch(/^\s+at /m);

    holder.stdin!.write('release\n');
    await new Promise((resolve) => holder.on('exit', resolve));
    expect((await cairn(dir, { CAIRN_LOCK_TIMEOUT: '0.5' }, 'status')).code).toBe(0);
  }, 300_000);

  it('given a CAIRN_LOCK_TIMEOUT that is not a number of seconds, when a command runs, then it fails as a usage error naming the variable', async () => {
    const dir = await givenStore();
    const r = await cairn(dir, { CAIRN_LOCK_TIMEOUT: 'soon' }, 'status');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CAIRN_LOCK_TIMEOUT: expected a number of seconds');
  }, 300_000);
});
