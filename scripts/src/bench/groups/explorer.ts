// The Lineage Explorer in a real browser (Debian's Chromium through playwright-core, headless)
// against `cairn serve`: time to first render of the dataset page of a large version (the
// members table showing its first 50 rows) and of a 2,000-node lineage graph (laid out, drawn
// and answering clicks). Baseline, same run and same browser: a static page holding a table of
// the same 50 rows, served over HTTP by this process. Each time is read in the page
// (performance.now() from the navigation's start to the moment the rows or the graph are there),
// the runs alternate with the baseline's, and each row is the median, as the machine is shared.
//
// The store is built once per run through the SDK's bulk path (ingestBatches): a curator, eight
// contributors, MEMBERS samples from source "bench" and 2,000 from source "graph"; then two
// manifests (one per source) and two datasets, each built once. Sample bytes go to in-memory
// blob and key stores: neither page reads them. `--quick` (or CAIRN_BENCH_EXPLORER_MEMBERS)
// takes a smaller version; the row names the size it ran. CAIRN_BENCH_EXPLORER_STORE=DIR keeps the
// store in DIR and, when DIR already holds one, runs against it without building it again (to
// look into a large store more than once; the member count is then read from the store).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, haveChromium, serveStore, type ServedStore } from '@cairn/testing';
import {
  createMemoryBlobStore,
  createMemoryKeyStore,
  describeLedgerError,
  newSigner,
  openLedger,
  type IngestItem,
  type Signer,
} from '@cairn/sdk';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'explorer';
const FULL_MEMBERS = 1_000_000;
const QUICK_MEMBERS = 20_000;
const GRAPH_MEMBERS = 2_000;
const RUNS = Number(process.env.CAIRN_BENCH_EXPLORER_RUNS ?? 5);
const PAGE = 50;
const BATCH = 3000;
const BIG = 'bench-corpus';
const SMALL = 'bench-graph';
const CHROMIUM = chromiumPath();
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../packages/cli/dist/bin.js');

function orThrow<T>(r: E.Either<Parameters<typeof describeLedgerError>[0], T>): T {
  if (E.isLeft(r)) throw new Error(describeLedgerError(r.left));
  return r.right;
}

/** The members of the big version and the graph's samples, written to the store in `dir`. */
async function buildStore(ctx: BenchContext, dir: string, members: number): Promise<void> {
  const ledger = await openLedger({ dir, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
  try {
    const curator = newSigner();
    const contributors = Array.from({ length: 8 }, () => newSigner());
    const register = (s: Signer & { publicKey: string }, name: string) => ({
      envelope: orThrow(ledger.sign('ContributorRegistered', { publicKey: s.publicKey, name }, s)),
    });
    orThrow(await ledger.ingest([register(curator, 'curator')]));
    orThrow(await ledger.ingest(contributors.map((s, i) => register(s, `contributor-${i}`))));
    const sample = (n: number, source: string): IngestItem => {
      const bytes = new TextEncoder().encode(`${source} sample ${n}: a short paragraph of training text, about a tweet long.`);
      const commitment = { scheme: 'sha256', value: createHash('sha256').update(bytes).digest('hex') };
      const envelope = orThrow(
        ledger.sign(
          'SampleContributed',
          { commitment, mediaType: 'text/plain', size: bytes.length, license: 'CC-BY-4.0', source },
          contributors[n % 8]!,
        ),
      );
      return { envelope, sample: { bytes } };
    };
    const batches = function* (): Generator<IngestItem[]> {
      for (const [source, count] of [
        ['bench', members],
        ['graph', GRAPH_MEMBERS],
      ] as const)
        for (let start = 0; start < count; start += BATCH)
          yield Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => sample(start + i, source));
    };
    const t0 = performance.now();
    orThrow(await ledger.ingestBatches(batches()));
    ctx.log(`build: ${members + GRAPH_MEMBERS} samples ingested in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const [name, source] of [
      [BIG, 'bench'],
      [SMALL, 'graph'],
    ] as const) {
      const manifest = orThrow(
        await ledger.manifests.define(
          {
            licensePolicy: { allowed: ['CC-BY-4.0'] },
            candidates: { kinds: ['sample'], sources: [source], assets: 'any' },
            minApprovals: { count: 0, scope: 'sample' },
          },
          curator,
        ),
      );
      orThrow(await ledger.datasets.define(name, curator, `the explorer bench's ${source} samples`));
      orThrow(await ledger.datasets.requestBuild(name, manifest.manifestId, curator));
    }
  } finally {
    await ledger.close();
  }
}

interface MemberRow {
  readonly cfId: string;
  readonly kind: string;
  readonly license: string | null;
  readonly source: string | null;
  readonly contributor: string;
  readonly reason: string;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The baseline: the same 50 rows in the same columns, as one static HTML page. */
function staticTable(members: readonly MemberRow[]): string {
  const rows = members
    .map(
      (m) =>
        `<tr><td><a href="#/cf/${m.cfId}">${m.cfId.slice(0, 12)}…</a></td><td>${m.kind}</td><td>${escape(m.license ?? '—')}</td>` +
        `<td>${escape(m.source ?? '—')}</td><td>${m.contributor.slice(0, 12)}…</td><td>${escape(m.reason)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>members</title></head><body>
<h1>Members</h1><table class="members"><thead><tr><th>CF</th><th>kind</th><th>license</th><th>source</th><th>contributor</th><th>why included</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`;
}

async function listen(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Milliseconds from the navigation's start to the moment `ready` holds in the page. */
async function timeTo(page: Page, url: string, ready: string): Promise<number> {
  // A blank page between runs: the hash routes of one document would not navigate otherwise.
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  const at = await page.waitForFunction(`(${ready}) ? performance.now() : false`, undefined, { polling: 'raf', timeout: 60_000 });
  return (await at.jsonValue()) as number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const membersFor = (ctx: BenchContext): number =>
  Number(process.env.CAIRN_BENCH_EXPLORER_MEMBERS ?? (ctx.quick === true ? QUICK_MEMBERS : FULL_MEMBERS));

const TABLE_READY = `document.querySelectorAll('table.members tbody tr').length === ${PAGE}`;
// The graph view sets data-ready on Cytoscape's first render: the graph is on the canvas and takes pans, zooms and clicks.
const GRAPH_READY = `document.querySelector('div.graph[data-ready="true"]') !== null`;

const group: BenchGroup = {
  group: GROUP,
  description: `time to first render in Chromium: the dataset page of a ${FULL_MEMBERS}-member version (--quick: ${QUICK_MEMBERS}) vs a static page of the same ${PAGE} rows, and a ${GRAPH_MEMBERS}-node lineage graph (median of ${RUNS})`,
  async run(ctx) {
    if (!haveChromium()) {
      ctx.log(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CAIRN_CHROMIUM)`);
      return [];
    }
    const kept = process.env.CAIRN_BENCH_EXPLORER_STORE;
    const root = kept === undefined ? await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-explorer-')) : undefined;
    const dir = kept === undefined ? path.join(root!, 'store') : path.resolve(kept);
    const reuse = kept !== undefined && existsSync(path.join(dir, 'log'));
    let members = membersFor(ctx);
    let server: ServedStore | undefined;
    let baseline: { url: string; server: Server } | undefined;
    let browser: Browser | undefined;
    try {
      let t0 = performance.now();
      if (reuse) ctx.log(`build: the store in ${dir} is reused`);
      else {
        execFileSync(process.execPath, [BIN, '--store', dir, 'init'], { stdio: 'ignore' });
        await buildStore(ctx, dir, members);
        t0 = performance.now();
        execFileSync(process.execPath, [BIN, '--store', dir, 'status'], { stdio: 'ignore' });
        ctx.log(`build: the first status projected the log in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      server = await serveStore(BIN, dir);
      const first = (await (await fetch(`${server.url}/v1/versions/${BIG}@1?limit=${PAGE}`)).json()) as {
        total: number;
        members: MemberRow[];
      };
      if (reuse) members = first.total;
      if (first.total !== members) throw new Error(`explorer bench: ${BIG}@1 holds ${first.total} members, not ${members}`);
      const small = (await (await fetch(`${server.url}/v1/datasets/${SMALL}/versions`)).json()) as { versions: { versionId: string }[] };
      const versionId = small.versions[0]!.versionId;
      const askedAt = performance.now();
      const trace = (await (
        await fetch(`${server.url}/v1/trace/${versionId}?direction=up&depth=2&maxNodes=${GRAPH_MEMBERS + 100}`)
      ).json()) as {
        nodes: unknown[];
        truncated?: boolean;
      };
      ctx.log(
        `graph: ${trace.nodes.length} nodes${trace.truncated === true ? ' (the walk stopped at its depth or node limit)' : ''}; ` +
          `the server answered its trace in ${Math.round(performance.now() - askedAt)} ms (first ask)`,
      );
      baseline = await listen(staticTable(first.members));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
      // The server's page forbids eval (its CSP); the waits below evaluate their test as a string.
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const urls = {
        baseline: baseline.url,
        dataset: `${server.url}/#/dataset/${BIG}`,
        graph: `${server.url}/#/graph/${versionId}?direction=up&depth=2&maxNodes=${GRAPH_MEMBERS + 100}`,
      };
      const ready = {
        baseline: `document.querySelectorAll('table.members tbody tr').length === ${PAGE}`,
        dataset: TABLE_READY,
        graph: GRAPH_READY,
      };
      // One untimed round: the browser's cache holds the page's files, the server's caches are warm.
      for (const k of ['baseline', 'dataset', 'graph'] as const) await timeTo(page, urls[k], ready[k]);
      const times = { baseline: [] as number[], dataset: [] as number[], graph: [] as number[] };
      // The machine is shared: the load as the timed runs start and as they end, beside the figures.
      const loadBefore = os.loadavg()[0]!.toFixed(2);
      t0 = performance.now();
      for (let i = 0; i < RUNS; i++)
        for (const k of ['baseline', 'dataset', 'graph'] as const) times[k].push(await timeTo(page, urls[k], ready[k]));
      const ms = (s: readonly number[]) => s.map((x) => Math.round(x)).join(', ');
      // Where the time went, in one more run of each page: the API reads it waited on, and the graph's own marks.
      for (const k of ['dataset', 'graph'] as const) {
        await timeTo(page, urls[k], ready[k]);
        const entries = await page.evaluate(() => [
          ...performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('/v1/') && !e.name.includes('/v1/live'))
            .map((e) => `${new URL(e.name).pathname.replace(/[0-9a-f]{64}/, 'ID')} ${Math.round(e.startTime)}+${Math.round(e.duration)}`),
          ...performance.getEntriesByType('mark').map((m) => `${m.name} at ${Math.round(m.startTime)}`),
        ]);
        ctx.log(`${k} (ms from navigation, start+duration): ${entries.join('; ')}`);
      }
      ctx.log(
        `runs (ms): baseline ${ms(times.baseline)}; dataset ${ms(times.dataset)}; graph ${ms(times.graph)}; load ${loadBefore} → ${os.loadavg()[0]!.toFixed(2)}`,
      );
      ctx.log(`timed runs took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const rows: BenchResult[] = [
        row(
          GROUP,
          `dataset page of a ${members}-member version, first ${PAGE} members shown (vs a static page of the same ${PAGE} rows)`,
          median(times.dataset) / 1000,
          's',
          median(times.baseline) / 1000,
        ),
        row(GROUP, `lineage graph of ${trace.nodes.length} nodes, laid out and drawn (target < 2 s)`, median(times.graph) / 1000, 's'),
      ];
      return rows;
    } finally {
      await browser?.close();
      baseline?.server.close();
      await server?.stop();
      if (root !== undefined) await rm(root, { recursive: true, force: true });
    }
  },
};

export default group;
