// `cairn amend` through the real binary, on any store: an amendment never silently drops a sample
// from the next version. Unknown fields are refused by name; a metadata-only amendment keeps the
// labels and validations of what it amends (the manifest's default); an amendment that will not
// be in a re-assembled version says so, and `why` says what was not carried.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

interface Given {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Approved samples by alice, all members of corpus@1. */
  readonly samples: readonly string[];
}

interface Why {
  readonly included: boolean;
  readonly rule: string | null;
  readonly reason: string;
  readonly evidence: {
    readonly carriedFrom: readonly { eventId: string }[];
    readonly notCarried: { eventId: string; why: string } | null;
  } | null;
}

interface Amended {
  readonly id: string;
  readonly warnings: readonly { dataset: string; version: string; rule: string; reason: string; message: string }[];
}

/** alice's samples, each approved by bob, built by bob into corpus@1 and (carrying turned off) strict@1. */
async function givenApprovedSamples(store: StoreUnderTest, count: number): Promise<Given> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-amend-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  await initStore(dir, env, cairnJson);
  await cairnJson(dir, env, 'keys', 'new', 'alice');
  await cairnJson(dir, env, 'keys', 'new', 'bob');
  // bob curates: the founder (alice, registered first) grants the role manifests and builds need
  await cairnJson(dir, env, 'roles', 'grant', 'bob', 'curator', '--as', 'alice');
  const samples: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = await cairnJson<{ id: string }>(
      dir,
      env,
      'contribute',
      'sample',
      '--as',
      'alice',
      '--text',
      `row ${i}`,
      '--license',
      'MIT',
      '--source',
      'wdbc.csv',
    );
    samples.push(s.id);
  }
  await cairnJson(
    dir,
    env,
    'contribute',
    'validation',
    '--as',
    'bob',
    ...samples.flatMap((s) => ['--target', s]),
    '--verdict',
    'approve',
    '--rationale',
    'checked',
  );
  await writeFile(path.join(dir, 'corpus.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT', 'Apache-2.0'] } }));
  await writeFile(
    path.join(dir, 'strict.json'),
    JSON.stringify({ licensePolicy: { allowed: ['MIT', 'Apache-2.0'] }, amendments: { carryLabelsAndValidations: false } }),
  );
  for (const name of ['corpus', 'strict']) {
    const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', `${name}.json`, '--as', 'bob');
    await cairnJson(dir, env, 'dataset', 'define', name, '--as', 'bob');
    await cairnJson(dir, env, 'dataset', 'build', name, '--manifest', manifestId, '--as', 'bob');
  }
  return { dir, env, samples };
}

export function amendSpecification(name: string, store: StoreUnderTest): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  const eventsOf = async (g: Given) => (await cairnJson<{ events: number }>(g.dir, g.env, 'status')).events;
  const membersOf = async (g: Given, dataset: string) =>
    (await cairnJson<{ versions: { ordinal: number; memberCount: number }[] }>(g.dir, g.env, 'dataset', 'versions', dataset)).versions.map(
      (v) => v.memberCount,
    );
  describe(`cairn amend on ${name}`, () => {
    let g: Given;
    beforeAll(async () => {
      g = await givenApprovedSamples(store, 4);
    }, 300_000);

    it('given an approved sample, when amended with a field no sample has, then it is refused naming the field (exit 3) and nothing is appended', async () => {
      const before = await eventsOf(g);
      const r = await cairn(g.dir, g.env, 'amend', g.samples[0]!, '--set', 'colour=red', '--as', 'alice');
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('colour');
      expect(r.stderr).toContain('a sample has no field "colour" an amendment can change');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const json = await cairn(
        g.dir,
        g.env,
        '--json',
        'amend',
        g.samples[0]!,
        '--set',
        'license=MIT',
        '--set',
        'colour=red',
        '--as',
        'alice',
      );
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stderr)).toMatchObject({ error: { exitCode: 3, message: expect.stringContaining('"colour"') } });
      expect(await eventsOf(g)).toBe(before);
      expect(await membersOf(g, 'corpus')).toEqual([4]);
    }, 180_000);

    it('given an approved member of corpus@1, when amended metadata-only (--set source, attributes), then the re-assembled corpus version holds it, only the manifest that turns carrying off warns, and why says what was carried', async () => {
      const original = g.samples[0]!;
      const r = await cairn(
        g.dir,
        g.env,
        '--json',
        'amend',
        original,
        '--set',
        'source=wdbc-v2.csv',
        '--set',
        'attributes={"id":"842302"}',
        '--as',
        'alice',
      );
      expect(r.code).toBe(0);
      const amended = JSON.parse(r.stdout) as Amended;
      // strict turns carrying off: it is the one dataset that warns
      expect(amended.warnings.map((w) => [w.dataset, w.rule])).toEqual([['strict', 'minApprovals']]);
      expect(await membersOf(g, 'corpus')).toEqual([4, 4]);
      const why = await cairnJson<Why>(g.dir, g.env, 'why', amended.id, '--in', 'corpus@latest');
      expect(why.included).toBe(true);
      expect(why.reason).toContain(`labels and validations carried from ${original} (amended without new content)`);
      expect(why.evidence?.carriedFrom.map((c) => c.eventId)).toEqual([original]);
      const text = await cairn(g.dir, g.env, 'why', amended.id, '--in', 'corpus@latest');
      expect(text.stdout).toContain('is IN corpus@2');
      // the manifest that turns carrying off leaves it out, and why names that rule
      const strict = await cairnJson<Why>(g.dir, g.env, 'why', amended.id, '--in', 'strict@latest');
      expect(strict).toMatchObject({ included: false, rule: 'minApprovals' });
      expect(strict.reason).toBe(
        `approvals 0 < 1; 1 validation and 0 labels of ${original} not carried (the manifest does not carry them: amendments.carryLabelsAndValidations is false)`,
      );
      expect(await membersOf(g, 'strict')).toEqual([4, 3]);
    }, 180_000);

    it('given an approved member, when amended with new bytes, then amend warns (stderr) that it lacks approvals in corpus, and why says the approvals were not carried', async () => {
      const original = g.samples[1]!;
      const file = path.join(g.dir, 'fixed.txt');
      await writeFile(file, 'row 1, corrected');
      const r = await cairn(g.dir, g.env, 'amend', original, '--file', file, '--as', 'alice');
      expect(r.code).toBe(0);
      const id = /^SampleContributed ([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
      expect(id).toBeDefined();
      const warnings = r.stderr.split('\n').filter((line) => line.startsWith('warning: '));
      expect(warnings).toEqual([
        `warning: the amendment is not in corpus@3, re-assembled because of it: minApprovals: approvals 0 < 1; 1 validation and 0 labels of ${original} not carried (amended with new content)`,
        expect.stringMatching(/^warning: the amendment is not in strict@\d+, re-assembled because of it: minApprovals: /),
      ]);
      expect(await membersOf(g, 'corpus')).toEqual([4, 4, 3]);
      const why = await cairnJson<Why>(g.dir, g.env, 'why', id!, '--in', 'corpus@latest');
      expect(why).toMatchObject({
        included: false,
        rule: 'minApprovals',
        evidence: { notCarried: { eventId: original, why: 'new-content' } },
      });
      expect(why.reason).toContain(`not carried (amended with new content)`);
    }, 180_000);

    it('given an approved member, when its license is amended to one the manifest does not allow, then --json lists the warning with the license rule', async () => {
      const r = await cairnJson<Amended>(g.dir, g.env, 'amend', g.samples[2]!, '--set', 'license=GPL-3.0-only', '--as', 'alice');
      expect(r.warnings.find((w) => w.dataset === 'corpus')).toMatchObject({
        version: 'corpus@4',
        rule: 'license',
        reason: 'license GPL-3.0-only not satisfiable by [MIT, Apache-2.0]',
      });
    }, 120_000);

    it('when --set names a field twice, or gives bytes, then it is a usage error (exit 2)', async () => {
      const twice = await cairn(g.dir, g.env, 'amend', g.samples[3]!, '--set', 'source=a', '--set', 'source=b', '--as', 'alice');
      expect(twice.code).toBe(2);
      expect(twice.stderr).toContain('--set source: given twice');
      const bytes = await cairn(g.dir, g.env, 'amend', g.samples[3]!, '--set', 'bytes=abc', '--as', 'alice');
      expect(bytes.code).toBe(2);
      expect(bytes.stderr).toContain('--set bytes: give new bytes with --file');
    }, 120_000);

    it('when --set gives a text field digits, then it stays text (source "2024", not the number 2024) and the amendment stays in', async () => {
      const r = await cairnJson<Amended>(g.dir, g.env, 'amend', g.samples[3]!, '--set', 'source=2024', '--as', 'alice');
      expect(r.warnings.filter((w) => w.dataset === 'corpus')).toEqual([]);
      const why = await cairnJson<Why & { evidence: { source: string } }>(g.dir, g.env, 'why', r.id, '--in', 'corpus@latest');
      expect(why).toMatchObject({ included: true, evidence: { source: '2024' } });
    }, 120_000);
  });
}
