// Dataset versions at scale: building a 1M-member version (rules + RFC 6962 root), diffing two
// 1M-member versions, and the answers' p50 latency on a 1M-event projection.
//
// Build: 1M samples + 1M validations (one approval each, 10% rejected, a quarter under a license
// the policy refuses, 10% duplicate content). The headline is the product path: the datasets
// projection keeps a live assembly index that it extends as it applies each event, so a cut is the
// rules + root on that index. The index is built here by adding the facts one by one in log order,
// as the projection does (not timed; its memory is reported). The cold start — what a cut costs
// once per process or after a stale index, from facts already in memory — is a second row, for
// information. Baseline, same run: the raw cost of sorting the member ids with a string sort and
// hashing them into a Merkle root with core's merkleRootOfLeafHashes over leaf hashes made one
// node:crypto call each.
// Diff: two 1M-member versions that differ in 1% of members, merged over their packed sorted
// ids; baseline: a plain JS Set difference over the same ids as strings.
// Queries: the projection tables are BULK-LOADED with SQL (generate_series), not projected
// event by event: 1M CFs (750k samples, 250k validations), one asset, one 500k-member version
// with its members, exclusions and packed ids. p50 over 200 random CFs per query.
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { merkleRootOfLeafHashes as coreMerkleRoot } from '@cairn/core';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { DEFAULT_RULES, assembleVersion, indexFacts, LiveIndex, packIds, type CfFact } from '@cairn/assembly';
import { datasetsProjection, datasetVersionsAsOf, diffSortedMembers, whereFromCf, whyExcluded, whyIncluded } from '@cairn/datasets';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'query';
const N = Number(process.env.CAIRN_BENCH_QUERY_MEMBERS ?? 1_000_000);
// bulk-loading 1M CFs into PGlite alone takes about a minute here: the default keeps the group near
// its time budget; CAIRN_BENCH_QUERY_EVENTS=1000000 gives the 1M-event figures
const EVENTS = Number(process.env.CAIRN_BENCH_QUERY_EVENTS ?? 200_000);
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

// Facts in the shape loadFacts gives the projection: one object literal with every field in a fixed
// order. Objects made by spreading a shared base ({ ...base, cfId }) get unstable hidden classes in
// V8, and reading a field of one costs ~50× a plain literal's: a benchmark built that way measured
// the generator's objects rather than assembly.
function cfFact(f: Pick<CfFact, 'cfId' | 'kind' | 'author' | 'position'> & Partial<CfFact>): CfFact {
  return {
    cfId: f.cfId,
    kind: f.kind,
    author: f.author,
    position: f.position,
    source: f.source ?? null,
    license: f.license ?? null,
    commitment: f.commitment ?? null,
    labelType: f.labelType ?? null,
    targets: f.targets ?? [],
    amends: f.amends ?? null,
    supersedes: f.supersedes ?? null,
    verdict: f.verdict ?? null,
  };
}

/** The i-th fact of the bench log (samples 0..n-1, then one validation per sample), built on demand. */
function factMaker(n: number): (i: number) => CfFact {
  const authors = Array.from({ length: 1000 }, (_, i) => hex(`author-${i}`));
  return (i) => {
    if (i < n) {
      return cfFact({
        cfId: hex(`sample-${i}`),
        kind: 'sample',
        author: authors[i % 1000]!,
        position: BigInt(i + 1),
        source: 'web',
        license: i % 4 === 3 ? 'GPL-3.0-only' : i % 4 === 2 ? 'Apache-2.0 OR GPL-3.0-only' : 'MIT',
        commitment: hex(`content-${i % Math.floor(n * 0.9)}`),
      });
    }
    const v = i - n;
    return cfFact({
      cfId: hex(`validation-${v}`),
      kind: 'validation',
      author: authors[(v + 7) % 1000]!,
      position: BigInt(i + 1),
      targets: [hex(`sample-${v}`)],
      verdict: v % 10 === 0 ? 0 : 1,
    });
  };
}

// a full collection before reading the heap, so the figure is what the index keeps
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
const memoryInUse = () => {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function benchBuild(ctx: BenchContext): BenchResult[] {
  const rules = { ...DEFAULT_RULES, minApprovals: 1, minAgreement: 0.66, allowedLicenses: ['MIT', 'Apache-2.0'] };
  const manifestHash = hex('manifest');
  const factAt = factMaker(N);
  // product path: the live index as the projection extends it event by event
  ctx.log(`build: adding ${N} samples + ${N} validations to a live index, one by one`);
  const before = memoryInUse();
  let t0 = process.hrtime.bigint();
  const live = new LiveIndex();
  for (let i = 0; i < 2 * N; i++) live.addCf(factAt(i));
  const tExtend = seconds(t0);
  const liveBytes = memoryInUse() - before;
  t0 = process.hrtime.bigint();
  const version = assembleVersion(live.snapshot(), rules, manifestHash);
  const tLive = seconds(t0);
  ctx.log(
    `build: live index of ${2 * N} CFs holds ${(liveBytes / 2 ** 20).toFixed(0)} MB; extending it cost ${((tExtend / (2 * N)) * 1e6).toFixed(2)} µs per CF ` +
      `(fact generation included); cut (rules + root) ${tLive.toFixed(2)} s, ${version.members.length} members`,
  );
  // cold start: what the projection does when it cannot trust its index (facts already loaded)
  const facts = { cfs: Array.from({ length: 2 * N }, (_, i) => factAt(i)), deprecations: [], assets: [] };
  t0 = process.hrtime.bigint();
  const cold = assembleVersion(LiveIndex.of(facts).snapshot(), rules, manifestHash);
  const tCold = seconds(t0);
  t0 = process.hrtime.bigint();
  const reference = assembleVersion(indexFacts(facts), rules, manifestHash);
  const tReference = seconds(t0);
  ctx.log(`build: cold start ${tCold.toFixed(2)} s; reference indexFacts + rules + root ${tReference.toFixed(2)} s`);
  if (cold.versionId !== version.versionId || reference.versionId !== version.versionId)
    throw new Error('query bench: live, cold and reference versions differ');
  // baseline: sort the member ids as strings, hash the leaves and the tree with core
  const ids = [...version.members].reverse();
  t0 = process.hrtime.bigint();
  ids.sort();
  const packed = packIds(ids);
  const leaves = new Uint8Array(packed.length);
  const input = new Uint8Array(33);
  for (let i = 0; i < ids.length; i++) {
    input.set(packed.subarray(32 * i, 32 * i + 32), 1);
    leaves.set(createHash('sha256').update(input).digest(), 32 * i);
  }
  const root = Buffer.from(coreMerkleRoot(leaves)).toString('hex');
  const tBaseline = seconds(t0);
  if (root !== version.merkleRoot) throw new Error('query bench: assembly root differs from core root');
  return [
    row(
      GROUP,
      `build ${version.members.length} members of ${N} samples (rules + root on the projection's live index)`,
      tLive,
      's',
      tBaseline,
    ),
    row(
      GROUP,
      `build, cold start for information (index from ${2 * N} in-memory facts + rules + root; once per process or stale index)`,
      tCold,
      's',
      tBaseline,
    ),
    row(GROUP, `live assembly index memory for ${2 * N} CFs`, liveBytes / 2 ** 20, 'MB'),
  ];
}

function benchDiff(ctx: BenchContext): BenchResult[] {
  const a = Array.from({ length: N }, (_, i) => hex(`m-${i}`)).sort();
  // B: 1% removed, 1% new
  const b = [...a.filter((_, i) => i % 100 !== 0), ...Array.from({ length: N / 100 }, (_, i) => hex(`new-${i}`))].sort();
  const pa = packIds(a);
  const pb = packIds(b);
  let t0 = process.hrtime.bigint();
  const d = diffSortedMembers(pa, pb);
  const tMerge = seconds(t0);
  t0 = process.hrtime.bigint();
  const setA = new Set(a);
  const setB = new Set(b);
  const added = b.filter((x) => !setA.has(x));
  const removed = a.filter((x) => !setB.has(x));
  const tSet = seconds(t0);
  if (added.length !== d.added.length || removed.length !== d.removed.length)
    throw new Error('query bench: diff disagrees with Set difference');
  ctx.log(`diff: +${d.added.length} -${d.removed.length} =${d.unchanged}`);
  return [row(GROUP, `diff two ${N}-member versions (merge over packed sorted ids)`, tMerge, 's', tSet)];
}

/** Raw SQL for the bulk load (values interpolated are hex ids and integers made here); datasets_cfs keeps its ids as bytes. */
type Exec = (text: string) => Promise<unknown>;

async function bulkLoad(store: ProjectionStore, exec: Exec, events: number): Promise<{ version: string }> {
  await datasetsProjection.migrate(store.db);
  const samples = Math.floor(events * 0.75);
  await exec(`insert into datasets_cfs (cf_id, kind, author, source, license, commitment, personal_data, label_type, targets, amends, supersedes, verdict, valid_from, valid_to, recorded_at)
    select sha256(('s' || i)::bytea), 'sample', sha256(('a' || (i % 1000))::bytea), 'web',
      case when i % 4 = 3 then 'GPL-3.0-only' else 'MIT' end, sha256(('c' || i)::bytea), false, null, '[]'::jsonb, null, null, null,
      i, null, '2026-01-01T00:00:00Z'::timestamptz + i * interval '1 ms'
    from generate_series(1, ${samples}) i`);
  await exec(`insert into datasets_cfs (cf_id, kind, author, source, license, commitment, personal_data, label_type, targets, amends, supersedes, verdict, valid_from, valid_to, recorded_at)
    select sha256(('v' || i)::bytea), 'validation', sha256(('a' || ((i + 7) % 1000))::bytea), null, null, null, false, null,
      jsonb_build_array(encode(sha256(('s' || i)::bytea), 'hex')), null, null, 1, ${samples} + i, null, '2026-01-01T00:00:00Z'::timestamptz
    from generate_series(1, ${events - samples}) i`);
  const version = hex('bench-version');
  const build = events + 1;
  // one decision per member, as the evidence names the CF (the worst case for datasets_decisions)
  await exec(`insert into datasets_decisions (decision_id, rule, reason, evidence)
    select substr(cf_id, 1, 16), '', 'included: approvals 1 >= 1', jsonb_build_object('cf', jsonb_build_object('eventId', encode(cf_id, 'hex'), 'position', valid_from::text),
      'kind', 'sample', 'author', encode(author, 'hex'), 'source', source, 'license', license, 'licenseAllowed', true, 'approvals', '[]'::jsonb,
      'rejections', '[]'::jsonb, 'agreement', 1, 'labels', '[]'::jsonb, 'labelTypes', '[]'::jsonb, 'assets', '[]'::jsonb, 'replacedBy', null,
      'replaces', null, 'deprecatedBy', null, 'duplicateOf', null)
    from datasets_cfs where kind = 'sample' and license = 'MIT'`);
  // the version is number 1 (the only one cut); members and exclusions name it so, their CF by its bytes
  await exec(`insert into datasets_members (version_no, cf_id, decision_id)
    select 1, cf_id, substr(cf_id, 1, 16) from datasets_cfs where kind = 'sample' and license = 'MIT'`);
  await exec(`insert into datasets_decisions (decision_id, rule, reason, evidence)
    select substr(cf_id, 1, 16), 'license', 'license GPL-3.0-only not satisfiable by [MIT]', jsonb_build_object('cf', jsonb_build_object('eventId', encode(cf_id, 'hex'), 'position', valid_from::text),
      'approvals', '[]'::jsonb, 'rejections', '[]'::jsonb, 'labels', '[]'::jsonb, 'replacedBy', null, 'replaces', null, 'deprecatedBy', null, 'duplicateOf', null)
    from datasets_cfs where kind = 'sample' and license <> 'MIT'`);
  await exec(`insert into datasets_exclusions (build_position, version_no, cf_id, decision_id)
    select ${build}, 1, cf_id, substr(cf_id, 1, 16) from datasets_cfs where kind = 'sample' and license <> 'MIT'`);
  await exec(`insert into datasets_versions (version_id, version_no, dataset, manifest_id, merkle_root, member_count, position, event_id, recorded_at, members)
    select '${version}', 1, 'bench', '${hex('manifest')}', '${hex('root')}', count(*), ${build}, '${hex('build-event')}', '2026-01-01T00:00:00Z',
      string_agg(cf_id, ''::bytea order by cf_id)
    from datasets_members where version_no = 1`);
  await exec(`insert into datasets_builds (dataset, manifest_id, position, version_id, cause, cause_event_id, valid_to)
    values ('bench', '${hex('manifest')}', ${build}, '${version}', 'requested', '${hex('build-event')}', null)`);
  await exec(
    `insert into datasets_assets (asset_id, name, author, transformations, position) values ('${hex('asset')}', 'bench-asset', '${hex('curator')}', '[]'::jsonb, 1)`,
  );
  await exec(
    `insert into datasets_asset_members (asset_id, cf_id, position) select '${hex('asset')}', encode(cf_id, 'hex'), 1 from datasets_cfs where kind = 'sample' and valid_from % 10 = 0`,
  );
  await exec(`analyze`);
  return { version };
}

async function p50(times: number, query: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    await query(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function benchQueries(ctx: BenchContext, label: string, store: ProjectionStore, exec: Exec): Promise<BenchResult[]> {
  const events = EVENTS;
  ctx.log(`queries (${label}): bulk-loading ${events} CFs into the datasets tables`);
  const { version } = await bulkLoad(store, exec, events);
  const samples = Math.floor(events * 0.75);
  // deterministic spread of sample indices whose license is MIT (members) or not (excluded)
  const member = (i: number) => hex(`s${((i * 7919) % Math.floor(samples / 4)) * 4 + 1}`);
  const excluded = (i: number) => hex(`s${((i * 7919) % Math.floor(samples / 4)) * 4 + 3}`);
  const pos = (i: number) => BigInt(1 + ((i * 104729) % events));
  const runs = 200;
  const why = await p50(runs, async (i) => whyIncluded(store.db, member(i), version));
  const whyNot = await p50(runs, async (i) => whyExcluded(store.db, excluded(i), version));
  const where = await p50(runs, async (i) => whereFromCf(store.db, member(i)));
  const asOf = await p50(runs, async (i) => whereFromCf(store.db, member(i), { asOf: pos(i) }));
  const versionsAsOf = await p50(runs, async () => datasetVersionsAsOf(store.db, 'bench', BigInt(events + 1)));
  const name = (q: string) => `${q} p50 on ${label}, ${events}-event bulk-loaded tables`;
  return [
    row(GROUP, name('whyIncluded'), why, 'ms'),
    row(GROUP, name('whyExcluded'), whyNot, 'ms'),
    row(GROUP, name('whereFrom(cf)'), where, 'ms'),
    row(GROUP, name('whereFrom(cf) as of a position'), asOf, 'ms'),
    row(GROUP, name('dataset versions as of a position'), versionsAsOf, 'ms'),
  ];
}

const group: BenchGroup = {
  group: GROUP,
  description: `dataset versions: build and diff ${N}-member versions, answer p50 on a ${EVENTS}-event projection`,
  async run(ctx) {
    const results: BenchResult[] = [...benchBuild(ctx), ...benchDiff(ctx)];
    const pglite = await PGlite.create();
    const embedded = await openProjectionStore({ pglite });
    try {
      results.push(...(await benchQueries(ctx, 'PGlite', embedded, (text) => pglite.exec(text))));
    } finally {
      await embedded.close();
      await pglite.close();
    }
    if (ctx.pgUrl) {
      const schema = `cairn_bench_query_${process.pid}`;
      const pgStore = await openProjectionStore({ connectionString: ctx.pgUrl, schema });
      const client = new pg.Client({ connectionString: ctx.pgUrl });
      await client.connect();
      await client.query(`set search_path to ${schema}`);
      try {
        results.push(...(await benchQueries(ctx, 'Postgres', pgStore, (text) => client.query(text))));
      } finally {
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
        await pgStore.close();
      }
    }
    return results;
  },
};

export default group;
