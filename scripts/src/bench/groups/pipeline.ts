// The product path end to end, as a user runs it: N signed text samples (about 210 bytes each)
// from one JSONL file through `cairn import` (sealed batches), the projections' catch-up (the
// first `cairn status`), `cairn dataset build` and `cairn verify`, each a `cairn` process timed
// from start to exit, with its peak RSS. Then the store's size on disk per CF, split into the log,
// the projections (each with its WAL apart), the sample blobs and the sample keys, and each table
// and index of the databases on its own.
// Baselines, same run and same store, each its own process: a raw appendMany of the very events
// of the log into a fresh log (for import), every projection's own rebuild from zero into a
// scratch schema (for the catch-up), and a raw ordered read of the log plus SHA-256 of every
// event's stored text (for verify: the issue's target is verify at no more than twice that).
// N: 1M, or 100k with --quick, or CAIRN_BENCH_PIPELINE_CFS. Postgres (CAIRN_BENCH_PG_URL): the
// same stages on a fresh database, its size from pg_database_size.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'pipeline';
const here = path.dirname(fileURLToPath(import.meta.url));
// CAIRN_BENCH_PIPELINE_BIN: another build's bin.js (a before/after run on one machine state).
const BIN = process.env.CAIRN_BENCH_PIPELINE_BIN ?? path.resolve(here, '../../../../packages/cli/dist/bin.js');
const BASELINE = path.resolve(here, '../pipeline/baseline.js');
const MAX_RSS = path.resolve(here, '../pipeline/max-rss.js');
const RELATION_SIZES = path.resolve(here, '../pipeline/relation-sizes.js');
/** Relations smaller than this per CF are left out of the per-relation rows (catalogue-sized tables). */
const MIN_RELATION_BYTES_PER_CF = 1;
const DATASET = 'corpus';
const SIGNER = 'curator';

function cfsOf(quick: boolean): number {
  const env = process.env.CAIRN_BENCH_PIPELINE_CFS;
  return env !== undefined ? Number(env) : quick ? 100_000 : 1_000_000;
}

/** One sample row of exactly 210 bytes of text (ASCII), different for every n. */
export function sampleLine(n: number): string {
  const text = `sample ${n}: a short paragraph of plain training prose about rivers, mountains and the weather, as long as a post or two in a curated corpus; it closes with its own number so no two are the same: ${n}`;
  return JSON.stringify({ text: text.padEnd(210, '.').slice(-210), license: 'CC-BY-4.0', source: 'bench' });
}

async function writeJsonl(file: string, cfs: number): Promise<void> {
  const lines: string[] = [];
  for (let n = 0; n < cfs; n++) lines.push(sampleLine(n));
  await writeFile(file, lines.join('\n') + '\n');
}

interface Run {
  readonly seconds: number;
  /** Peak RSS of the process, MiB. */
  readonly rssMiB: number;
  /** CPU seconds of the process, every thread. */
  readonly cpuSeconds: number;
  readonly stdout: string;
}

/** Runs `node [script] args` to its exit; throws with its stderr when it fails. */
function run(ctx: BenchContext, root: string, label: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv): Run {
  const rssFile = path.join(root, 'rss');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', MAX_RSS, script, ...args], {
    env: { ...process.env, ...env, CAIRN_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`pipeline bench: ${label} exited ${r.status ?? r.signal}: ${(r.stderr ?? '').slice(-2000)}`);
  const [rss, cpu] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
  const rssMiB = rss! / 1024;
  const cpuSeconds = cpu! / 1e6;
  ctx.log(
    `${label}: ${seconds.toFixed(1)} s, CPU ${cpuSeconds.toFixed(1)} s, peak RSS ${rssMiB.toFixed(0)} MiB, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  return { seconds, rssMiB, cpuSeconds, stdout: r.stdout };
}

/** Bytes under `dir` (files only, as `du --apparent-size` would count them). */
function bytesUnder(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += bytesUnder(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

interface Target {
  readonly adapter: 'embedded' | 'postgres';
  /** The --store value. */
  readonly store: string;
  /** Where signers, blobs and keys live. */
  readonly localDir: string;
  /** The raw append baseline's fresh log. */
  readonly appendTarget: string;
  readonly env: NodeJS.ProcessEnv;
  /** Store bytes by part, after the run. */
  sizes(): Promise<Record<string, number>>;
  /** The databases whose tables and indexes are listed one by one: a name, and a folder or postgres:// URL. */
  readonly databases: readonly (readonly [string, string])[];
}

/** Every table and index of each database, bytes each (a child process each, see relation-sizes.ts). */
function relationSizes(ctx: BenchContext, root: string, t: Target): { relation: string; bytes: number }[] {
  const out: { relation: string; bytes: number }[] = [];
  for (const [name, target] of t.databases) {
    const r = run(ctx, root, `${t.adapter} relation sizes, ${name}`, RELATION_SIZES, [target], t.env);
    const sizes = JSON.parse(r.stdout.trim()) as { relation: string; kind: 'table' | 'index'; bytes: number }[];
    for (const s of sizes) out.push({ relation: `${name} ${s.kind} ${s.relation.replace(/^public\./, '')}`, bytes: s.bytes });
  }
  return out;
}

async function pipeline(ctx: BenchContext, root: string, jsonl: string, cfs: number, t: Target): Promise<BenchResult[]> {
  const cli = (label: string, ...args: string[]) => run(ctx, root, `${t.adapter} ${label}`, BIN, ['--store', t.store, ...args], t.env);
  cli('init', 'init');
  cli('keys new', 'keys', 'new', SIGNER);
  const manifestFile = path.join(root, 'manifest.json');
  await writeFile(manifestFile, JSON.stringify({ licensePolicy: { allowed: ['CC-BY-4.0'] }, minApprovals: { count: 0, scope: 'sample' } }));

  const imported = cli('cairn import', 'import', jsonl, '--as', SIGNER);
  const caughtUp = cli('catch-up (first cairn status)', 'status');
  const manifest = JSON.parse(cli('manifest define', '--json', 'manifest', 'define', manifestFile, '--as', SIGNER).stdout) as {
    manifestId: string;
  };
  cli('dataset define', 'dataset', 'define', DATASET, '--as', SIGNER);
  const built = cli('cairn dataset build', 'dataset', 'build', DATASET, '--manifest', manifest.manifestId, '--as', SIGNER);
  const verified = cli('cairn verify', 'verify');
  const logOnly = cli('cairn verify --log-only', 'verify', '--log-only');
  // The incremental check: a checkpoint over everything so far, then verify --since it (the
  // events under it are re-hashed against its root; none come after it here).
  const checkpoint = JSON.parse(cli('cairn checkpoint', '--json', 'checkpoint', '--as', SIGNER).stdout) as { position: string };
  const since = cli('cairn verify --since the checkpoint', 'verify', '--since', checkpoint.position);

  const baseline = (mode: string, ...args: string[]) => {
    const r = run(ctx, root, `${t.adapter} baseline ${mode}`, BASELINE, [mode, t.store, ...args], t.env);
    return { ...r, ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; events: number }) };
  };
  const read = baseline('read');
  const append = baseline('append', t.appendTarget);
  const rebuild = baseline('rebuild');
  ctx.log(
    `${t.adapter} baselines (measured part): read+hash ${read.seconds.toFixed(1)} s, append ${append.seconds.toFixed(1)} s, rebuild ${rebuild.seconds.toFixed(1)} s of ${read.events} events`,
  );

  const sizes = await t.sizes();
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  ctx.log(
    `${t.adapter} store: ${(total / 2 ** 20).toFixed(0)} MiB; ` +
      Object.entries(sizes)
        .map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(1)} MiB`)
        .join(', '),
  );
  const a = t.adapter;
  const n = `${cfs} CFs`;
  const rows: BenchResult[] = [
    row(GROUP, `${a}: cairn import, ${n} (vs raw appendMany of its events)`, imported.seconds, 's', append.seconds),
    row(GROUP, `${a}: catch-up, first cairn status (vs the projections' own rebuild)`, caughtUp.seconds, 's', rebuild.seconds),
    row(GROUP, `${a}: cairn dataset build`, built.seconds, 's'),
    row(GROUP, `${a}: cairn verify (vs raw ordered read + SHA-256 of the log; target <= 2x)`, verified.seconds, 's', read.seconds),
    row(GROUP, `${a}: cairn verify --log-only (vs raw ordered read + SHA-256)`, logOnly.seconds, 's', read.seconds),
    row(GROUP, `${a}: cairn verify --since a checkpoint over the log (vs raw ordered read + SHA-256)`, since.seconds, 's', read.seconds),
    row(
      GROUP,
      `${a}: whole pipeline, import + catch-up + build + verify (target 1M in <= 120 s)`,
      imported.seconds + caughtUp.seconds + built.seconds + verified.seconds,
      's',
    ),
    row(GROUP, `${a}: store on disk per CF (target <= 2048)`, total / cfs, 'B/CF'),
  ];
  // CPU time, every thread of the process: on a shared machine the wall time above also measures the neighbours.
  for (const [stage, r] of [
    ['cairn import', imported],
    ['catch-up', caughtUp],
    ['cairn dataset build', built],
    ['cairn verify', verified],
    ['cairn verify --log-only', logOnly],
    ['cairn verify --since', since],
    ['baseline read + SHA-256 (whole process)', read],
    ['baseline raw append (whole process)', append],
    ['baseline rebuild (whole process)', rebuild],
  ] as const)
    rows.push(row(GROUP, `${a}: CPU time, ${stage}`, r.cpuSeconds, 's'));
  for (const [part, bytes] of Object.entries(sizes)) rows.push(row(GROUP, `${a}: store per CF: ${part}`, bytes / cfs, 'B/CF'));
  // Where the bytes go: each table (heap with TOAST) and each index, largest first.
  const relations = relationSizes(ctx, root, t).filter((r) => r.bytes / cfs >= MIN_RELATION_BYTES_PER_CF);
  ctx.log(`${a} bytes per CF by relation: ${relations.map((r) => `${r.relation} ${(r.bytes / cfs).toFixed(0)}`).join(', ')}`);
  for (const r of relations) rows.push(row(GROUP, `${a}: per CF: ${r.relation}`, r.bytes / cfs, 'B/CF'));
  rows.push(
    row(
      GROUP,
      `${a}: peak RSS of any stage (target <= 2048 for 1M)`,
      Math.max(imported.rssMiB, caughtUp.rssMiB, built.rssMiB, verified.rssMiB),
      'MiB',
    ),
  );
  for (const [stage, r] of [
    ['import', imported],
    ['catch-up', caughtUp],
    ['build', built],
    ['verify', verified],
  ] as const)
    rows.push(row(GROUP, `${a}: peak RSS, ${stage}`, r.rssMiB, 'MiB'));
  return rows;
}

function embedded(root: string): Target {
  const store = path.join(root, 'store');
  const sub = (name: string) => path.join(store, name);
  return {
    adapter: 'embedded',
    store,
    localDir: store,
    appendTarget: path.join(root, 'append-baseline'),
    env: {},
    databases: [
      ['log', sub('log')],
      ['projections', sub('projections')],
    ],
    sizes: () => {
      const log = bytesUnder(sub('log'));
      const logWal = bytesUnder(path.join(sub('log'), 'pg_wal'));
      const projections = bytesUnder(sub('projections'));
      const projectionsWal = bytesUnder(path.join(sub('projections'), 'pg_wal'));
      const other = bytesUnder(store) - log - projections - bytesUnder(sub('blobs')) - bytesUnder(sub('keys'));
      return Promise.resolve({
        'log (WAL apart)': log - logWal,
        'log WAL': logWal,
        'projections (WAL apart)': projections - projectionsWal,
        'projections WAL': projectionsWal,
        blobs: bytesUnder(sub('blobs')),
        keys: bytesUnder(sub('keys')),
        'signers, heads, config': other,
      });
    },
  };
}

async function withDatabase<T>(url: string, name: string, body: (dbUrl: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}"`);
    await admin.query(`create database "${name}"`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    return await body(dbUrl.toString());
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
  }
}

function postgres(root: string, dbUrl: string): Target {
  const localDir = path.join(root, 'pg-local');
  const schema = 'bench_pipeline_append';
  return {
    adapter: 'postgres',
    store: dbUrl,
    localDir,
    appendTarget: `${dbUrl}#${schema}`,
    env: { CAIRN_KEYS: localDir },
    databases: [['database', dbUrl]],
    sizes: async () => {
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      try {
        // The append baseline's copy is not the store's: its schema's tables are left out.
        const db = await c.query<{ total: string; baseline: string }>(
          `select pg_database_size(current_database())::text as total,
                  coalesce((select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                             where n.nspname = $1 and c.relkind in ('r', 'm')), 0)::text as baseline`,
          [schema],
        );
        return {
          'database (log and projections, WAL is the server’s)': Number(db.rows[0]!.total) - Number(db.rows[0]!.baseline),
          blobs: bytesUnder(path.join(localDir, 'blobs')),
          keys: bytesUnder(path.join(localDir, 'keys')),
        };
      } finally {
        await c.end();
      }
    },
  };
}

const group: BenchGroup = {
  group: GROUP,
  description:
    'JSONL -> cairn import (sealed) -> catch-up -> dataset build -> verify: seconds per stage, bytes per CF, peak RSS, vs raw append / rebuild / read+hash (1M; --quick 100k)',
  async run(ctx) {
    const cfs = cfsOf(ctx.quick === true);
    const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-pipeline-'));
    try {
      const jsonl = path.join(root, 'samples.jsonl');
      await writeJsonl(jsonl, cfs);
      ctx.log(
        `${cfs} samples of 210 bytes in ${jsonl}; load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      );
      const rows = await pipeline(ctx, root, jsonl, cfs, embedded(root));
      if (ctx.pgUrl) {
        const pgRoot = path.join(root, 'pg');
        await mkdir(pgRoot);
        rows.push(
          ...(await withDatabase(ctx.pgUrl, `cairn_bench_pipeline_${process.pid}`, async (dbUrl) => {
            const c = new pg.Client({ connectionString: dbUrl });
            await c.connect();
            await c.query('create schema bench_pipeline_append');
            await c.end();
            return pipeline(ctx, pgRoot, jsonl, cfs, postgres(pgRoot, dbUrl));
          })),
        );
      } else ctx.log('no CAIRN_BENCH_PG_URL: Postgres figures skipped');
      return rows;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

export default group;
