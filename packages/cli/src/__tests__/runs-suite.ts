// Training runs as first-class things, through the real binary on every store: runs list / show /
// diff, reproduce-check and unlearning. One ledger per store: six samples (s0 alone from its
// source, so the credit by source names s0's share independently), a corpus built by the founder,
// run r1 on corpus@1 with train and query gradients (scored), s5 deprecated (corpus@2), run r2 on
// corpus@2 with other code, seed, parameters and environment (not scored).
import { mkdtemp, readdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

/** A 2-D little-endian float32 .npy (NumPy format 1.0), rows of deterministic values. */
function npy(rows: number, cols: number, seed: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + rows * cols * 4);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  let s = seed;
  for (let i = 0; i < rows * cols; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.writeFloatLE(s / 2147483648 - 0.5, 10 + header.length + i * 4);
  }
  return new Uint8Array(out);
}

export interface Prepared {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** sample CF ids by row id s0..s5 */
  readonly ids: Readonly<Record<string, string>>;
  readonly local: string;
}

interface Summary {
  runId: string;
  dataset: string;
  versionId: string;
  ordinal: number;
  modelHash: string;
  codeVersion: string;
  signer: string;
  position: string;
  eventId: string;
}
interface Detail extends Summary {
  version: { merkleRoot: string; memberCount: number; manifestId: string } | null;
  seeds: Record<string, number>;
  hyperparameters: Record<string, unknown>;
  environment: Record<string, string>;
  gradients: { split: string; contentHash: string; rows: number; dims: number }[];
  attribution: { scored: boolean; reason?: string; trainRows?: number };
}
interface Check {
  name: string;
  ok: boolean;
  detail: string;
  failures: string[];
}
interface Reproduce {
  reproducible: boolean;
  checks: Check[];
  rebuilt: { versionId: string; merkleRoot: string } | null;
  samples: { total: number; readable: number; erased: { cfId: string; eventId: string }[]; unreadable: { cfId: string }[] };
}
interface Unlearning {
  erased: { cfId: string; eventId: string; influence: number | null }[];
  memberCount: number;
  attribution: {
    scored: boolean;
    reason?: string;
    influenceShare: number;
    creditShare: number;
    erasedTrainCfs: number;
    trainCfs: number;
    queriesAffected: number;
    topQueries: { queryRow: number; share: number; erasedInfluence: number; erased: { cfId: string }[] }[];
  };
}

async function prepare(store: StoreUnderTest): Promise<Prepared> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-runs-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  const run = (...args: string[]) => cairnJson(dir, env, ...args);
  await initStore(dir, env, cairnJson);
  // alice registers first: the founder, who defines manifests and builds
  await run('keys', 'new', 'alice');
  await run('keys', 'new', 'bob');
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, text: `sample number ${i}`, source: i === 0 ? 'only-s0' : 'common' })),
    ...Array.from({ length: 6 }, (_, i) => ({ targets: [`s${i}`], labelType: 'class', value: i % 2 })),
  ];
  await writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  const imported = await cairnJson<{ cfs: { kind: string; cfId: string }[] }>(
    dir,
    env,
    'import',
    'rows.jsonl',
    '--as',
    'alice',
    '--license',
    'MIT',
  );
  const samples = imported.cfs.filter((c) => c.kind === 'sample').map((c) => c.cfId);
  const ids = Object.fromEntries(samples.map((id, i) => [`s${i}`, id]));
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } }));
  const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'alice');
  await run('dataset', 'define', 'corpus', '--as', 'alice');
  await run('dataset', 'build', 'corpus', '--manifest', manifestId, '--as', 'alice');
  await writeFile(path.join(dir, 'train.npy'), npy(6, 16, 1));
  await writeFile(path.join(dir, 'query.npy'), npy(6, 16, 2));
  await writeFile(path.join(dir, 'p1.json'), JSON.stringify({ lr: 0.1, attribution: { projectedDim: 8, topK: 3 } }));
  await writeFile(path.join(dir, 'p2.json'), JSON.stringify({ lr: 0.05, epochs: 3, attribution: { projectedDim: 8, topK: 3 } }));
  await run(
    'record-run',
    '--dataset',
    'corpus@1',
    '--code',
    'git:abc',
    '--seed',
    '7',
    '--params',
    'p1.json',
    '--env',
    'torch=2.3.0',
    '--model-hash',
    'a'.repeat(64),
    '--run-id',
    'r1',
    '--as',
    'bob',
  );
  await run('record-gradients', 'r1', '--split', 'train', '--file', 'train.npy', '--rows-from', 'corpus@1', '--as', 'bob');
  await run('record-gradients', 'r1', '--split', 'query', '--file', 'query.npy', '--rows-from', 'corpus@1', '--as', 'bob');
  await run('deprecate', ids.s5!, '--as', 'alice', '--reason', 'takedown');
  await run(
    'record-run',
    '--dataset',
    'corpus@2',
    '--code',
    'git:def',
    '--seed',
    '8',
    '--params',
    'p2.json',
    '--env',
    'torch=2.4.0',
    '--env',
    'cuda=12.1',
    '--model-hash',
    'b'.repeat(64),
    '--run-id',
    'r2',
    '--as',
    'bob',
  );
  return { dir, env, ids, local: env.CAIRN_KEYS ?? path.join(dir, '.cairn') };
}

/**
 * `more` adds tests on the same ledger after the suite's own (s0 erased by then): a store's twin
 * checks there what other features read from this store without a ledger of their own.
 */
export function runsSpecification(name: string, store: StoreUnderTest, more?: (given: () => Prepared) => void): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  describe(`cairn runs / reproduce-check / unlearning on ${name}`, () => {
    let p: Prepared;
    const json = <T>(...args: string[]) => cairnJson<T>(p.dir, p.env, ...args);
    const head = async () => (await json<{ head: string | null }>('status')).head;
    beforeAll(async () => {
      p = await prepare(store);
    }, 300_000);

    it('given two recorded runs, when listed, then each shows its version, model, code, position and signer in log order', async () => {
      const { runs } = await json<{ runs: Summary[] }>('runs', 'list');
      expect(runs.map((r) => [r.runId, r.dataset, r.ordinal, r.codeVersion, r.modelHash])).toEqual([
        ['r1', 'corpus', 1, 'git:abc', 'a'.repeat(64)],
        ['r2', 'corpus', 2, 'git:def', 'b'.repeat(64)],
      ]);
      expect(BigInt(runs[0]!.position)).toBeLessThan(BigInt(runs[1]!.position));
      const bob = (await json<{ signers: { name: string; contributorId: string }[] }>('keys', 'list')).signers.find(
        (c) => c.name === 'bob',
      );
      expect(runs.map((r) => r.signer)).toEqual([bob?.contributorId, bob?.contributorId]);
      const text = await cairn(p.dir, p.env, 'runs', 'list');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('corpus@1');
      expect(text.stdout).toContain('bob');
    }, 120_000);

    it('when a run is shown, then it gives the version and its Merkle root, code, seeds, parameters, environment, gradients and whether it was scored', async () => {
      const r1 = await json<Detail>('runs', 'show', 'r1');
      const v1 = await json<{ versionId: string; version: { merkleRoot: string; memberCount: number } }>('dataset', 'show', 'corpus@1');
      expect(r1.versionId).toBe(v1.versionId);
      expect(r1.version).toMatchObject({ merkleRoot: v1.version.merkleRoot, memberCount: 6 });
      expect(r1.seeds).toEqual({ training: 7 });
      expect(r1.hyperparameters).toEqual({ lr: 0.1, attribution: { projectedDim: 8, topK: 3 } });
      expect(r1.environment).toEqual({ torch: '2.3.0' });
      expect(r1.gradients.map((g) => [g.split, g.rows, g.dims])).toEqual([
        ['train', 6, 16],
        ['query', 6, 16],
      ]);
      expect(r1.attribution).toMatchObject({ scored: true, trainRows: 6 });
      const r2 = await json<Detail>('runs', 'show', 'r2');
      expect(r2.version?.memberCount).toBe(5);
      expect(r2.gradients).toEqual([]);
      expect(r2.attribution.scored).toBe(false);
      expect(r2.attribution.reason).toContain('gradients');
      const text = await cairn(p.dir, p.env, 'runs', 'show', 'r1');
      for (const s of ['run r1', v1.version.merkleRoot, 'git:abc', 'training=7', 'torch=2.3.0', 'scored at'])
        expect(text.stdout).toContain(s);
    }, 120_000);

    it('when two runs are diffed, then the dataset diff of their versions and the code, seed, parameter and environment changes are named', async () => {
      const d = await json<{
        sameVersion: boolean;
        dataset: { counts: { added: number; removed: number; unchanged: number }; removed: { cfId: string; cause: { kind: string } }[] };
        code: { from: string; to: string };
        model: { from: string; to: string };
        seeds: { key: string; from: string | null; to: string | null }[];
        hyperparameters: { key: string; from: string | null; to: string | null }[];
        environment: { key: string; from: string | null; to: string | null }[];
      }>('runs', 'diff', 'r1', 'r2');
      expect(d.sameVersion).toBe(false);
      expect(d.dataset.counts).toMatchObject({ added: 0, removed: 1, unchanged: 5 });
      expect(d.dataset.removed.map((r) => r.cfId)).toEqual([p.ids.s5]);
      expect(d.code).toEqual({ key: 'codeVersion', from: 'git:abc', to: 'git:def' });
      expect(d.model).toEqual({ key: 'modelHash', from: 'a'.repeat(64), to: 'b'.repeat(64) });
      expect(d.seeds).toEqual([{ key: 'training', from: '7', to: '8' }]);
      expect(d.hyperparameters).toEqual([
        { key: 'epochs', from: null, to: '3' },
        { key: 'lr', from: '0.1', to: '0.05' },
      ]);
      expect(d.environment).toEqual([
        { key: 'cuda', from: null, to: '"12.1"' },
        { key: 'torch', from: '"2.3.0"', to: '"2.4.0"' },
      ]);
      const same = await json<{
        sameVersion: boolean;
        dataset: { counts: { added: number; removed: number } };
        code: unknown;
        seeds: unknown[];
      }>('runs', 'diff', 'r1', 'r1');
      expect(same).toMatchObject({ sameVersion: true, code: null, seeds: [] });
      const text = await cairn(p.dir, p.env, 'runs', 'diff', 'r1', 'r2');
      for (const s of ['corpus@1 → corpus@2', '-1 removed', 'git:abc → git:def', 'lr: 0.1 → 0.05', 'torch: "2.3.0" → "2.4.0"'])
        expect(text.stdout).toContain(s);
    }, 120_000);

    it('given an intact ledger, when reproduce-check runs, then the version re-assembles to the same id and root, every sample is readable and the gradients are present', async () => {
      const r = await json<Reproduce>('reproduce-check', 'r1');
      const v1 = await json<{ versionId: string; version: { merkleRoot: string } }>('dataset', 'show', 'corpus@1');
      expect(r.reproducible).toBe(true);
      expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
        ['version-rebuilds', true],
        ['member-bytes', true],
        ['gradient-artifacts', true],
      ]);
      expect(r.rebuilt).toMatchObject({ versionId: v1.versionId, merkleRoot: v1.version.merkleRoot });
      expect(r.checks[0]!.detail).toContain('replayed from the log alone');
      expect(r.samples).toMatchObject({ total: 6, readable: 6, erased: [], unreadable: [] });
      const text = await cairn(p.dir, p.env, 'reproduce-check', 'r2');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('ok   version-rebuilds');
      expect(text.stdout).toContain('no gradients recorded');
      expect(text.stdout).toContain('reproducible');
    }, 120_000);

    it('given an unknown run, when any runs command asks for it, then it exits 4 naming the run and appends nothing', async () => {
      const before = await head();
      for (const args of [
        ['runs', 'show', 'nope'],
        ['runs', 'diff', 'r1', 'nope'],
        ['reproduce-check', 'nope'],
        ['unlearning', 'nope'],
      ]) {
        const r = await cairn(p.dir, p.env, ...args);
        expect({ args, code: r.code }).toEqual({ args, code: 4 });
        expect(r.stderr).toContain('no training run "nope" is recorded');
        expect(r.stderr).not.toContain('    at ');
      }
      const j = await cairn(p.dir, p.env, '--json', 'unlearning', 'nope');
      expect(JSON.parse(j.stderr)).toMatchObject({ error: { exitCode: 4, message: 'no training run "nope" is recorded' } });
      const bad = await cairn(p.dir, p.env, 'unlearning', 'r1', '--top', 'zero');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--top');
      expect(await head()).toBe(before);
    }, 120_000);

    it("given a sample of r1 erased, when unlearning is asked, then it names the erasure and gives its share of the influence, equal to its source's credit share, and the queries it weighed on", async () => {
      const none = await json<Unlearning>('unlearning', 'r1');
      expect(none.erased).toEqual([]);
      expect(none.attribution).toMatchObject({ scored: true, influenceShare: 0, creditShare: 0, queriesAffected: 0, topQueries: [] });
      const erasure = await json<{ id: string; type: string }>('erase', p.ids.s0!, '--as', 'alice', '--reason', 'data subject request');
      expect(erasure.type).toBe('SampleErased');
      const u = await json<Unlearning>('unlearning', 'r1', '--top', '2');
      expect(u.erased.map((e) => e.cfId)).toEqual([p.ids.s0]);
      expect(u.erased[0]!.influence).not.toBeNull();
      const erasureId = erasure.id;
      expect(u.erased[0]!.eventId).toBe(erasureId);
      expect(u.memberCount).toBe(6);
      const a = u.attribution;
      expect(a).toMatchObject({ scored: true, erasedTrainCfs: 1, trainCfs: 6 });
      expect(a.influenceShare).toBeGreaterThan(0);
      expect(a.influenceShare).toBeLessThanOrEqual(1);
      // s0 is its source's only sample: the credit by source is an independent reading of its share
      const credit = await json<{ sources: { key: string; share: number }[] }>('credit', 'corpus@1', '--run', 'r1');
      expect(a.creditShare).toBeCloseTo(credit.sources.find((s) => s.key === 'only-s0')?.share ?? 0, 12);
      // with 6 train rows and a top-3 per query, s0 weighs on some queries: the two it weighs on most are listed
      expect(a.queriesAffected).toBeGreaterThan(0);
      expect(a.topQueries.length).toBe(Math.min(2, a.queriesAffected));
      for (const q of a.topQueries) {
        expect(q.erased.map((e) => e.cfId)).toEqual([p.ids.s0]);
        expect(q.share).toBeGreaterThan(0);
      }
      for (let i = 1; i < a.topQueries.length; i++)
        expect(a.topQueries[i - 1]!.erasedInfluence).toBeGreaterThanOrEqual(a.topQueries[i]!.erasedInfluence);
      const r2 = await json<Unlearning>('unlearning', 'r2');
      expect(r2.erased.map((e) => e.cfId)).toEqual([p.ids.s0]);
      expect(r2.attribution.scored).toBe(false);
      const text = await cairn(p.dir, p.env, 'unlearning', 'r1');
      for (const s of ['1 erased members', 'share of |influence|', 'share of credit']) expect(text.stdout).toContain(s);

      // the erased member is named, not a failure: the run stays reproducible from the ledger
      const r = await json<Reproduce>('reproduce-check', 'r1');
      expect(r.reproducible).toBe(true);
      expect(r.samples).toMatchObject({ total: 6, readable: 5, unreadable: [] });
      expect(r.samples.erased).toMatchObject([{ cfId: p.ids.s0, eventId: erasureId }]);
    }, 180_000);

    it('given the gradient artifacts and sample blobs gone, when reproduce-check runs, then it exits 1 listing each failed check', async () => {
      const moved: [string, string][] = [];
      for (const sub of ['artifacts', 'blobs']) {
        const from = path.join(p.local, sub);
        const to = path.join(p.local, `${sub}.away`);
        await rename(from, to);
        moved.push([to, from]);
      }
      try {
        const r = await cairn(p.dir, p.env, '--json', 'reproduce-check', 'r1');
        expect(r.code).toBe(1);
        const report = JSON.parse(r.stdout) as Reproduce;
        expect(report.reproducible).toBe(false);
        expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
          ['version-rebuilds', true],
          ['member-bytes', false],
          ['gradient-artifacts', false],
        ]);
        expect(report.samples.unreadable).toHaveLength(5);
        expect(report.checks[2]!.failures).toHaveLength(2);
        const error = JSON.parse(r.stderr) as { error: { exitCode: number; message: string } };
        expect(error.error.exitCode).toBe(1);
        expect(error.error.message).toContain('member-bytes');
        expect(error.error.message).toContain('gradient-artifacts');
        const text = await cairn(p.dir, p.env, 'reproduce-check', 'r1');
        expect(text.code).toBe(1);
        expect(text.stdout).toContain('FAIL gradient-artifacts');
        expect(text.stdout).toContain('NOT reproducible');
      } finally {
        for (const [from, to] of moved) await rename(from, to);
      }
      expect((await readdir(path.join(p.local, 'artifacts'))).length).toBeGreaterThan(0);
    }, 120_000);

    it('each command has --help naming what it answers', async () => {
      for (const [args, text] of [
        [['runs', 'list'], 'TrainingRunRecorded'],
        [['runs', 'show'], 'Merkle root'],
        [['runs', 'diff'], 'dataset diff'],
        [['reproduce-check'], 'reproduced'],
        [['unlearning'], 'influence'],
      ] as const) {
        const r = await cairn(p.dir, p.env, ...args, '--help');
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(text);
      }
    }, 120_000);

    more?.(() => p);
  });
}
