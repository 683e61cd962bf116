// Issue #14 item 2, who may do what, through the real binary on any store (chosen by
// CAIRN_STORE as a user would): an amendment, takedown, erasure, manifest, dataset or build by
// someone without the role is refused with the rule's name and appends nothing; the founder
// grants the role with `cairn roles grant`, and then the same command succeeds.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

export interface PermissionLedger {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** alice's sample. */
  readonly sample: string;
}

/** Given the founder (first registered), alice with one sample, and carol, dave and a key named "curator" holding no role. */
export async function givenPermissionLedger(store: StoreUnderTest): Promise<PermissionLedger> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-perm-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  await initStore(dir, env, cairnJson);
  for (const name of ['founder', 'alice', 'carol', 'dave', 'curator']) await cairnJson(dir, env, 'keys', 'new', name);
  const sample = (
    await cairnJson<{ id: string }>(
      dir,
      env,
      'contribute',
      'sample',
      '--as',
      'alice',
      '--text',
      "alice's note",
      '--license',
      'MIT',
      '--source',
      'notes',
    )
  ).id;
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } }));
  return { dir, env, sample };
}

export function permissionsSpecification(name: string, store: StoreUnderTest): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  const eventsIn = async (l: PermissionLedger) => (await cairnJson<{ events: number }>(l.dir, l.env, 'status')).events;

  /** Runs a command expected to be refused: exit 3, the rule named on stderr, nothing appended. */
  async function expectRefused(l: PermissionLedger, rule: string, ...args: string[]): Promise<void> {
    const before = await eventsIn(l);
    const r = await cairn(l.dir, l.env, '--json', ...args);
    expect(r.code).toBe(3);
    const error = (JSON.parse(r.stderr) as { error: { exitCode: number; message: string } }).error;
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(`[${rule}]`);
    expect(r.stderr).not.toContain('    at ');
    expect(await eventsIn(l)).toBe(before);
  }
  describe(`who may do what, on ${name}`, () => {
    let l: PermissionLedger;
    beforeAll(async () => {
      l = await givenPermissionLedger(store);
    }, 180_000);

    it("given alice's sample, when carol amends it, then it is refused naming amendment-authority and nothing is appended; once the founder makes carol a curator, it works", async () => {
      await expectRefused(l, 'amendment-authority', 'amend', l.sample, '--set', 'source=carol', '--as', 'carol');
      const text = await cairn(l.dir, l.env, 'amend', l.sample, '--set', 'source=carol', '--as', 'carol');
      expect(text.stderr).toMatch(
        /^cairn: \[amendment-authority\] SampleContributed\.payload\.amends: only the author .* or a curator may do this/,
      );

      await expectRefused(l, 'role-grant-authority', 'roles', 'grant', 'carol', 'curator', '--as', 'carol');
      const grant = await cairnJson<{ action: string; role: string; contributor: { name: string; roles: string[] } }>(
        l.dir,
        l.env,
        'roles',
        'grant',
        'carol',
        'curator',
        '--as',
        'founder',
      );
      expect(grant).toMatchObject({ action: 'grant', role: 'curator', contributor: { name: 'carol', roles: ['curator', 'reader'] } });
      const amended = await cairnJson<{ id: string }>(l.dir, l.env, 'amend', l.sample, '--set', 'source=corrected', '--as', 'carol');
      expect(amended.id).toMatch(/^[0-9a-f]{64}$/);
      const history = await cairnJson<{ steps: { action: string }[] }>(l.dir, l.env, 'history', l.sample);
      expect(history.steps.map((s) => s.action)).toContain('amends');
    }, 240_000);

    it("given a key named curator that holds no role, when it takes down alice's sample, then deprecation-authority refuses; granted curator, the takedown works", async () => {
      const s = (
        await cairnJson<{ id: string }>(
          l.dir,
          l.env,
          'contribute',
          'sample',
          '--as',
          'alice',
          '--text',
          'to be taken down',
          '--license',
          'MIT',
          '--source',
          'web',
        )
      ).id;
      await expectRefused(l, 'deprecation-authority', 'deprecate', s, '--reason', 'takedown', '--as', 'curator');
      await cairnJson(l.dir, l.env, 'roles', 'grant', 'curator', 'curator', '--as', 'founder');
      await cairnJson(l.dir, l.env, 'deprecate', s, '--reason', 'takedown', '--note', 'rights holder request', '--as', 'curator');
      const history = await cairnJson<{ steps: { action: string }[] }>(l.dir, l.env, 'history', s);
      expect(history.steps.map((x) => x.action)).toEqual(['contributed', 'deprecated']);
    }, 240_000);

    it("given dave with no role, when he erases alice's sample, then erasure-authority refuses; as steward he may", async () => {
      const s = (
        await cairnJson<{ id: string }>(
          l.dir,
          l.env,
          'contribute',
          'sample',
          '--as',
          'alice',
          '--text',
          'personal',
          '--license',
          'MIT',
          '--source',
          'form',
        )
      ).id;
      await expectRefused(l, 'erasure-authority', 'erase', s, '--as', 'dave');
      await cairnJson(l.dir, l.env, 'roles', 'grant', 'dave', 'steward', '--as', 'founder');
      await cairnJson(l.dir, l.env, 'erase', s, '--as', 'dave', '--reason', 'subject request');
      const history = await cairnJson<{ steps: { action: string }[] }>(l.dir, l.env, 'history', s);
      expect(history.steps.map((x) => x.action)).toEqual(['contributed', 'erased']);
      await cairnJson(l.dir, l.env, 'roles', 'revoke', 'dave', 'steward', '--as', 'founder', '--note', 'done');
    }, 240_000);

    it('given dave with no role, when he defines a manifest or a dataset or builds one, then each is refused with its rule; a maintainer grant for the dataset lets him build it', async () => {
      await expectRefused(l, 'manifest-authority', 'manifest', 'define', 'manifest.json', '--as', 'dave');
      await expectRefused(l, 'dataset-authority', 'dataset', 'define', 'corpus', '--as', 'dave');
      const { manifestId } = await cairnJson<{ manifestId: string }>(l.dir, l.env, 'manifest', 'define', 'manifest.json', '--as', 'carol');
      await cairnJson(l.dir, l.env, 'dataset', 'define', 'corpus', '--as', 'carol');
      await expectRefused(l, 'build-authority', 'dataset', 'build', 'corpus', '--manifest', manifestId, '--as', 'dave');

      const usage = await cairn(l.dir, l.env, 'roles', 'grant', 'dave', 'maintainer', '--as', 'founder');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--dataset');
      await cairnJson(l.dir, l.env, 'roles', 'grant', 'dave', 'maintainer', '--dataset', 'corpus', '--as', 'founder');
      const built = await cairnJson<{ dataset: string }>(
        l.dir,
        l.env,
        'dataset',
        'build',
        'corpus',
        '--manifest',
        manifestId,
        '--as',
        'dave',
      );
      expect(JSON.stringify(built)).toContain('corpus');
    }, 240_000);

    it('when roles list and keys list run, then they show who holds which role (the founder an admin without a grant)', async () => {
      const list = await cairnJson<{
        founder: string;
        holders: { name: string; founder: boolean; roles: string[]; maintains: string[] }[];
      }>(l.dir, l.env, 'roles', 'list');
      const byName = new Map(list.holders.map((h) => [h.name, h]));
      expect(byName.get('founder')).toMatchObject({ founder: true, roles: ['admin', 'curator', 'reader'] });
      expect(byName.get('carol')).toMatchObject({ founder: false, roles: ['curator', 'reader'], maintains: [] });
      expect(byName.get('dave')).toMatchObject({ roles: [], maintains: ['corpus'] });
      expect(byName.has('alice')).toBe(false);
      const keys = await cairnJson<{ signers: { name: string; roles: string[] }[] }>(l.dir, l.env, 'keys', 'list');
      expect(keys.signers.find((s) => s.name === 'dave')?.roles).toEqual(['maintainer:corpus']);
      expect(keys.signers.find((s) => s.name === 'alice')?.roles).toEqual([]);
      const text = await cairn(l.dir, l.env, 'roles', 'list');
      expect(text.stdout).toMatch(/founder \(founder\)\s+[0-9a-f]{64}\s+admin,curator,reader/);
    }, 120_000);
  });
}
