// The server bench's store: built once through the SDK's bulk path (sealed batches signed here and
// handed to ledger.ingestBatches, pipelined: the next batch is decoded and verified while the
// current one is appended), or reused from CAIRN_BENCH_SERVER_STORE=DIR when DIR holds a store of
// the asked size and shape. Everything in it is derived from fixed seeds (the contributors' keys,
// the sample bytes, who signs what), so the questions asked of it — the CFs for why and trace —
// are computed, not read back, and are the same in every run against every copy of the store.
//
// The shape: a curator and eight contributors; samples in chunks of CHUNK, each chunk sealed by
// one contributor and validated (one sealed validation per sample, by another contributor; one in
// ten rejected, a why-not to ask); a manifest, a dataset and a build after 99% of the samples,
// then the last 1% and a second build (so the diff has a page of changes). Sample bytes go to
// in-memory blob and key stores: no read here decrypts a sample.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { eventIdOf } from '@cairn/core';
import { openCairn } from '@cairn/client';
import type { RunnerProgress } from '@cairn/projector';
import {
  DEFAULT_SEAL_SIZE,
  commitSample,
  createMemoryBlobStore,
  createMemoryKeyStore,
  describeLedgerError,
  openLedger,
  publicKeyHexOf,
  signerFromInitialKey,
  type IngestItem,
  type Ledger,
  type Signer,
} from '@cairn/sdk';
import type { BenchContext } from '../../types.js';

export const DATASET = 'bench-corpus';
/** What the marker records; a store with another format is rebuilt. */
const FORMAT = 1;
const MARKER = 'cairn-bench-server.json';
/** Samples a contributor signs in one go (sealed by DEFAULT_SEAL_SIZE); one ingest batch with their validations. */
export const CHUNK = DEFAULT_SEAL_SIZE * 4;
/** Ingest batches per ingestBatches call: pipelined within, and its receipts dropped after. */
const BATCHES_PER_CALL = 16;
const SEED = 'cairn-bench-server/v1';

function orThrow<T>(r: E.Either<Parameters<typeof describeLedgerError>[0], T>): T {
  if (E.isLeft(r)) throw new Error(describeLedgerError(r.left));
  return r.right;
}

const text = (s: string) => new TextEncoder().encode(s);
export const sampleBytes = (n: number, tag: string) =>
  text(`${tag} ${n}: a short paragraph of training text, about as long as a tweet or two.`);

/** A key from the seed: the same contributors in every build, so a reused store still has their keys. */
const seeded = (name: string): Signer & { readonly publicKey: string } => {
  const secretKey = new Uint8Array(createHash('sha256').update(`${SEED}/${name}`).digest());
  return { ...signerFromInitialKey(secretKey), publicKey: publicKeyHexOf(secretKey) };
};

/** mulberry32: a small seeded generator, so the questions drawn are the same in every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Layout {
  readonly events: number;
  readonly samples: number;
  /** Samples before the first build (the rest come before the second). */
  readonly first: number;
}

export function layoutOf(events: number): Layout {
  // Two events a sample (it and its validation), a seal per DEFAULT_SEAL_SIZE of each, and a few
  // registrations, the manifest, the dataset and its two builds.
  const samples = Math.floor((events - 20) / (2 + 2 / DEFAULT_SEAL_SIZE));
  return { events, samples, first: Math.floor(samples * 0.99) };
}

const rejected = (n: number) => n % 10 === 9;

export interface Cast {
  readonly curator: Signer & { readonly publicKey: string };
  readonly contributors: readonly (Signer & { readonly publicKey: string })[];
}

export const castOf = (): Cast => ({
  curator: seeded('curator'),
  contributors: Array.from({ length: 8 }, (_, i) => seeded(`contributor-${i}`)),
});

const authorOf = (cast: Cast, n: number) => cast.contributors[Math.floor(n / CHUNK) % 8]!;
const checkerOf = (cast: Cast, n: number) => cast.contributors[(Math.floor(n / CHUNK) + 3) % 8]!;

const samplePayload = (n: number) => {
  const bytes = sampleBytes(n, 'sample');
  return {
    bytes,
    payload: { commitment: commitSample(bytes, undefined), mediaType: 'text/plain', size: bytes.length, license: 'MIT', source: 'bench' },
  };
};

/** The CF id of sample n, as the build appended it. */
export function sampleId(cast: Cast, n: number): string {
  const id = eventIdOf('SampleContributed', samplePayload(n).payload, authorOf(cast, n).contributorId);
  if (E.isLeft(id)) throw new Error(`server bench: sample ${n} has no id: ${id.left.reason}`);
  return id.right;
}

/**
 * `count` CFs of the first version drawn with a fixed seed across all of it, every fourth one a
 * rejected sample (a why-not), the others included.
 */
export function drawCfs(cast: Cast, layout: Layout, count: number): string[] {
  const random = seededRandom(17);
  return Array.from({ length: count }, (_, i) => {
    let n = Math.floor(random() * layout.first);
    if (i % 4 === 3 && !rejected(n)) n = n - (n % 10) + 9;
    if (i % 4 !== 3 && rejected(n)) n -= 1;
    if (n >= layout.first) n -= 10;
    return sampleId(cast, n);
  });
}

/**
 * The ingest batches of samples [from, to): cut at multiples of CHUNK, so that each lies within
 * one author's run of samples (the one who seals it, whose id the CF ids are derived with) even
 * when `from` is not on a boundary (the samples after the first build).
 */
export function chunkRanges(from: number, to: number): (readonly [number, number])[] {
  const ranges: (readonly [number, number])[] = [];
  for (let start = from; start < to;) {
    const end = Math.min(to, (Math.floor(start / CHUNK) + 1) * CHUNK);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** One ingest batch: CHUNK samples sealed by their author, then their validations sealed by another contributor. */
function chunkBatch(ledger: Ledger, cast: Cast, from: number, to: number): IngestItem[] {
  const samples = Array.from({ length: to - from }, (_, i) => samplePayload(from + i));
  const author = authorOf(cast, from);
  const items: IngestItem[] = [];
  const ids: string[] = [];
  for (let s = 0; s < samples.length; s += DEFAULT_SEAL_SIZE) {
    const part = samples.slice(s, s + DEFAULT_SEAL_SIZE);
    const envelopes = orThrow(
      ledger.seal(
        part.map((p) => ({ type: 'SampleContributed', payload: p.payload })),
        author,
      ),
    );
    envelopes.forEach((envelope, i) => items.push(i === 0 ? { envelope } : { envelope, sample: { bytes: part[i - 1]!.bytes } }));
  }
  for (let n = from; n < to; n++) ids.push(sampleId(cast, n));
  const verdicts = ids.map((id, i) => ({
    type: 'ValidationContributed',
    payload: rejected(from + i)
      ? { targets: [id], verdict: 'reject', rationale: 'off topic' }
      : { targets: [id], verdict: 'approve', rationale: 'checked' },
  }));
  for (let s = 0; s < verdicts.length; s += DEFAULT_SEAL_SIZE)
    for (const envelope of orThrow(ledger.seal(verdicts.slice(s, s + DEFAULT_SEAL_SIZE), checkerOf(cast, from)))) items.push({ envelope });
  return items;
}

async function ingestSamples(ctx: BenchContext, ledger: Ledger, cast: Cast, from: number, to: number, total: number, t0: number) {
  let lastLog = performance.now();
  // Progress as the batches are asked for: ingestBatches asks for the next while it appends the
  // current, so by then the one before the current is in the log.
  const progress = (start: number) => {
    const done = Math.max(from, start - 2 * CHUNK);
    if (performance.now() - lastLog < 10_000 || done === from) return;
    lastLog = performance.now();
    const s = (lastLog - t0) / 1000;
    const rate = done / s;
    ctx.log(
      `build: ${done} of ${total} samples (+ validations) in ${s.toFixed(0)} s, ${Math.round(rate * 2)} events/s, about ${Math.round((total - done) / rate)} s to go`,
    );
  };
  const batches = function* (): Generator<IngestItem[]> {
    for (const [start, end] of chunkRanges(from, to)) {
      progress(start);
      yield chunkBatch(ledger, cast, start, end);
    }
  };
  const source = batches();
  let more = true;
  // A few batches per call, taken from the source as the call asks for them (so it still
  // prepares one while appending another); the receipts of a call are dropped after it.
  const some = function* (): Generator<IngestItem[]> {
    for (let i = 0; i < BATCHES_PER_CALL; i++) {
      const next = source.next();
      if (next.done === true) {
        more = false;
        return;
      }
      yield next.value;
    }
  };
  while (more) {
    const r = await ledger.ingestBatches(some());
    if (E.isLeft(r)) throw new Error(`server bench: build batch ${r.left.batch}: ${describeLedgerError(r.left)}`);
  }
}

/**
 * The catch-up's progress as log lines, one per `every` ms at the most, drawn from the runner's
 * reports: where each projection's checkpoint stands against the head, and the time to go at the
 * pace of the one furthest behind. `now` is the clock the lines are timed by (from `t0`).
 */
export function projectionProgress(
  log: (line: string) => void,
  t0: number,
  now: () => number = () => performance.now(),
  every = 10_000,
): (progress: RunnerProgress) => void {
  const lanes = new Map<string, RunnerProgress>();
  let lastLog = t0;
  return (progress) => {
    lanes.set(progress.projection, progress);
    const t = now();
    if (t - lastLog < every || progress.head === null) return;
    lastLog = t;
    const s = (t - t0) / 1000;
    const behind = [...lanes.values()].reduce((a, b) => (b.position < a.position ? b : a));
    const rate = behind.applied / s;
    const toGo = Number(progress.head - behind.position);
    const at = [...lanes.values()].map((l) => `${l.projection} ${l.position}`).join(', ');
    log(
      `build: projecting: ${at} of ${progress.head} events in ${s.toFixed(0)} s, ${Math.round(rate)} events/s, about ${rate > 0 ? Math.round(toGo / rate) : '?'} s to go`,
    );
  };
}

interface Marker {
  readonly format: number;
  /** False while the build runs: a build cut short is built again. */
  readonly complete: boolean;
  readonly events: number;
  readonly samples: number;
  readonly first: number;
  readonly head: string;
  readonly members: readonly [number, number];
  readonly buildSeconds: number;
  readonly catchUpSeconds: number;
}

async function buildInto(ctx: BenchContext, dir: string, layout: Layout): Promise<Marker> {
  const cast = castOf();
  const init = await openCairn({ store: dir, create: true });
  if (E.isLeft(init)) throw new Error(`server bench: init ${dir}: ${JSON.stringify(init.left)}`);
  await init.right.close();
  await writeFile(path.join(dir, MARKER), `${JSON.stringify({ format: FORMAT, complete: false, events: layout.events })}\n`);
  const ledger = await openLedger({ dir, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
  const t0 = performance.now();
  let head: string;
  try {
    const register = (s: Signer & { publicKey: string }, name: string) => ({
      envelope: orThrow(ledger.sign('ContributorRegistered', { publicKey: s.publicKey, name }, s)),
    });
    // The curator first: the founder, an admin.
    orThrow(await ledger.ingest([register(cast.curator, 'curator')]));
    orThrow(await ledger.ingest(cast.contributors.map((s, i) => register(s, `contributor-${i}`))));
    await ingestSamples(ctx, ledger, cast, 0, layout.first, layout.samples, t0);
    const manifest = orThrow(
      await ledger.manifests.define({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 1, scope: 'sample' } }, cast.curator),
    );
    orThrow(await ledger.datasets.define(DATASET, cast.curator, 'the server bench corpus'));
    orThrow(await ledger.datasets.requestBuild(DATASET, manifest.manifestId, cast.curator));
    await ingestSamples(ctx, ledger, cast, layout.first, layout.samples, layout.samples, t0);
    orThrow(await ledger.datasets.requestBuild(DATASET, manifest.manifestId, cast.curator, { nonce: '0123456789abcdef' }));
    head = String(orThrow(await ledger.log.head()));
  } finally {
    await ledger.close();
  }
  const buildSeconds = (performance.now() - t0) / 1000;
  ctx.log(`build: ${head} events appended in ${buildSeconds.toFixed(1)} s; projecting them`);
  const t1 = performance.now();
  const members = await checkStore(dir, layout, undefined, projectionProgress(ctx.log, t1));
  if (typeof members === 'string') throw new Error(`server bench: the store just built does not hold what it should: ${members}`);
  const catchUpSeconds = (performance.now() - t1) / 1000;
  ctx.log(`build: projections caught up in ${catchUpSeconds.toFixed(1)} s; versions of ${members[0]} and ${members[1]} members`);
  return { format: FORMAT, complete: true, ...layout, head, members, buildSeconds, catchUpSeconds };
}

/** The two versions' member counts once the projections are caught up, or why the store will not do. */
async function checkStore(
  dir: string,
  layout: Layout,
  expected?: readonly [number, number],
  onProgress?: (progress: RunnerProgress) => void,
): Promise<readonly [number, number] | string> {
  const opened = await openCairn({ store: dir, ...(onProgress ? { onProgress } : {}) });
  if (E.isLeft(opened)) return `it does not open: ${JSON.stringify(opened.left)}`;
  const cairn = opened.right;
  try {
    const caught = await cairn.catchUp();
    if (E.isLeft(caught)) return `its projections do not catch up: ${JSON.stringify(caught.left)}`;
    const totals: number[] = [];
    for (const v of [1, 2]) {
      const shown = await cairn.datasetShow(`${DATASET}@${v}`, { limit: 1 });
      if (E.isLeft(shown)) return `${DATASET}@${v}: ${JSON.stringify(shown.left)}`;
      totals.push(shown.right.total);
    }
    if (expected !== undefined && (totals[0] !== expected[0] || totals[1] !== expected[1]))
      return `its versions hold ${totals.join(' and ')} members, not ${expected.join(' and ')} as when it was built`;
    const cf = drawCfs(castOf(), layout, 1)[0]!;
    const why = await cairn.why(cf, `${DATASET}@1`);
    if (E.isLeft(why)) return `a drawn CF (${cf}) is not in it: ${JSON.stringify(why.left)}`;
    return [totals[0]!, totals[1]!];
  } finally {
    await cairn.close();
  }
}

export interface Store {
  readonly dir: string;
  readonly layout: Layout;
  readonly cast: Cast;
  /** The log head when the store was built (later runs' ingest appends after it). */
  readonly builtHead: string;
}

/**
 * The store in `dir`: reused when its marker says it was built at this size and it still holds
 * what it should (checked, and said in the log), built (again) otherwise. A directory that holds
 * something else than a bench store is refused, not emptied.
 */
export async function serverStore(ctx: BenchContext, dir: string, events: number, keep: boolean): Promise<Store> {
  const layout = layoutOf(events);
  const markerPath = path.join(dir, MARKER);
  if (keep && existsSync(markerPath)) {
    const marker = JSON.parse(await readFile(markerPath, 'utf8')) as Marker;
    let why: string | undefined;
    if (marker.format !== FORMAT) why = `it was built by format ${marker.format}, this bench builds ${FORMAT}`;
    else if (marker.events !== events) why = `it was built for ${marker.events} events, ${events} asked`;
    else if (!marker.complete) why = 'its build did not finish';
    if (why === undefined) {
      const t0 = performance.now();
      const members = await checkStore(dir, layout, marker.members, projectionProgress(ctx.log, t0));
      if (typeof members === 'string') why = members;
      else
        ctx.log(
          `store: reusing ${dir}: built for ${marker.events} events (head ${marker.head} then; appended in ${marker.buildSeconds.toFixed(0)} s, ` +
            `projected in ${marker.catchUpSeconds.toFixed(0)} s); versions of ${members[0]} and ${members[1]} members as expected; ` +
            `opened and checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
    }
    if (why === undefined) return { dir, layout, cast: castOf(), builtHead: marker.head };
    ctx.log(`store: ${dir} is rebuilt: ${why}`);
    await rm(dir, { recursive: true, force: true });
  } else if (keep && existsSync(dir) && (await readdir(dir)).length > 0)
    throw new Error(`server bench: ${dir} is not empty and holds no server bench store (no ${MARKER}); give an empty or new directory`);
  await mkdir(dir, { recursive: true });
  ctx.log(`store: building ${events} events (${layout.samples} samples) into ${dir}`);
  const marker = await buildInto(ctx, dir, layout);
  // Complete only now: a build cut short is built again by the next run.
  await writeFile(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  return { dir, layout, cast: castOf(), builtHead: marker.head };
}
