// One specification of the command line, run on every store (embedded folder, Postgres): the
// store is chosen by CAIRN_STORE, exactly as a user would.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cairn as spawned, cairnHere, cairnJson, cairnJsonHere, type Cairn } from './cli-run.js';
import { initStore } from './init-store.js';

export interface StoreUnderTest {
  /** Environment naming the store (CAIRN_STORE, CAIRN_KEYS). */
  env(workdir: string): NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>;
  /**
   * Commands run through the built main() in one process kept for the test file (cairnHere)
   * instead of a new bin.js process each: every new process starts Node, loads the program and
   * (embedded store) starts its engine again, and these suites assert answers, output and exit
   * codes, nothing a process adds. What a real process adds (its exit code and stderr for each
   * error class, the bin shim, two processes on one store, signals) is asserted on bin.js in
   * errors.e2e, size-limits.e2e, store-lock.hardening and cli.int's verify-after-tampering.
   */
  readonly inProcess?: boolean;
}

/** How a suite runs a command on `store`: a fresh bin.js process, or main() in the kept one. */
export const runnerFor = (store: StoreUnderTest): Cairn => (store.inProcess === true ? cairnHere : spawned);

/** The --json runner a suite's givens and queries use on `store`. */
export const jsonFor = (store: StoreUnderTest): typeof cairnJson => (store.inProcess === true ? cairnJsonHere : cairnJson);

export interface Ledger {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly s1: string;
  readonly s2: string;
  readonly s3: string;
  readonly manifestId: string;
}

/** Given two contributors (bob made curator by alice, the founder), three samples, validations (one rejection) and one built version. */
export async function givenLedger(store: StoreUnderTest): Promise<Ledger> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-'));
  const env = await store.env(dir);
  const json = jsonFor(store);
  await initStore(dir, env, json);
  await json(dir, env, 'keys', 'new', 'alice');
  await json(dir, env, 'keys', 'new', 'bob');
  // alice registered first: she founded the ledger and is its admin; bob curates.
  await json(dir, env, 'roles', 'grant', 'bob', 'curator', '--as', 'alice');
  const sample = async (text: string, license: string) =>
    (
      await json<{ id: string }>(
        dir,
        env,
        'contribute',
        'sample',
        '--as',
        'alice',
        '--text',
        text,
        '--license',
        license,
        '--source',
        'notes',
      )
    ).id;
  const s1 = await sample('one', 'MIT');
  const s2 = await sample('two', 'MIT');
  const s3 = await sample('three', 'MIT');
  await json(
    dir,
    env,
    'contribute',
    'validation',
    '--as',
    'bob',
    '--target',
    s1,
    '--target',
    s2,
    '--verdict',
    'approve',
    '--rationale',
    'ok',
  );
  await json(dir, env, 'contribute', 'validation', '--as', 'bob', '--target', s3, '--verdict', 'reject', '--rationale', 'spam');
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT'] } }));
  const { manifestId } = await json<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'bob');
  await json(dir, env, 'dataset', 'define', 'corpus', '--as', 'bob');
  await json(dir, env, 'dataset', 'build', 'corpus', '--manifest', manifestId, '--as', 'bob');
  return { dir, env, s1, s2, s3, manifestId };
}

export function cliSpecification(name: string, store: StoreUnderTest): void {
  const json = jsonFor(store);
  const cairn = runnerFor(store);
  describe(`cairn on ${name}`, () => {
    let l: Ledger;
    beforeAll(async () => {
      l = await givenLedger(store);
    }, 300_000);

    it('given a ledger, when status --json, then it counts events, contributors, CFs by kind and versions', async () => {
      const s = await json<{
        events: number;
        contributors: number;
        cfs: { sample: number; validation: number };
        datasets: number;
        datasetVersions: number;
      }>(l.dir, l.env, 'status');
      expect(s).toMatchObject({ events: 11, contributors: 2, cfs: { sample: 3, validation: 2 }, datasets: 1, datasetVersions: 1 });
    }, 60_000);

    it('given a signer, then its keyring file is mode 0600 and holds its contributor id', async () => {
      const keys = await json<{ signers: { name: string; contributorId: string; state: string }[] }>(l.dir, l.env, 'keys', 'list');
      expect(keys.signers.map((k) => [k.name, k.state])).toEqual([
        ['alice', 'active'],
        ['bob', 'active'],
      ]);
      const folder = l.env.CAIRN_KEYS ?? path.join(l.dir, '.cairn');
      const file = path.join(folder, 'signers', 'alice.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ contributorId: keys.signers[0]!.contributorId });
    }, 60_000);

    it('when why is asked, then an approved CF is in with its rule and a rejected one is out with the failing rule', async () => {
      const inside = await json<{ included: boolean; reason: string }>(l.dir, l.env, 'why', l.s1, '--in', 'corpus@1');
      expect(inside.included).toBe(true);
      const outside = await json<{ included: boolean; rule: string }>(l.dir, l.env, 'why', l.s3, '--in', 'corpus@latest');
      expect(outside).toMatchObject({ included: false, rule: 'minApprovals' });
    }, 60_000);

    it('when a member is deprecated, then a new version is cut and diff names the removal and its cause', async () => {
      await json(l.dir, l.env, 'deprecate', l.s2, '--as', 'alice', '--reason', 'takedown');
      const versions = await json<{ versions: { ordinal: number; memberCount: number }[] }>(l.dir, l.env, 'dataset', 'versions', 'corpus');
      expect(versions.versions.map((v) => v.memberCount)).toEqual([2, 1]);
      const d = await json<{ counts: { removed: number }; removed: { cfId: string; cause: { kind: string } }[] }>(
        l.dir,
        l.env,
        'diff',
        'corpus@1',
        'corpus@2',
      );
      expect(d.counts.removed).toBe(1);
      expect(d.removed[0]).toMatchObject({ cfId: l.s2, cause: { kind: 'deprecated' } });
      const h = await json<{ steps: { action: string }[] }>(l.dir, l.env, 'history', l.s2);
      expect(h.steps.map((s) => s.action)).toEqual(['contributed', 'deprecated']);
      const before = await json<{ versions: unknown[] }>(l.dir, l.env, 'dataset', 'versions', 'corpus', '--as-of', '11');
      expect(before.versions).toHaveLength(1);
    }, 90_000);

    it('when a proof is made, then it verifies offline, and a tampered copy does not (exit 1)', async () => {
      const proofFile = path.join(l.dir, 'proof.json');
      await json(l.dir, l.env, 'prove', l.s1, '--in', 'corpus@1', '--out', proofFile);
      const ok = await json<{ ok: boolean }>(l.dir, {}, 'prove', '--verify', proofFile);
      expect(ok.ok).toBe(true);
      const proof = JSON.parse(await readFile(proofFile, 'utf8')) as { cfId: string };
      await writeFile(proofFile, JSON.stringify({ ...proof, cfId: l.s3 }));
      const bad = await cairn(l.dir, {}, 'prove', '--verify', proofFile);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('FAIL the leaf is the CF named');
    }, 60_000);

    it('when trace is asked for mermaid, then the graph names the contributor edge', async () => {
      const r = await cairn(l.dir, l.env, 'trace', l.s1, '--format', 'mermaid', '--direction', 'up');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('contributed-by');
      const impact = await json<{ dependents: { relation: string }[]; versions: unknown[] }>(l.dir, l.env, 'impact', l.s1);
      expect(impact.dependents.map((d) => d.relation)).toEqual(['validates']);
      expect(impact.versions.length).toBeGreaterThanOrEqual(1);
    }, 60_000);

    it('when the input is wrong, then the exit code says how: usage 2, rejected 3, not found 4', async () => {
      expect((await cairn(l.dir, l.env, 'why', l.s1)).code).toBe(2);
      expect((await cairn(l.dir, l.env, 'status', '--bogus')).code).toBe(2);
      expect((await cairn(l.dir, l.env, 'history', l.s1, '--as-of', 'yesterday')).code).toBe(2);
      const rejected = await cairn(
        l.dir,
        l.env,
        'contribute',
        'label',
        '--as',
        'bob',
        '--target',
        'f'.repeat(64),
        '--type',
        'topic',
        '--value',
        'x',
      );
      expect(rejected.code).toBe(3);
      expect(rejected.stderr).toContain('reference-exists');
      expect((await cairn(l.dir, l.env, 'why', l.s1, '--in', 'nope@1')).code).toBe(4);
      expect((await cairn(l.dir, l.env, 'history', 'a'.repeat(64))).code).toBe(4);
    }, 60_000);

    it('given a checkpoint, then verify passes and names the checkpoint it matched', async () => {
      await json(l.dir, l.env, 'checkpoint', '--as', 'bob');
      const v = await json<{ ok: boolean; log: { checkpoints: { ok: boolean }[] }; projections: { projections: { ok: boolean }[] } }>(
        l.dir,
        l.env,
        'verify',
      );
      expect(v.ok).toBe(true);
      expect(v.log.checkpoints.map((c) => c.ok)).toEqual([true]);
      expect(v.projections.projections.every((p) => p.ok)).toBe(true);
    }, 90_000);
  });
}
