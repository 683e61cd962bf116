// Signed bulk ingest through @cairn/sdk (ledger.ingestBatches) — decode, reference checks, Ed25519
// verification on the worker pool, sample sealing and storing, one appendMany per batch — in
// CFs/s, against the raw appendMany of the same pre-verified events into a fresh log of the same
// adapter in the same run. The embedded adapter is measured twice: with the folder blob and key
// stores (two fsync'd files per sample) and with in-memory stores, which isolates that I/O.
// The workload: contributors sign samples (1/3, small text bytes), labels on those samples (1/3)
// and validations of those labels (1/3); references point into the same batch or earlier ones.
// Throughput on a shared 2-core machine swings by 10-20% from one run to the next (seen here,
// with the machine otherwise idle), so the raw and signed runs alternate for several rounds and
// each row is the median of its rounds; the log lines give every round. The group also reports
// CPU time per CF (Linux /proc): the main thread's (decoding, hashing, rules, sealing), the whole
// process's (every thread: the verify pool, the embedded log's PGlite thread, V8's helpers) and,
// in the log, each busy thread's. Postgres's own CPU is not in any of them.
// Each timed run starts after untimed warm-up batches of other CFs into the same log (the raw
// baseline's too): in the first seconds of a process V8 is still compiling the hot paths (and
// PGlite's WASM) on its helper threads, about 15 µs/CF more over a cold 18k-CF run here.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { verifyFast, signingBytes } from '@cairn/core';
import {
  ExpectedRevision,
  openEmbeddedEventLog,
  openPostgresEventLog,
  type AppendRequest,
  type EventLog,
  type JsonValue,
} from '@cairn/eventlog';
import {
  createFolderBlobStore,
  createFolderKeyStore,
  createLedger,
  openLogAnchor,
  createMemoryBlobStore,
  createMemoryKeyStore,
  createVerifyPool,
  describeLedgerError,
  idOf,
  newSigner,
  type BlobStore,
  type IngestItem,
  type KeyStore,
  type Ledger,
  type Signer,
} from '@cairn/sdk';
import pg from 'pg';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'ingest';
const BATCH = 2000;
const TOTAL = Number(process.env.CAIRN_BENCH_INGEST_CFS ?? 18_000);
const ROUNDS = Number(process.env.CAIRN_BENCH_INGEST_ROUNDS ?? 3);
const WARMUP_BATCHES = 2;
const CONTRIBUTORS = 8;

/** Opens a fresh log of the adapter under test, and how to drop it. */
type OpenLog = () => Promise<{ log: EventLog; cleanup: () => Promise<void> }>;

interface Workload {
  readonly registrations: IngestItem[];
  /** Appended untimed before the timed batches. */
  readonly warmup: { readonly batches: IngestItem[][]; readonly ids: string[][] };
  readonly batches: IngestItem[][];
  readonly ids: string[][];
}

/** CPU milliseconds per thread id of this process, from /proc (empty off Linux). */
function threadCpuMs(): Map<string, number> {
  const byThread = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        byThread.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100); // utime + stime, in USER_HZ (100/s)
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // not Linux
  }
  return byThread;
}

/** The main thread's id in /proc: the process id. */
const MAIN_THREAD = String(process.pid);

/** The figures a row reports; a round's, or the median of the rounds'. */
interface Figures {
  readonly perSecond: number;
  /** Main-thread CPU µs per CF (per event for the raw append), when /proc says. */
  readonly mainMicros: number | undefined;
  /** CPU µs per CF of every thread of this process. */
  readonly processMicros: number;
}

interface Measured extends Figures {
  /** CPU µs per CF of each thread that used at least 1 µs/CF, busiest first, main thread marked. */
  readonly threads: string;
}

interface CpuMark {
  readonly t0: number;
  readonly process: NodeJS.CpuUsage;
  readonly threads: Map<string, number>;
}

function cpuMark(): CpuMark {
  return { process: process.cpuUsage(), threads: threadCpuMs(), t0: performance.now() };
}

function timed(cfs: number, mark: CpuMark): Measured {
  const perSecond = cfs / ((performance.now() - mark.t0) / 1000);
  const used = process.cpuUsage(mark.process);
  const perThread = [...threadCpuMs()].map(([tid, ms]) => ({ tid, micros: ((ms - (mark.threads.get(tid) ?? 0)) * 1000) / cfs }));
  const threads = perThread
    .filter((t) => t.micros >= 1)
    .sort((a, b) => b.micros - a.micros)
    .map((t) => `${t.tid === MAIN_THREAD ? 'main' : t.tid} ${t.micros.toFixed(0)}`)
    .join(', ');
  return {
    threads,
    perSecond,
    mainMicros: perThread.find((t) => t.tid === MAIN_THREAD)?.micros,
    processMicros: (used.user + used.system) / cfs,
  };
}

/** The CFs of a workload's timed batches (a sealed workload's seals are not CFs). */
function cfsOf(workload: Workload): number {
  return workload.batches.reduce((n, b) => n + b.filter((i) => (i.envelope as { type: string }).type !== 'BatchSealed').length, 0);
}

function unwrapId(type: string, payload: unknown, signer: string): string {
  const id = idOf(type, payload, signer);
  if (E.isLeft(id)) throw new Error(id.left.message);
  return id.right.eventId;
}

function buildWorkload(ledger: Ledger, signers: readonly Signer[]): Workload {
  const sign = (type: string, payload: unknown, signer: Signer) => {
    const e = ledger.sign(type, payload, signer);
    if (E.isLeft(e)) throw new Error(describeLedgerError(e.left));
    return e.right;
  };
  const batches: IngestItem[][] = [];
  const ids: string[][] = [];
  for (let b = 0; (b - WARMUP_BATCHES) * BATCH < TOTAL; b++) {
    const batch: IngestItem[] = [];
    const batchIds: string[] = [];
    for (let i = 0; i < BATCH / 3; i++) {
      const n = b * BATCH + i;
      const author = signers[n % signers.length]!;
      const bytes = new TextEncoder().encode(`sample ${n}: a short paragraph of training text, about as long as a tweet or two.`);
      const sample = sign(
        'SampleContributed',
        {
          commitment: { scheme: 'sha256', value: createHash('sha256').update(bytes).digest('hex') },
          mediaType: 'text/plain',
          size: bytes.length,
          license: 'CC-BY-4.0',
          source: 'bench',
        },
        author,
      );
      const sampleId = unwrapId(sample.type, sample.payload, sample.signer);
      const label = sign(
        'LabelContributed',
        { targets: [sampleId], labelType: 'topic', value: n % 2 ? 'science' : 'art' },
        signers[(n + 1) % signers.length]!,
      );
      const labelId = unwrapId(label.type, label.payload, label.signer);
      const validation = sign(
        'ValidationContributed',
        { targets: [labelId], verdict: 'approve', rationale: 'checked' },
        signers[(n + 2) % signers.length]!,
      );
      batch.push({ envelope: sample, sample: { bytes } }, { envelope: label }, { envelope: validation });
      batchIds.push(sampleId, labelId, unwrapId(validation.type, validation.payload, validation.signer));
    }
    batches.push(batch);
    ids.push(batchIds);
  }
  const registrations = signers.map((s) => ({
    envelope: sign(
      'ContributorRegistered',
      { publicKey: (s as Signer & { publicKey: string }).publicKey, name: `bench-${s.contributorId.slice(0, 8)}` },
      s,
    ),
  }));
  const warmup = { batches: batches.splice(0, WARMUP_BATCHES), ids: ids.splice(0, WARMUP_BATCHES) };
  return { registrations, warmup, batches, ids };
}

/** CFs in a seal of the sealed workload (the SDK's default seal size). */
const SEAL = 1000;

/**
 * The same kind of CFs as buildWorkload, but each batch by one contributor (a seal has one
 * signer), in two forms with the same CF ids: sealed (a BatchSealed per SEAL CFs, then its CFs)
 * and signed one by one.
 */
function buildOneSignerWorkloads(
  ledger: Ledger,
  signers: readonly Signer[],
  registrations: IngestItem[],
): { sealed: Workload; signed: Workload } {
  const sealedBatches: IngestItem[][] = [];
  const sealedIds: string[][] = [];
  const signedBatches: IngestItem[][] = [];
  const signedIds: string[][] = [];
  for (let b = 0; (b - WARMUP_BATCHES) * BATCH < TOTAL; b++) {
    const author = signers[b % signers.length]!;
    const cfs: { type: string; payload: unknown; bytes?: Uint8Array }[] = [];
    for (let i = 0; i < BATCH / 3; i++) {
      const n = b * BATCH + i;
      const bytes = new TextEncoder().encode(`one-signer sample ${n}: a short paragraph of training text, about as long as a tweet.`);
      const sample = {
        commitment: { scheme: 'sha256', value: createHash('sha256').update(bytes).digest('hex') },
        mediaType: 'text/plain',
        size: bytes.length,
        license: 'CC-BY-4.0',
        source: 'bench',
      };
      const sampleId = unwrapId('SampleContributed', sample, author.contributorId);
      const label = { targets: [sampleId], labelType: 'topic', value: n % 2 ? 'science' : 'art' };
      const labelId = unwrapId('LabelContributed', label, author.contributorId);
      cfs.push(
        { type: 'SampleContributed', payload: sample, bytes },
        { type: 'LabelContributed', payload: label },
        { type: 'ValidationContributed', payload: { targets: [labelId], verdict: 'approve', rationale: 'checked' } },
      );
    }
    const sealed: IngestItem[] = [];
    for (let start = 0; start < cfs.length; start += SEAL) {
      const group = cfs.slice(start, start + SEAL);
      const envelopes = ledger.seal(group, author);
      if (E.isLeft(envelopes)) throw new Error(describeLedgerError(envelopes.left));
      envelopes.right.forEach((envelope, k) => {
        const bytes = k === 0 ? undefined : group[k - 1]!.bytes;
        sealed.push(bytes ? { envelope, sample: { bytes } } : { envelope });
      });
    }
    sealedBatches.push(sealed);
    sealedIds.push(
      sealed.map((i) => {
        const e = i.envelope as { type: string; payload: unknown; signer: string };
        return unwrapId(e.type, e.payload, e.signer);
      }),
    );
    const signed = cfs.map((cf) => {
      const envelope = ledger.sign(cf.type, cf.payload, author);
      if (E.isLeft(envelope)) throw new Error(describeLedgerError(envelope.left));
      return cf.bytes ? { envelope: envelope.right, sample: { bytes: cf.bytes } } : { envelope: envelope.right };
    });
    signedBatches.push(signed);
    signedIds.push(cfs.map((cf) => unwrapId(cf.type, cf.payload, author.contributorId)));
  }
  const split = (batches: IngestItem[][], ids: string[][]): Workload => {
    const warmup = { batches: batches.splice(0, WARMUP_BATCHES), ids: ids.splice(0, WARMUP_BATCHES) };
    return { registrations, warmup, batches, ids };
  };
  return { sealed: split(sealedBatches, sealedIds), signed: split(signedBatches, signedIds) };
}

/**
 * Sealed against per-CF signed ingest of the same CFs (one contributor per batch), each against
 * the raw appendMany of its own events (a sealed batch's raw append writes its seals too), in
 * alternating rounds like measure().
 */
async function measureSealed(
  ctx: BenchContext,
  label: string,
  openLog: OpenLog,
  workloads: { sealed: Workload; signed: Workload },
): Promise<BenchResult[]> {
  const raw: Measured[] = [];
  const sealed: Measured[] = [];
  const signed: Measured[] = [];
  const memory = () => ({ blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
  for (let round = 1; round <= ROUNDS; round++) {
    raw.push(await rawAppend(ctx, `${label}, sealed events, round ${round}`, openLog, workloads.sealed));
    sealed.push(await signedIngest(ctx, `${label}, sealed (${SEAL} a seal), round ${round}`, openLog, workloads.sealed, memory()));
    signed.push(await signedIngest(ctx, `${label}, same CFs signed one by one, round ${round}`, openLog, workloads.signed, memory()));
  }
  const baseline = medianOf(raw).perSecond;
  ctx.log(`${label}: raw ${spread(raw)}, sealed ${spread(sealed)}, per-CF signed ${spread(signed)} CFs/s`);
  return [
    row(
      GROUP,
      `sealed ingest, ${label}, in-memory stores (batches of ${BATCH}, ${SEAL} CFs a seal)`,
      medianOf(sealed).perSecond,
      'CFs/s',
      baseline,
    ),
    row(GROUP, `per-CF signed ingest of the same CFs, ${label}, in-memory stores`, medianOf(signed).perSecond, 'CFs/s', baseline),
    row(GROUP, `sealed vs per-CF signed ingest, ${label}`, medianOf(sealed).perSecond, 'CFs/s', medianOf(signed).perSecond),
  ];
}

function rawRequests(items: readonly IngestItem[], ids: readonly string[]): AppendRequest[] {
  return items.map((item, i) => {
    const envelope = item.envelope as { type: string };
    return {
      stream: `${envelope.type === 'BatchSealed' ? 'seal' : 'cf'}-${ids[i]!}`,
      expectedRevision: ExpectedRevision.noStream,
      events: [{ id: ids[i]!, type: envelope.type, data: item.envelope as JsonValue }],
    };
  });
}

/** The median of each figure over the rounds (each figure on its own). */
function medianOf(runs: readonly Figures[]): Figures {
  const median = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const mains = runs.map((r) => r.mainMicros);
  return {
    perSecond: median(runs.map((r) => r.perSecond)),
    mainMicros: mains.some((m) => m === undefined) ? undefined : median(mains as number[]),
    processMicros: median(runs.map((r) => r.processMicros)),
  };
}

const spread = (runs: readonly Figures[]) => runs.map((r) => Math.round(r.perSecond)).join(', ');

async function rawAppend(ctx: BenchContext, label: string, openLog: OpenLog, workload: Workload): Promise<Measured> {
  const cfs = cfsOf(workload);
  const raw = await openLog();
  const regs = await raw.log.appendMany(
    workload.registrations.map((r) => {
      const e = r.envelope as { type: string; payload: unknown; signer: string };
      const id = unwrapId(e.type, e.payload, e.signer);
      return {
        stream: `contributor-${e.signer}`,
        expectedRevision: ExpectedRevision.noStream,
        events: [{ id, type: e.type, data: r.envelope as JsonValue }],
      };
    }),
  );
  if (E.isLeft(regs)) throw new Error(JSON.stringify(regs.left));
  for (const [b, batch] of workload.warmup.batches.entries()) {
    const r = await raw.log.appendMany(rawRequests(batch, workload.warmup.ids[b]!));
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  }
  const mark = cpuMark();
  for (const [b, batch] of workload.batches.entries()) {
    const r = await raw.log.appendMany(rawRequests(batch, workload.ids[b]!));
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  }
  const measured = timed(cfs, mark);
  await raw.cleanup();
  ctx.log(`${label}: raw appendMany ${Math.round(measured.perSecond)} events/s (CPU µs/event by thread: ${measured.threads})`);
  return measured;
}

async function measure(
  ctx: BenchContext,
  label: string,
  openLog: OpenLog,
  workload: Workload,
  dir: string,
  alsoMemoryStores: boolean,
): Promise<BenchResult[]> {
  // Baseline and signed runs alternate, round after round, so a slow spell of a shared machine
  // lands on both sides; each row is the median of its rounds.
  const raw: Measured[] = [];
  const folder: Measured[] = [];
  const memory: Measured[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    raw.push(await rawAppend(ctx, `${label}, round ${round}`, openLog, workload));
    const stores = {
      blobs: createFolderBlobStore(path.join(dir, `${label}-${round}-blobs`)),
      keys: createFolderKeyStore(path.join(dir, `${label}-${round}-keys`)),
    };
    // A folder-backed ledger signs a tree head after every call, as openLedger's does.
    folder.push(
      await signedIngest(
        ctx,
        `${label}, folder stores, round ${round}`,
        openLog,
        workload,
        stores,
        path.join(dir, `${label}-${round}-heads`),
      ),
    );
    if (alsoMemoryStores)
      memory.push(
        await signedIngest(ctx, `${label}, in-memory stores, round ${round}`, openLog, workload, {
          blobs: createMemoryBlobStore(),
          keys: createMemoryKeyStore(),
        }),
      );
  }
  const baseline = medianOf(raw);
  ctx.log(
    `${label}: medians of ${ROUNDS} rounds; raw appendMany ${spread(raw)} events/s, folder stores ${spread(folder)} CFs/s` +
      (alsoMemoryStores ? `, in-memory stores ${spread(memory)} CFs/s` : ''),
  );

  const rows: BenchResult[] = [];
  const report = (stores: string, m: Figures) => {
    rows.push(row(GROUP, `signed ingest, ${label}, ${stores} stores (batches of ${BATCH})`, m.perSecond, 'CFs/s', baseline.perSecond));
    if (m.mainMicros !== undefined && baseline.mainMicros !== undefined)
      rows.push(
        row(
          GROUP,
          `main-thread CPU per CF, ${label}, ${stores} stores (vs raw append per event)`,
          m.mainMicros,
          'µs/CF',
          baseline.mainMicros,
        ),
      );
    rows.push(
      row(
        GROUP,
        `process CPU per CF, all threads, ${label}, ${stores} stores (vs raw append per event)`,
        m.processMicros,
        'µs/CF',
        baseline.processMicros,
      ),
    );
  };
  report('folder', medianOf(folder));
  if (alsoMemoryStores) report('in-memory', medianOf(memory));
  return rows;
}

async function signedIngest(
  ctx: BenchContext,
  label: string,
  openLog: OpenLog,
  workload: Workload,
  stores: { blobs: BlobStore; keys: KeyStore },
  treeHeadsDir?: string,
): Promise<Measured> {
  const cfs = cfsOf(workload);
  const signed = await openLog();
  const anchor = treeHeadsDir === undefined ? undefined : await openLogAnchor(signed.log, treeHeadsDir);
  const ledger = createLedger({ log: signed.log, ...stores, pool: createVerifyPool(), ...(anchor ? { anchor } : {}) });
  const registered = await ledger.ingest(workload.registrations);
  if (E.isLeft(registered)) throw new Error(describeLedgerError(registered.left));
  const warmed = await ledger.ingestBatches(workload.warmup.batches);
  if (E.isLeft(warmed)) throw new Error(describeLedgerError(warmed.left));
  const mark = cpuMark();
  const r = await ledger.ingestBatches(workload.batches);
  if (E.isLeft(r)) throw new Error(describeLedgerError(r.left));
  const measured = timed(cfs, mark);
  ctx.log(
    `${label}: signed ingest ${Math.round(measured.perSecond)} CFs/s, main thread ${measured.mainMicros?.toFixed(1) ?? '?'} µs/CF, ` +
      `all threads ${measured.processMicros.toFixed(1)} µs/CF (by thread: ${measured.threads}), load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  await ledger.close();
  await signed.cleanup();
  return measured;
}

async function verificationRows(ctx: BenchContext, workload: Workload, signers: readonly Signer[]): Promise<BenchResult[]> {
  const keyOf = new Map(signers.map((s) => [s.contributorId, (s as Signer & { publicKey: string }).publicKey]));
  const checks = workload.batches.flat().map((item) => {
    const e = item.envelope as { type: string; payload: unknown; signer: string; signature: string };
    const bytes = signingBytes(e.type, e.payload, e.signer);
    if (E.isLeft(bytes)) throw new Error('signing bytes');
    return { publicKey: keyOf.get(e.signer)!, signature: e.signature, message: bytes.right };
  });
  let t0 = performance.now();
  for (const c of checks) verifyFast(Buffer.from(c.signature, 'hex'), c.message, Buffer.from(c.publicKey, 'hex'));
  const inline = checks.length / ((performance.now() - t0) / 1000);
  const pool = createVerifyPool();
  await pool.verify(checks.slice(0, 512)); // start the workers
  t0 = performance.now();
  const verdicts = await pool.verify(checks);
  const pooled = checks.length / ((performance.now() - t0) / 1000);
  await pool.close();
  if (verdicts.some((v) => !v)) throw new Error('a bench signature did not verify');
  ctx.log(`verification: main thread ${Math.round(inline)}/s, pool of ${pool.size} ${Math.round(pooled)}/s`);
  return [row(GROUP, `Ed25519 verification, worker pool (${pool.size}) vs main thread`, pooled, 'sigs/s', inline)];
}

const group: BenchGroup = {
  group: GROUP,
  description: `signed bulk ingest (${TOTAL} CFs in batches of ${BATCH}, after ${WARMUP_BATCHES} warm-up batches; median of ${ROUNDS} alternating rounds) vs raw appendMany of the same events`,
  run: async (ctx) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-ingest-'));
    try {
      const signers = Array.from({ length: CONTRIBUTORS }, () => newSigner());
      const scratch = createLedger({
        log: { adapter: 'none' } as EventLog,
        blobs: createFolderBlobStore(dir),
        keys: createFolderKeyStore(dir),
      });
      const workload = buildWorkload(scratch, signers);
      const oneSigner = buildOneSignerWorkloads(scratch, signers, workload.registrations);
      const rows: BenchResult[] = [...(await verificationRows(ctx, workload, signers))];
      let n = 0;
      const embedded: OpenLog = async () => {
        const dataDir = path.join(dir, `log-${n++}`);
        const log = await openEmbeddedEventLog({ dataDir });
        return { log, cleanup: () => log.close() };
      };
      rows.push(...(await measure(ctx, 'embedded', embedded, workload, dir, true)));
      rows.push(...(await measureSealed(ctx, 'embedded', embedded, oneSigner)));
      if (ctx.pgUrl) {
        const url = ctx.pgUrl;
        const postgres: OpenLog = async () => {
          const schema = `bench_ingest_${process.pid}_${n++}`;
          const admin = new pg.Client({ connectionString: url });
          await admin.connect();
          await admin.query(`create schema "${schema}"`);
          await admin.end();
          const log = await openPostgresEventLog({ connectionString: url }, { schema });
          return {
            log,
            cleanup: async () => {
              await log.close();
              const c = new pg.Client({ connectionString: url });
              await c.connect();
              await c.query(`drop schema "${schema}" cascade`);
              await c.end();
            },
          };
        };
        rows.push(...(await measure(ctx, 'postgres', postgres, workload, dir, false)));
        rows.push(...(await measureSealed(ctx, 'postgres', postgres, oneSigner)));
      } else ctx.log('no CAIRN_BENCH_PG_URL: Postgres figures skipped');
      return rows;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default group;
