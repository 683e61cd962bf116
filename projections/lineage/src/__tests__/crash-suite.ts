// The crash test (design.md §4, exactly-once projections): a child process follows the log with
// the runner while it appends, and is SIGKILLed at random points many times — at a random runner
// step (after reading a batch, after claiming the checkpoint, mid-apply, before commit, after
// commit) or on a random timer — and restarted each time. At the end its tables must be
// byte-identical (canonical dump) to a clean rebuild from the log.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { EventLog } from '@cairn/eventlog';
import type { ProjectionStore } from '@cairn/projector';
import { canonicalDump } from '@cairn/projector';
import { lineageProjection } from '../projection.js';
import { createProjectionRunner } from '@cairn/projector';

export interface CrashSubject {
  /** CRASH_LOG / CRASH_STORE specs for the child: `pglite:<dir>` or `postgres:<url>|<schema>`. */
  readonly logSpec: string;
  readonly storeSpec: string;
  openLog(): Promise<EventLog>;
  openStore(): Promise<ProjectionStore>;
  cleanup(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'crash-child.mjs');
const dist = path.resolve(here, '../../dist/index.js');

/** mulberry32: a seeded PRNG, so a failing run can be replayed with CAIRN_CRASH_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildOutcome {
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly done: boolean;
  readonly stderr: string;
}

function runChild(env: Record<string, string>, timerKillMs: number | undefined): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [child], { env: { ...process.env, ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (timerKillMs !== undefined && timer === undefined && stdout.includes('ready\n')) {
        timer = setTimeout(() => proc.kill('SIGKILL'), timerKillMs);
      }
    });
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, done: stdout.includes('done\n'), stderr });
    });
  });
}

export function crashSuite(name: string, subject: () => Promise<CrashSubject>): void {
  const kills = Number(process.env.CAIRN_CRASH_KILLS ?? 20);
  const seed = Number(process.env.CAIRN_CRASH_SEED ?? Date.now() % 1_000_000);
  const total = Number(process.env.CAIRN_CRASH_EVENTS ?? 1200);

  describe(`crash test (${name})`, () => {
    it(
      `given a runner SIGKILLed ${kills} times while the log grows, when it finally catches up, then its tables equal a clean rebuild byte for byte (seed ${seed})`,
      async () => {
        if (!existsSync(dist))
          throw new Error(`the crash test runs the built package: run \`npm run build -w @cairn/lineage\` first (${dist} is missing)`);
        const s = await subject();
        const random = prng(seed);
        try {
          const base = { CRASH_LOG: s.logSpec, CRASH_STORE: s.storeSpec, CRASH_TOTAL: String(total), CRASH_CHUNK: '25' };
          let killed = 0;
          for (let k = 0; k < kills; k++) {
            const batch = String(3 + Math.floor(random() * 38));
            const byStep = random() < 0.6;
            // Each child brings the log to a further prefix, so every one has new batches to die in.
            const target = Math.round((total * (k + 1)) / (kills + 1));
            const env: Record<string, string> = { ...base, CRASH_BATCH: batch, CRASH_TOTAL: String(target) };
            if (byStep) env.CRASH_KILL_AT_STEP = String(1 + Math.floor(random() * 25));
            const outcome = await runChild(env, byStep ? undefined : Math.floor(random() * 400));
            if (outcome.signal === 'SIGKILL') killed += 1;
            else if (outcome.code !== 0 || !outcome.done) throw new Error(`child ${k} failed (code ${outcome.code}):\n${outcome.stderr}`);
          }
          const last = await runChild({ ...base, CRASH_BATCH: '17' }, undefined);
          if (last.code !== 0 || !last.done)
            throw new Error(`the final child did not finish (code ${last.code}, signal ${last.signal}):\n${last.stderr}`);
          expect(killed).toBeGreaterThan(kills / 2);

          const log = await s.openLog();
          const store = await s.openStore();
          try {
            const runner = createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: 500 });
            const status = await runner.status();
            if (isLeft(status)) throw new Error(status.left.message);
            expect(status.right.projections[0]?.checkpoint).toBe(status.right.head);
            const live = await canonicalDump(store.db, lineageProjection);
            const clean = await runner.rebuild('lineage', { schema: `crash_clean_${process.pid}` });
            if (isLeft(clean)) throw new Error(clean.left.message);
            expect(clean.right.events).toBe(total);
            const rebuilt = await canonicalDump(store.db, lineageProjection, { schema: `crash_clean_${process.pid}` });
            expect(live.split('\n').length).toBeGreaterThan(total);
            // Compare whole dumps (byte-identical), reporting the first differing line if not.
            if (live !== rebuilt) {
              const a = live.split('\n');
              const b = rebuilt.split('\n');
              const i = a.findIndex((line, j) => line !== b[j]);
              throw new Error(
                `after ${killed} kills the live tables differ from a clean rebuild at line ${i}:\n live:    ${a[i]}\n rebuilt: ${b[i]}`,
              );
            }
          } finally {
            await store.close();
            await log.close();
          }
        } finally {
          await s.cleanup();
        }
      },
      30 * 60_000,
    );
  });
}
