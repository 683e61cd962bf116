import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWorkerPool, WorkerPoolFailure, type WorkerFault, type WorkerPool } from './worker-pool.js';

type Job = { echo: number } | { throw: string } | { exit: number } | { crash: string } | { spin: true };

const WORKER_URL = new URL('./__fixtures__/pool-worker.mjs', import.meta.url);
const pools: WorkerPool<Job, Uint32Array>[] = [];
const poolOf = (size: number) => {
  const pool = createWorkerPool<Job, Uint32Array>({ name: 'test', url: WORKER_URL, size });
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** The fault a job rejected with (fails the test if it resolved or rejected with anything else). */
async function faultOf(job: Promise<unknown>): Promise<WorkerFault> {
  const error = await job.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerPoolFailure);
  return (error as WorkerPoolFailure).fault;
}

describe('a worker pool', () => {
  it('given jobs on two workers, then each gets its own answer, in the buffer the worker moved back', async () => {
    const pool = poolOf(2);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run({ echo: n })));
    expect(answers.map((a) => a[0])).toEqual([2, 3, 4, 5, 6]);
  });

  it('given a handler that throws, then that job rejects with WorkerThrew and its reason, and the worker serves the next job', async () => {
    const pool = poolOf(1);
    expect(await faultOf(pool.run({ throw: 'no such row' }))).toEqual({ _tag: 'WorkerThrew', pool: 'test', reason: 'no such row' });
    expect((await pool.run({ echo: 41 }))[0]).toBe(42);
  });

  it('given a worker that exits with a job on it, then the job rejects with WorkerExited (not a hang) and the next job gets a new worker', async () => {
    const pool = poolOf(1);
    expect(await faultOf(pool.run({ exit: 3 }))).toEqual({ _tag: 'WorkerExited', pool: 'test', reason: 'exit code 3' });
    expect((await pool.run({ echo: 1 }))[0]).toBe(2);
  });

  it('given a worker that dies of an uncaught error, then only its own jobs reject with WorkerExited; the other worker answers', async () => {
    const pool = poolOf(2);
    const doomed = pool.run({ crash: 'out of cheese' });
    const fine = pool.run({ echo: 7 });
    expect(await faultOf(doomed)).toEqual({ _tag: 'WorkerExited', pool: 'test', reason: 'out of cheese' });
    expect((await fine)[0]).toBe(8);
    expect((await pool.run({ echo: 8 }))[0]).toBe(9);
  });

  it('given a job that never answers, when the pool closes, then the job rejects with PoolClosed, and so does any later job', async () => {
    const pool = poolOf(1);
    const stuck = pool.run({ spin: true });
    await pool.close();
    expect(await faultOf(stuck)).toEqual({ _tag: 'PoolClosed', pool: 'test' });
    expect(await faultOf(pool.run({ echo: 1 }))).toEqual({ _tag: 'PoolClosed', pool: 'test' });
  });

  it('given a pool that has done its work and is not closed, then the process still exits on its own', async () => {
    // The pool as its own program: a child process that must end without a close().
    const { transformFileSync } = await import('@swc/core');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-pool-'));
    try {
      const poolJs = path.join(dir, 'worker-pool.mjs');
      writeFileSync(
        poolJs,
        transformFileSync(fileURLToPath(new URL('./worker-pool.ts', import.meta.url)), {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        }).code,
      );
      const script = `
        const { createWorkerPool } = await import(${JSON.stringify(pathToFileURL(poolJs).href)});
        const pool = createWorkerPool({ name: 'test', url: new URL(${JSON.stringify(WORKER_URL.href)}), size: 2 });
        const [a, b] = await Promise.all([pool.run({ echo: 1 }), pool.run({ echo: 2 })]);
        console.log(a[0] + b[0]);`;
      const main = path.join(dir, 'main.mjs');
      writeFileSync(main, script);
      const run = spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: 20_000 });
      expect(run.signal).toBeNull();
      expect(run.stdout.trim()).toBe('5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
