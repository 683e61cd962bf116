// `cairn serve` under load: requests/s and p50/p99 latency of why, a diff, a trace and a member
// page at 1, 16 and 64 connections on loopback, driven by autocannon, on an embedded store of
// CAIRN_BENCH_SERVER_EVENTS events (default 1M; `--quick` 20k). Baselines, same run:
// - the HTTP ceiling: the same framework (Fastify) in the same server process answering a static
//   JSON body of the same size as the question's answer, at the same connections;
// - the query ceiling: the library (@cairn/client) answering the same questions in-process, at the
//   same concurrency (that many async callers in a loop), the way the route calls it.
// The read row's ratio is against the lower of the two. A diff is kept once computed (datasets'
// diffReader, one per Cairn: in this process and in the server's), so its runs measure the kept
// answer sent again; the first computation after open has a row of its own. Also: an asOf-pinned answer repeated (the
// immutable case; plainly and with If-None-Match) against the static ceiling, and signed ingest
// over HTTP (sealed batches POSTed one after the other) against the SDK's ingest in-process with
// the same batches' shape; both catch the projections up before the next batch, as the route does.
//
// The store (server/store.ts) is built through the SDK's bulk path, or kept and reused across runs
// with CAIRN_BENCH_SERVER_STORE=DIR; the questions are drawn from it with fixed seeds. Every
// measured run counts a number of answers sized to the question's latency (answersFor), the same
// number in the library and over HTTP, so no run ends with uncounted requests in flight. An
// embedded store is one process's at a time, so the phases take turns: the library ceiling in
// this process, then the server in a child process (this module run with
// CAIRN_BENCH_SERVER_CHILD) with autocannon here, then the in-process ingest.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { openCairn, type Cairn } from '@cairn/client';
import { createServer } from '@cairn/server';
import { commitSample, describeLedgerError, type IngestItem, type Ledger, type Signer } from '@cairn/sdk';
import { row, type BenchGroup, type BenchResult } from '../types.js';
import { answersFor, cannon, inProcess, type Load, type Sizing } from './server/measure.js';
import { DATASET, drawCfs, sampleBytes, seededRandom, serverStore, type Store } from './server/store.js';

const GROUP = 'server';
const CONNECTIONS = [1, 16, 64] as const;
/** Different URLs per question, taken in turn by each connection (a CF, a page, …). */
const VARIANTS = 64;
const INGEST_BATCH = 500;
/** The most members a page of the server holds (its limit's bound), so a walk of the version takes the fewest requests. */
const LARGEST_PAGE = 1000;

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

// ---------------------------------------------------------------------------------------------
// The questions: each as the URLs a client asks and the client calls the route makes.

interface Question {
  readonly name: string;
  readonly paths: readonly string[];
  readonly calls: readonly (() => Promise<E.Either<unknown, unknown>>)[];
}

/**
 * Where the member pages start: every `stride`-th member of the first version (a page boundary a
 * client walking pages of `stride` reaches), so deep pages are asked as well as the first ones.
 */
const strideOf = (total: number) => Math.min(LARGEST_PAGE, Math.max(50, Math.floor(total / (VARIANTS * 4))));

/** VARIANTS of `boundaries` page starts, drawn with a fixed seed (the same in the library and over HTTP). */
function drawPages(boundaries: number): number[] {
  const random = seededRandom(42);
  const order = Array.from({ length: boundaries }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, VARIANTS);
}

async function questionsOf(cairn: Cairn, store: Store, head: bigint): Promise<Question[]> {
  const cfs = drawCfs(store.cast, store.layout, VARIANTS);
  // Member pages: the library is handed what a server cursor carries (the last member before the
  // page and how many come before it), found by walking the version in pages of `stride`.
  const total = must(await cairn.datasetShow(`${DATASET}@1`, { limit: 1 }), 'members').total;
  const stride = strideOf(total);
  const starts: { after?: string; offset?: number }[] = [{}];
  for (;;) {
    const shown = must(await cairn.datasetShow(`${DATASET}@1`, { limit: stride, ...starts.at(-1) }), 'members');
    if (shown.next === null) break;
    starts.push({ after: shown.next, offset: shown.offset + shown.members.length });
  }
  const pages = drawPages(starts.length).map((i) => starts[i]!);
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
      // pinned to the head as a server cursor pins its pages (the walk over HTTP comes before any ingest)
      calls: pages.map((p) => () => cairn.datasetShow(`${DATASET}@1`, { limit: 50, ...p }, p.after === undefined ? undefined : head)),
    },
  ];
}

/** The member pages' URLs: the server's own cursors at the same drawn page starts as the library's. */
async function memberPaths(base: string, total: number): Promise<string[]> {
  const stride = strideOf(total);
  const first = `/v1/versions/${DATASET}@1`;
  const starts = [''];
  for (;;) {
    const res = await fetch(`${base}${first}?limit=${stride}${starts.at(-1)}`);
    const body = (await res.json()) as { nextCursor: string | null };
    if (body.nextCursor === null) break;
    starts.push(`&cursor=${encodeURIComponent(body.nextCursor)}`);
  }
  return drawPages(starts.length).map((i) => `${first}?limit=50${starts[i]}`);
}

// ---------------------------------------------------------------------------------------------
// Measuring

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
    'cairn serve on loopback (autocannon): why, diff, trace, member pages at 1/16/64 conns vs a static Fastify body and the in-process library; pinned repeats; signed HTTP ingest vs in-process (CAIRN_BENCH_SERVER_EVENTS, default 1M; --quick 20k; CAIRN_BENCH_SERVER_STORE=DIR keeps the store and reuses it)',
  async run(ctx) {
    const quick = ctx.quick === true;
    const events = sizeOf(quick);
    const seconds = Number(process.env.CAIRN_BENCH_SERVER_SECONDS ?? (quick ? 3 : 10));
    if (!(seconds > 0))
      throw new Error(`CAIRN_BENCH_SERVER_SECONDS: expected a positive number, got ${process.env.CAIRN_BENCH_SERVER_SECONDS}`);
    const sizing: Sizing = quick
      ? { seconds, rounds: 5, minRounds: 3, maxSeconds: 30 }
      : { seconds, rounds: 10, minRounds: 5, maxSeconds: 120 };
    const ingestRounds = quick ? 6 : 20;
    const kept = process.env.CAIRN_BENCH_SERVER_STORE;
    const root = kept === undefined ? await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-server-')) : undefined;
    const dir = kept === undefined ? path.join(root!, 'store') : path.resolve(kept);
    const rows: BenchResult[] = [];
    const load = () =>
      `load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`;
    try {
      const store = await serverStore(ctx, dir, events, kept !== undefined);

      // Phase 1: the library in this process (the query ceiling), and the batches to ingest.
      let cairn = must(await openCairn({ store: dir }), 'open');
      let t0 = performance.now();
      must(await cairn.catchUp(), 'catch up');
      const head = String(must(await cairn.ledger.log.head(), 'head'));
      ctx.log(
        `store: ${head} events (built with ${store.builtHead}); projections caught up in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${load()}`,
      );
      const questions = await questionsOf(cairn, store, BigInt(head));
      const library = new Map<string, Load>();
      // The answers each (question, connections) run counts, the same over HTTP as here.
      const answers = new Map<string, number>();
      for (const q of questions) {
        if (q.name === 'diff page') {
          // the first diff after open is computed (members read, causes explained); later ones are kept
          const t = performance.now();
          must(await q.calls[0]!(), 'diff');
          const ms = performance.now() - t;
          ctx.log(`library diff page, first answer after open (computed): ${ms.toFixed(0)} ms; ${load()}`);
          rows.push(row(GROUP, 'diff page, first answer after open (computed; repeats are kept)', ms, 'ms'));
        }
        // warm, and the rate a run at one connection is sized by
        let rate = (await inProcess(q.calls, 1, Infinity, Math.min(1, seconds))).rps;
        for (const c of CONNECTIONS) {
          const n = answersFor(sizing, c, rate);
          answers.set(`${q.name}/${c}`, n);
          const l = await inProcess(q.calls, c, n);
          library.set(`${q.name}/${c}`, l);
          // the next, wider run is sized by this one's rate: more callers rarely make it lower
          rate = l.rps;
          ctx.log(`library ${q.name} at ${c} (${n} answers, ${l.seconds.toFixed(1)} s): ${fmt(l)}; ${load()}`);
        }
      }
      // Each run's batches are new samples (tagged with the head), so a kept store's ingest appends rather than replays.
      const httpBatches = ingestBatches(cairn.ledger, store.cast.contributors, `over http after ${head}`, ingestRounds);
      const localBatches = ingestBatches(cairn.ledger, store.cast.contributors, `in process after ${head}`, ingestRounds);
      const members = must(await cairn.datasetShow(`${DATASET}@1`, { limit: 1 }), 'members').total;
      await cairn.close();

      // Phase 2: the server in a child process; autocannon here.
      const { child, urls } = await startChild(dir);
      let httpIngest = 0;
      try {
        const paths = new Map<string, readonly string[]>();
        for (const q of questions) {
          const p = q.name === 'member page' ? await memberPaths(urls.api, members) : q.paths;
          paths.set(q.name, p);
          // The static body: the size of the question's first answer.
          const body = await (await fetch(`${urls.api}${p[0]}`)).text();
          await tell(child, { kind: 'static', name: q.name.replace(/ /g, '-'), body });
          ctx.log(`${q.name}: ${p.length} URLs, answer ${body.length} bytes`);
        }
        // The pinned answer (one why, asOf the head) and its static twin.
        const pinnedAt = ((await (await fetch(`${urls.api}/v1/status`)).json()) as { head: string }).head;
        const pinned = `${paths.get('why')![0]}&asOf=${pinnedAt}`;
        const first = await fetch(`${urls.api}${pinned}`);
        const etag = first.headers.get('etag') ?? '';
        await tell(child, { kind: 'static', name: 'pinned', body: await first.text() });
        // The static ceilings first: the server process must be idle for them, and a slow
        // question's backlog outlives the load generator's run (see drain).
        const ceilings = new Map<string, Load>();
        for (const name of [...questions.map((q) => q.name), 'pinned'])
          for (const c of name === 'pinned' ? [64] : CONNECTIONS) {
            const staticPath = [`/static/${name.replace(/ /g, '-')}`];
            const warm = await cannon(urls.static, staticPath, c, { seconds: 1 });
            ceilings.set(`${name}/${c}`, await cannon(urls.static, staticPath, c, { amount: answersFor(sizing, c, warm.rps) }));
          }
        for (const q of questions)
          for (const c of CONNECTIONS) {
            const ceilingHttp = ceilings.get(`${q.name}/${c}`)!;
            // warmed by one request of each URL, not by a run: a run leaves a backlog behind
            if (c === 1) for (const p of paths.get(q.name)!) await (await fetch(`${urls.api}${p}`)).arrayBuffer();
            const n = answers.get(`${q.name}/${c}`)!;
            const http = await cannon(urls.api, paths.get(q.name)!, c, { amount: n });
            await drain(child);
            const lib = library.get(`${q.name}/${c}`)!;
            const lower = Math.min(ceilingHttp.rps, lib.rps);
            ctx.log(
              `http ${q.name} at ${c} (${n} answers, ${http.seconds.toFixed(1)} s): ${fmt(http)}; static ${fmt(ceilingHttp)}; library ${fmt(lib)}; ${load()}`,
            );
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
        const repeatWarm = await cannon(urls.api, [pinned], 64, { seconds: 1 });
        const repeat = await cannon(urls.api, [pinned], 64, { amount: answersFor(sizing, 64, repeatWarm.rps) });
        const conditionalWarm = await cannon(urls.api, [pinned], 64, { seconds: 1 }, { 'if-none-match': etag });
        const conditional = await cannon(
          urls.api,
          [pinned],
          64,
          { amount: answersFor(sizing, 64, conditionalWarm.rps) },
          { 'if-none-match': etag },
        );
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
      if (root !== undefined) await rm(root, { recursive: true, force: true });
    }
  },
};

const childDir = process.env.CAIRN_BENCH_SERVER_CHILD;
if (childDir !== undefined && process.send !== undefined) await serveChild(childDir);

export default group;
