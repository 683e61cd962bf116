// `cairn serve` under load: requests/s and p50/p99 latency of why, a diff, a trace and a member
// page at 1, 16 and 64 connections on loopback, driven by autocannon, on an embedded store of
// CAIRN_BENCH_SERVER_EVENTS events (default 1M; `--quick` 20k). Baselines, same run:
// - the HTTP ceiling: the same framework (Fastify) in the same server process answering a static
//   JSON body of the same size as the question's answer, at the same connections;
// - the query ceiling: the library (@cairn/client) answering the same questions in-process, at the
//   same concurrency (that many async callers in a loop), the way the route calls it.
// The read row's ratio is against the lower of the two. Also: an asOf-pinned answer repeated (the
// immutable case; plainly and with If-None-Match) against the static ceiling, and signed ingest
// over HTTP (sealed batches POSTed one after the other) against the SDK's ingest in-process with
// the same batches' shape; both catch the projections up before the next batch, as the route does.
//
// The store is built once per run through the product path of `cairn import`: sealed batches of
// contributions (contribute.batch, one signature per seal), one approval per sample, then a
// manifest, a dataset, a build, 1% more samples and a second build (so the diff has a page of
// changes). Sample bytes go to in-memory blob and key stores: no read here decrypts a sample, and
// one file per sample would make the build the group's whole time. An embedded store is one
// process's at a time, so the phases take turns: the library ceiling in this process, then the
// server in a child process (this module run with CAIRN_BENCH_SERVER_CHILD) with autocannon here,
// then the in-process ingest.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { openCairn, type Cairn } from '@cairn/client';
import { createServer } from '@cairn/server';
import {
  DEFAULT_SEAL_SIZE,
  commitSample,
  createMemoryBlobStore,
  createMemoryKeyStore,
  describeLedgerError,
  newSigner,
  openLedger,
  type ContributionInput,
  type IngestItem,
  type Ledger,
  type Signer,
} from '@cairn/sdk';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'server';
const DATASET = 'bench-corpus';
const CONNECTIONS = [1, 16, 64] as const;
/** Different URLs per question, taken in turn by each connection (a CF, a page, …). */
const VARIANTS = 64;
const INGEST_BATCH = 500;

const sizeOf = (quick: boolean) => {
  const given = process.env.CAIRN_BENCH_SERVER_EVENTS;
  if (given === undefined) return quick ? 20_000 : 1_000_000;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`CAIRN_BENCH_SERVER_EVENTS: expected a whole number ≥ 1000, got ${given}`);
  return n;
};

function orThrow<T>(r: E.Either<Parameters<typeof describeLedgerError>[0], T>): T {
  if (E.isLeft(r)) throw new Error(describeLedgerError(r.left));
  return r.right;
}
function must<T>(r: E.Either<unknown, T>, what: string): T {
  if (E.isLeft(r)) throw new Error(`${what}: ${JSON.stringify(r.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return r.right;
}

const text = (s: string) => new TextEncoder().encode(s);
const sampleBytes = (n: number, tag: string) => text(`${tag} ${n}: a short paragraph of training text, about as long as a tweet or two.`);

// ---------------------------------------------------------------------------------------------
// The store

interface Built {
  readonly events: number;
  /** CFs the first version includes, and some it does not (rejected). */
  readonly included: readonly string[];
  readonly excluded: readonly string[];
  readonly signers: readonly Signer[];
}

async function contribute(ledger: Ledger, inputs: ContributionInput[], signer: Signer): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < inputs.length; i += DEFAULT_SEAL_SIZE)
    for (const r of orThrow(await ledger.contribute.batch(inputs.slice(i, i + DEFAULT_SEAL_SIZE), signer, { seal: true }))) ids.push(r.id);
  return ids;
}

async function buildStore(ctx: BenchContext, dir: string, events: number): Promise<Built> {
  const init = must(await openCairn({ store: dir, create: true }), 'init');
  await init.close();
  const ledger = await openLedger({ dir, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
  try {
    const t0 = performance.now();
    const curator = orThrow(await ledger.contributors.register(newSigner().secretKey, { name: 'curator' }));
    const signers: Signer[] = [];
    for (let i = 0; i < 8; i++)
      signers.push(orThrow(await ledger.contributors.register(newSigner().secretKey, { name: `contributor-${i}` })));
    // Two events a sample (it and its validation), a seal per DEFAULT_SEAL_SIZE of each; 1% of
    // the samples come after the first build.
    const samples = Math.floor((events - 20) / (2 + 2 / DEFAULT_SEAL_SIZE));
    const first = Math.floor(samples * 0.99);
    const included: string[] = [];
    const excluded: string[] = [];
    const addSamples = async (from: number, to: number) => {
      const chunk = DEFAULT_SEAL_SIZE * 8;
      for (let start = from; start < to; start += chunk) {
        const end = Math.min(to, start + chunk);
        const k = Math.floor(start / chunk);
        const author = signers[k % 8]!;
        const checker = signers[(k + 3) % 8]!;
        const inputs: ContributionInput[] = [];
        for (let n = start; n < end; n++)
          inputs.push({ kind: 'sample', bytes: sampleBytes(n, 'sample'), mediaType: 'text/plain', license: 'MIT', source: 'bench' });
        const ids = await contribute(ledger, inputs, author);
        // One in ten is rejected: a why-not to ask.
        const verdicts: ContributionInput[] = ids.map((id, i) =>
          (start + i) % 10 === 9
            ? { kind: 'validation', targets: [id], verdict: 'reject', rationale: 'off topic' }
            : { kind: 'validation', targets: [id], verdict: 'approve', rationale: 'checked' },
        );
        await contribute(ledger, verdicts, checker);
        ids.forEach((id, i) => {
          if (start + i >= first) return;
          const bucket = (start + i) % 10 === 9 ? excluded : included;
          if (bucket.length < VARIANTS * 4) bucket.push(id);
        });
        if ((k & 15) === 0) ctx.log(`build: ${end} of ${samples} samples`);
      }
    };
    await addSamples(0, first);
    const manifest = orThrow(
      await ledger.manifests.define({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 1, scope: 'sample' } }, curator),
    );
    orThrow(await ledger.datasets.define(DATASET, curator, 'the server bench corpus'));
    orThrow(await ledger.datasets.requestBuild(DATASET, manifest.manifestId, curator));
    await addSamples(first, samples);
    orThrow(await ledger.datasets.requestBuild(DATASET, manifest.manifestId, curator, { nonce: '0123456789abcdef' }));
    const head = orThrow(await ledger.log.head());
    ctx.log(
      `build: ${head} events (sealed import of ${samples} samples + validations) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return { events: Number(head), included, excluded, signers };
  } finally {
    await ledger.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The questions: each as the URLs a client asks and the client calls the route makes.

interface Question {
  readonly name: string;
  readonly paths: readonly string[];
  readonly calls: readonly (() => Promise<E.Either<unknown, unknown>>)[];
}

async function questionsOf(cairn: Cairn, built: Built): Promise<Question[]> {
  const cfs = Array.from({ length: VARIANTS }, (_, i) => (i % 4 === 3 ? built.excluded[i] : built.included[i])!);
  // Member pages: the version's first VARIANTS pages of 50, walked with cursors as a client would.
  const pages: { after?: string }[] = [{}];
  for (let i = 1; i < VARIANTS; i++) {
    const shown = must(await cairn.datasetShow(`${DATASET}@1`, { limit: 50, ...pages[i - 1] }), 'members');
    if (shown.next === null) break;
    pages.push({ after: shown.next });
  }
  return [
    {
      name: 'why',
      paths: cfs.map((cf) => `/v1/cfs/${cf}/why?in=${DATASET}@1`),
      calls: cfs.map((cf) => () => cairn.why(cf, `${DATASET}@1`)),
    },
    {
      name: 'diff page',
      paths: [`/v1/diff?from=${DATASET}@1&to=${DATASET}@2`],
      calls: [() => cairn.diff(`${DATASET}@1`, `${DATASET}@2`)],
    },
    {
      name: 'trace',
      paths: cfs.map((cf) => `/v1/trace/${cf}`),
      calls: cfs.map((cf) => () => cairn.trace(cf, { direction: 'both', maxDepth: 8 })),
    },
    {
      name: 'member page',
      // The server's cursors are opaque: its URLs come from walking its pages (memberPaths).
      paths: [],
      calls: pages.map((p) => () => cairn.datasetShow(`${DATASET}@1`, { limit: 50, ...p })),
    },
  ];
}

/** The member pages' URLs: the first page and the cursors the server hands out after it. */
async function memberPaths(base: string, count: number): Promise<string[]> {
  const paths = [`/v1/versions/${DATASET}@1?limit=50`];
  while (paths.length < count) {
    const res = await fetch(`${base}${paths.at(-1)!}`);
    const body = (await res.json()) as { nextCursor: string | null };
    if (body.nextCursor === null) break;
    paths.push(`/v1/versions/${DATASET}@1?limit=50&cursor=${encodeURIComponent(body.nextCursor)}`);
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Requests not answered within TIMEOUT_S (counted, not in the latencies). */
  readonly timeouts: number;
}

const TIMEOUT_S = 120;
/** The longest run (a slow question at 64 connections, on a loaded machine). */
const MAX_SECONDS = 30;

async function cannon(
  base: string,
  paths: readonly string[],
  connections: number,
  seconds: number,
  headers?: Record<string, string>,
): Promise<Load> {
  // The URLs in turn across all connections, as the library's callers take the questions: given
  // the list, each connection would walk it from the start, all asking the same URL at the same
  // time, so the server would meet runs of the dearest question (a why-not) the library never does.
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: TIMEOUT_S,
    requests: [
      { method: 'GET', ...(headers ? { headers } : {}), setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) },
    ],
  });
  // a 304 is the answer a conditional repeat wants; anything else not 2xx is a failed run
  const refused = result.non2xx - (headers ? result['3xx'] : 0);
  if (result.errors - result.timeouts > 0 || refused > 0)
    throw new Error(`server bench: ${paths[0]} at ${connections} conns: ${result.errors} errors, ${refused} refusals`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, timeouts: result.timeouts };
}

/**
 * Waits until the server has answered every request it took: it goes on answering the requests
 * in flight when the load generator stops (their connections closed), and a slow question's
 * backlog (64 connections × seconds each) would be measured as the next run's. A quick read
 * answering is no sign of an empty backlog: statements are taken in turn, so a one-statement read
 * passes requests that still have several to go.
 */
async function drain(child: ChildProcess): Promise<void> {
  const until = performance.now() + 10 * 60_000;
  while (performance.now() < until) {
    if ((await ask(child, { kind: 'inflight' })).inflight === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The library in-process: `concurrency` callers, each calling the next question as soon as its last answered. */
async function inProcess(calls: Question['calls'], concurrency: number, seconds: number): Promise<Load> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const call = calls[next++ % calls.length]!;
        const t0 = performance.now();
        must(await call(), 'in-process question');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  // The callers in flight at the end finish: the rate is over the time they took.
  return { rps: latencies.length / ((performance.now() - start) / 1000), p50: at(0.5), p99: at(0.99), timeouts: 0 };
}

// ---------------------------------------------------------------------------------------------
// The server process

interface ChildUrls {
  readonly api: string;
  readonly static: string;
}

type ToChild = { kind: 'static'; name: string; body: string } | { kind: 'inflight' } | { kind: 'close' };

function startChild(dir: string): Promise<{ child: ChildProcess; urls: ChildUrls }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, CAIRN_BENCH_SERVER_CHILD: dir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, urls: m as ChildUrls }));
    child.once('exit', (code) => reject(new Error(`server bench: the server process exited (${code})`)));
  });
}

const ask = (child: ChildProcess, m: ToChild) =>
  new Promise<{ readonly inflight?: number }>((resolve) => {
    child.once('message', (answer) => resolve(answer as { readonly inflight?: number }));
    child.send(m);
  });

const tell = (child: ChildProcess, m: ToChild) =>
  new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send(m);
  });

async function serveChild(dir: string): Promise<void> {
  const cairn = must(await openCairn({ store: dir }), 'open');
  const server = must(await createServer({ cairn, metadata: 'public' }), 'server');
  // Requests taken and not yet answered (see drain): a handler whose client left still runs to its send.
  let inflight = 0;
  server.app.addHook('onRequest', async () => {
    inflight += 1;
  });
  server.app.addHook('onSend', async () => {
    inflight -= 1;
  });
  const api = await server.listen(0, '127.0.0.1');
  // The HTTP ceiling: the same framework, a static body of the answer's size.
  const bodies = new Map<string, string>();
  const plain = Fastify({ logger: false });
  plain.get('/static/:name', (request, reply) =>
    reply.type('application/json').send(bodies.get((request.params as { name: string }).name) ?? '{}'),
  );
  const stat = await plain.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', (m: ToChild) => {
    if (m.kind === 'static') {
      bodies.set(m.name, m.body);
      process.send!({ ok: true });
      return;
    }
    if (m.kind === 'inflight') {
      process.send!({ inflight });
      return;
    }
    void (async () => {
      await server.close();
      await plain.close();
      await cairn.close();
      process.send!({ ok: true }, () => process.exit(0));
    })();
  });
  // The bench process gone (killed, crashed): nothing will ask for a close.
  process.on('disconnect', () => process.exit(1));
  process.send!({ api, static: stat } satisfies ChildUrls);
}

// ---------------------------------------------------------------------------------------------
// Ingest: sealed batches of signed samples, made here (the server never holds a key).

function ingestBatches(ledger: Ledger, signers: readonly Signer[], tag: string, batches: number): IngestItem[][] {
  return Array.from({ length: batches }, (_, b) => {
    const signer = signers[b % signers.length]!;
    const bytes = Array.from({ length: INGEST_BATCH }, (_, i) => sampleBytes(b * INGEST_BATCH + i, tag));
    const envelopes = orThrow(
      ledger.seal(
        bytes.map((x) => ({
          type: 'SampleContributed',
          payload: { commitment: commitSample(x, undefined), mediaType: 'text/plain', size: x.length, license: 'MIT', source: 'bench' },
        })),
        signer,
      ),
    );
    // the seal first (no bytes), then each CF with its sample's bytes
    return envelopes.map((envelope, i) => (i === 0 ? { envelope } : { envelope, sample: { bytes: bytes[i - 1]! } }));
  });
}

const toWire = (batch: readonly IngestItem[]) =>
  JSON.stringify({
    events: batch.map((item) =>
      item.sample === undefined
        ? { envelope: item.envelope }
        : { envelope: item.envelope, sample: { bytes: Buffer.from(item.sample.bytes).toString('base64') } },
    ),
  });

// ---------------------------------------------------------------------------------------------

const fmt = (l: Load) =>
  `${l.rps.toFixed(1)} req/s, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms${l.timeouts > 0 ? `, ${l.timeouts} timed out` : ''}`;

const group: BenchGroup = {
  group: GROUP,
  description:
    'cairn serve on loopback (autocannon): why, diff, trace, member pages at 1/16/64 conns vs a static Fastify body and the in-process library; pinned repeats; signed HTTP ingest vs in-process (CAIRN_BENCH_SERVER_EVENTS, default 1M; --quick 20k)',
  async run(ctx) {
    const quick = ctx.quick === true;
    const events = sizeOf(quick);
    const seconds = Number(process.env.CAIRN_BENCH_SERVER_SECONDS ?? (quick ? 3 : 10));
    const ingestRounds = quick ? 6 : 20;
    const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-server-'));
    const dir = path.join(root, 'store');
    const rows: BenchResult[] = [];
    const load = () =>
      `load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`;
    try {
      const built = await buildStore(ctx, dir, events);
      ctx.log(`store: ${built.events} events; ${load()}`);

      // Phase 1: the library in this process (the query ceiling), and the batches to ingest.
      let cairn = must(await openCairn({ store: dir }), 'open');
      let t0 = performance.now();
      must(await cairn.catchUp(), 'catch up');
      ctx.log(`projections caught up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const questions = await questionsOf(cairn, built);
      const library = new Map<string, Load>();
      // A run lasts long enough for its connections to be answered a few times over: at c
      // connections a question that takes p ms alone waits about c × p ms (the store answers one
      // query at a time), and a window shorter than that counts nothing.
      const durations = new Map<string, number>();
      for (const q of questions)
        for (const c of CONNECTIONS) {
          if (c === 1) await inProcess(q.calls, c, Math.min(1, seconds)); // warm
          const alone = library.get(`${q.name}/1`)?.p50 ?? 0;
          const duration = Math.min(MAX_SECONDS, Math.max(seconds, Math.ceil((3 * c * alone) / 1000)));
          durations.set(`${q.name}/${c}`, duration);
          const l = await inProcess(q.calls, c, duration);
          library.set(`${q.name}/${c}`, l);
          ctx.log(`library ${q.name} at ${c} (${duration} s): ${fmt(l)}; ${load()}`);
        }
      const httpBatches = ingestBatches(cairn.ledger, built.signers, 'over http', ingestRounds);
      const localBatches = ingestBatches(cairn.ledger, built.signers, 'in process', ingestRounds);
      await cairn.close();

      // Phase 2: the server in a child process; autocannon here.
      const { child, urls } = await startChild(dir);
      let httpIngest = 0;
      try {
        const paths = new Map<string, readonly string[]>();
        for (const q of questions) {
          const p = q.name === 'member page' ? await memberPaths(urls.api, q.calls.length) : q.paths;
          paths.set(q.name, p);
          // The static body: the size of the question's first answer.
          const body = await (await fetch(`${urls.api}${p[0]}`)).text();
          await tell(child, { kind: 'static', name: q.name.replace(/ /g, '-'), body });
          ctx.log(`${q.name}: ${p.length} URLs, answer ${body.length} bytes`);
        }
        // The pinned answer (one why, asOf the head) and its static twin.
        const head = ((await (await fetch(`${urls.api}/v1/status`)).json()) as { head: string }).head;
        const pinned = `${paths.get('why')![0]}&asOf=${head}`;
        const first = await fetch(`${urls.api}${pinned}`);
        const etag = first.headers.get('etag') ?? '';
        await tell(child, { kind: 'static', name: 'pinned', body: await first.text() });
        // The static ceilings first: the server process must be idle for them, and a slow
        // question's backlog outlives the load generator's run (see drain).
        const ceilings = new Map<string, Load>();
        for (const name of [...questions.map((q) => q.name), 'pinned'])
          for (const c of name === 'pinned' ? [64] : CONNECTIONS) {
            const staticPath = [`/static/${name.replace(/ /g, '-')}`];
            await cannon(urls.static, staticPath, c, 1);
            ceilings.set(`${name}/${c}`, await cannon(urls.static, staticPath, c, seconds));
          }
        for (const q of questions)
          for (const c of CONNECTIONS) {
            const ceilingHttp = ceilings.get(`${q.name}/${c}`)!;
            // warmed by one request of each URL, not by a run: a run leaves a backlog behind
            if (c === 1) for (const p of paths.get(q.name)!) await (await fetch(`${urls.api}${p}`)).arrayBuffer();
            const http = await cannon(urls.api, paths.get(q.name)!, c, durations.get(`${q.name}/${c}`)!);
            await drain(child);
            const lib = library.get(`${q.name}/${c}`)!;
            const lower = Math.min(ceilingHttp.rps, lib.rps);
            ctx.log(`http ${q.name} at ${c}: ${fmt(http)}; static ${fmt(ceilingHttp)}; library ${fmt(lib)}; ${load()}`);
            rows.push(
              row(
                GROUP,
                `${q.name}, ${c} conns: req/s vs the lower ceiling (static ${Math.round(ceilingHttp.rps)}, library ${Math.round(lib.rps)})`,
                http.rps,
                'req/s',
                lower,
              ),
            );
            rows.push(row(GROUP, `${q.name}, ${c} conns: p50 (library in-process as baseline)`, http.p50, 'ms', lib.p50));
            rows.push(row(GROUP, `${q.name}, ${c} conns: p99 (library in-process as baseline)`, http.p99, 'ms', lib.p99));
          }

        // The immutable case: one why pinned to the head, repeated.
        const staticPinned = ceilings.get('pinned/64')!;
        const repeat = await cannon(urls.api, [pinned], 64, seconds);
        const conditional = await cannon(urls.api, [pinned], 64, seconds, { 'if-none-match': etag });
        ctx.log(`pinned why at 64: ${fmt(repeat)}; with If-None-Match ${fmt(conditional)}; static ${fmt(staticPinned)}; ${load()}`);
        rows.push(row(GROUP, 'pinned (asOf) why repeated, 64 conns, vs static ceiling', repeat.rps, 'req/s', staticPinned.rps));
        rows.push(
          row(
            GROUP,
            'pinned (asOf) why repeated with If-None-Match (304), 64 conns, vs static ceiling',
            conditional.rps,
            'req/s',
            staticPinned.rps,
          ),
        );

        // Ingest over HTTP: one batch after the other, each answered once the projections have it.
        t0 = performance.now();
        for (const batch of httpBatches) {
          const res = await fetch(`${urls.api}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: toWire(batch),
          });
          if (res.status !== 201) throw new Error(`server bench: ingest answered ${res.status}: ${await res.text()}`);
        }
        httpIngest = (ingestRounds * (INGEST_BATCH + 1)) / ((performance.now() - t0) / 1000);
      } finally {
        await tell(child, { kind: 'close' });
      }

      // Phase 3: the same ingest in-process: the SDK's ingest, then the projections caught up.
      cairn = must(await openCairn({ store: dir }), 'open');
      try {
        must(await cairn.catchUp(), 'catch up');
        t0 = performance.now();
        for (const batch of localBatches) {
          orThrow(await cairn.ledger.ingest(batch));
          must(await cairn.catchUp(), 'catch up');
        }
        const localIngest = (ingestRounds * (INGEST_BATCH + 1)) / ((performance.now() - t0) / 1000);
        ctx.log(`ingest: http ${Math.round(httpIngest)} events/s, in-process ${Math.round(localIngest)} events/s; ${load()}`);
        rows.push(
          row(
            GROUP,
            `signed ingest over HTTP (sealed batches of ${INGEST_BATCH}), vs SDK ingest in-process`,
            httpIngest,
            'events/s',
            localIngest,
          ),
        );
      } finally {
        await cairn.close();
      }
      return rows;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

const childDir = process.env.CAIRN_BENCH_SERVER_CHILD;
if (childDir !== undefined && process.send !== undefined) await serveChild(childDir);

export default group;
