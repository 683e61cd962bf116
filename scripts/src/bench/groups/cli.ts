// Cold start of the CLI: the wall time of one `cairn status` and one `cairn why CF --in NAME@1`
// on an embedded store of CAIRN_BENCH_CLI_EVENTS events (default 100k), from process start to
// exit, the projections already caught up (the state a user's second command finds). Baseline,
// same run: a bare Node script that opens the same two PGlite folders (log and projections), one
// after the other, and runs one query in each: what any process reading that store must pay.
// Runs alternate with the baseline's and each row is the median, as the machine is shared.
//
// The store is built once per run through the SDK's bulk path (ingestBatches): a curator
// registered first (the ledger's first admin), contributors, and per sample a label and an
// approving validation; then a manifest, a dataset and one build. Sample bytes go to in-memory
// blob and key stores: neither command reads them, and two fsync'd files per sample would make
// the build the group's whole time. The first `cairn status` (untimed) projects the log.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import {
  createMemoryBlobStore,
  createMemoryKeyStore,
  describeLedgerError,
  idOf,
  newSigner,
  openLedger,
  type IngestItem,
  type Ledger,
  type Signer,
} from '@cairn/sdk';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'cli';
const EVENTS = Number(process.env.CAIRN_BENCH_CLI_EVENTS ?? 100_000);
const RUNS = Number(process.env.CAIRN_BENCH_CLI_RUNS ?? 5);
const BATCH = 3000;
const DATASET = 'bench-corpus';
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../packages/cli/dist/bin.js');

function orThrow<T>(r: E.Either<Parameters<typeof describeLedgerError>[0], T>): T {
  if (E.isLeft(r)) throw new Error(describeLedgerError(r.left));
  return r.right;
}

function eventIdOf(ledger: Ledger, type: string, payload: unknown, signer: Signer): { item: IngestItem; id: string } {
  const envelope = orThrow(ledger.sign(type, payload, signer));
  const id = idOf(type, payload, signer.contributorId);
  if (E.isLeft(id)) throw new Error(id.left.message);
  return { item: { envelope }, id: id.right.eventId };
}

/** Builds the store in `dir`; answers a CF that the dataset's first version includes. */
async function buildStore(ctx: BenchContext, dir: string): Promise<string> {
  const ledger = await openLedger({ dir, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
  try {
    const curator = newSigner();
    const contributors = Array.from({ length: 8 }, () => newSigner());
    const register = (s: Signer & { publicKey: string }, name: string) => ({
      envelope: orThrow(ledger.sign('ContributorRegistered', { publicKey: s.publicKey, name }, s)),
    });
    orThrow(await ledger.ingest([register(curator, 'curator')]));
    orThrow(await ledger.ingest(contributors.map((s, i) => register(s, `contributor-${i}`))));
    const triples = Math.floor((EVENTS - 1 - contributors.length - 3) / 3);
    let included: string | undefined;
    const batches = function* (): Generator<IngestItem[]> {
      for (let start = 0; start < triples; start += BATCH / 3) {
        const batch: IngestItem[] = [];
        for (let n = start; n < Math.min(triples, start + BATCH / 3); n++) {
          const bytes = new TextEncoder().encode(`sample ${n}: a short paragraph of training text, about as long as a tweet or two.`);
          const commitment = { scheme: 'sha256', value: createHash('sha256').update(bytes).digest('hex') };
          const sample = eventIdOf(
            ledger,
            'SampleContributed',
            { commitment, mediaType: 'text/plain', size: bytes.length, license: 'CC-BY-4.0', source: 'bench' },
            contributors[n % 8]!,
          );
          const sampleId = sample.id;
          included ??= sampleId;
          const label = eventIdOf(
            ledger,
            'LabelContributed',
            { targets: [sampleId], labelType: 'topic', value: n % 2 ? 'science' : 'art' },
            contributors[(n + 1) % 8]!,
          );
          const validation = eventIdOf(
            ledger,
            'ValidationContributed',
            { targets: [sampleId], verdict: 'approve', rationale: 'checked' },
            contributors[(n + 2) % 8]!,
          );
          batch.push({ ...sample.item, sample: { bytes } }, label.item, validation.item);
        }
        yield batch;
      }
    };
    const t0 = performance.now();
    orThrow(await ledger.ingestBatches(batches()));
    ctx.log(`build: ${triples * 3} CFs ingested in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const manifest = orThrow(
      await ledger.manifests.define({ licensePolicy: { allowed: ['CC-BY-4.0'] }, minApprovals: { count: 1, scope: 'sample' } }, curator),
    );
    orThrow(await ledger.datasets.define(DATASET, curator, 'the cli bench corpus'));
    orThrow(await ledger.datasets.requestBuild(DATASET, manifest.manifestId, curator));
    if (included === undefined) throw new Error('cli bench: no sample was made');
    return included;
  } finally {
    await ledger.close();
  }
}

/** The baseline process: open both PGlite folders of the store and run one query in each. */
function baselineScript(dir: string): string {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  return `import { PGlite } from ${JSON.stringify(pglite)};
const log = await PGlite.create({ dataDir: ${JSON.stringify(path.join(dir, 'log'))} });
await log.query('select max(position) from cairn_log');
const projections = await PGlite.create({ dataDir: ${JSON.stringify(path.join(dir, 'projections'))} });
await projections.query('select name, position from cairn_projection_checkpoints');
await projections.close();
await log.close();
`;
}

/** Wall seconds of one process run to its exit. */
function timedRun(args: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const group: BenchGroup = {
  group: GROUP,
  description: `cold start: wall time of \`cairn status\` and \`cairn why\` on a ${EVENTS}-event embedded store vs a bare Node script opening its PGlite folders (median of ${RUNS})`,
  async run(ctx) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-cli-'));
    const dir = path.join(root, 'store');
    try {
      execFileSync(process.execPath, [BIN, '--store', dir, 'init'], { stdio: 'ignore' });
      const cf = await buildStore(ctx, dir);
      let t0 = performance.now();
      execFileSync(process.execPath, [BIN, '--store', dir, 'status'], { stdio: 'ignore' });
      ctx.log(`build: the first status projected the log in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const baselineFile = path.join(root, 'baseline.mjs');
      await writeFile(baselineFile, baselineScript(dir));
      const commands = {
        status: [BIN, '--store', dir, 'status'],
        why: [BIN, '--store', dir, 'why', cf, '--in', `${DATASET}@1`],
      };
      // One untimed round warms the OS page cache for every file the runs read.
      for (const args of [[baselineFile], ...Object.values(commands)]) timedRun(args);
      const times = { baseline: [] as number[], status: [] as number[], why: [] as number[] };
      t0 = performance.now();
      for (let i = 0; i < RUNS; i++) {
        times.baseline.push(timedRun([baselineFile]));
        times.status.push(timedRun(commands.status));
        times.why.push(timedRun(commands.why));
      }
      const ms = (s: readonly number[]) => s.map((x) => Math.round(x * 1000)).join(', ');
      ctx.log(
        `runs (ms): baseline ${ms(times.baseline)}; status ${ms(times.status)}; why ${ms(times.why)}; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
      const baseline = median(times.baseline);
      const rows: BenchResult[] = [
        row(
          GROUP,
          `cairn status, ${EVENTS}-event embedded store, process start to exit (vs opening its PGlite folders)`,
          median(times.status),
          's',
          baseline,
        ),
        row(
          GROUP,
          `cairn why CF --in ${DATASET}@1, ${EVENTS}-event embedded store, process start to exit (vs opening its PGlite folders)`,
          median(times.why),
          's',
          baseline,
        ),
      ];
      ctx.log(`timed runs took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return rows;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

export default group;
