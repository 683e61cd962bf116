// The curator's daily loop through the real binary, on any store (issue 14, items 1 and 4):
// a rebuild after new facts cuts a new version, a rebuild with nothing new says so, a version's
// members can be listed a page at a time, and `cairn show CF` tells everything about one CF,
// import row id included.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

const T = 180_000;

interface Curated {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly manifestId: string;
  /** CF ids of the imported rows by row id (row "plain" has no id column). */
  readonly cf: Readonly<Record<'a' | 'b' | 'c' | 'plain' | 'personal', string>>;
}

interface BuildOut {
  readonly unchanged: boolean;
  readonly receipt: { readonly alreadyAppended: boolean; readonly position: string };
  readonly version: { readonly ordinal: number; readonly versionId: string; readonly memberCount: number };
}

interface MembersOut {
  readonly members: readonly { readonly cfId: string; readonly kind: string; readonly license: string; readonly reason: string }[];
  readonly total: number;
  readonly offset: number;
  readonly next: string | null;
}

interface ShowOut {
  readonly cfId: string;
  readonly kind: string;
  readonly signer: string;
  readonly position: string;
  readonly importId: string | null;
  readonly payload: {
    readonly license: string;
    readonly source: string;
    readonly mediaType: string;
    readonly size: number;
    readonly attributes?: Record<string, unknown>;
    readonly commitment: { scheme: string; value: string };
  };
  readonly names: Record<string, string>;
  readonly targetedBy: readonly { readonly type: string; readonly signer: string; readonly payload: Record<string, unknown> }[];
  readonly replacedBy: readonly { readonly eventId: string; readonly how: string }[];
  readonly later: readonly { readonly type: string; readonly payload: Record<string, unknown> }[];
  readonly versions: readonly { readonly dataset: string; readonly ordinal: number; readonly versionId: string }[];
}

/**
 * Given a founder (curator, registered first), alice who imports five rows (three with an `id`
 * column, one without, one personal-data row with an id), bob who approves rows a and b, and dataset wdbc built once (wdbc@1 = a, b).
 */
async function givenCuratedLedger(store: StoreUnderTest): Promise<Curated> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-curator-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  await initStore(dir, env, cairnJson);
  for (const name of ['curator', 'alice', 'bob']) await cairnJson(dir, env, 'keys', 'new', name);
  const rows = [
    { id: 'a', text: 'radius 17.99, texture 10.38', license: 'MIT', source: 'wdbc', attributes: { diagnosis: 'M' } },
    { id: 'b', text: 'radius 20.57, texture 17.77', license: 'MIT', source: 'wdbc', attributes: { diagnosis: 'M' } },
    { id: 'c', text: 'radius 13.54, texture 14.36', license: 'MIT', source: 'wdbc', attributes: { diagnosis: 'B' } },
    { text: 'radius 12.45, texture 15.70', license: 'MIT', source: 'wdbc' },
    { id: '842302', text: 'patient 842302, radius 17.99', license: 'MIT', source: 'wdbc', personalData: true },
  ];
  await writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const imported = await cairnJson<{ cfs: { item: string; cfId: string; id?: string }[] }>(
    dir,
    env,
    'import',
    'rows.jsonl',
    '--as',
    'alice',
  );
  const byLine = (line: number) => imported.cfs.find((c) => c.item === `line ${line}`)!.cfId;
  const cf = { a: byLine(1), b: byLine(2), c: byLine(3), plain: byLine(4), personal: byLine(5) };
  await cairnJson(
    dir,
    env,
    'contribute',
    'validation',
    '--as',
    'bob',
    '--target',
    cf.a,
    '--target',
    cf.b,
    '--verdict',
    'approve',
    '--rationale',
    'reviewed',
  );
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT'] } }));
  const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'curator');
  await cairnJson(dir, env, 'dataset', 'define', 'wdbc', '--as', 'curator');
  const first = await cairnJson<BuildOut>(dir, env, 'dataset', 'build', 'wdbc', '--manifest', manifestId, '--as', 'curator');
  expect(first).toMatchObject({ version: { ordinal: 1, memberCount: 2 } });
  return { dir, env, manifestId, cf };
}

export function curatorBuildSpecification(name: string, store: StoreUnderTest): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  describe(`the curator's loop on ${name}`, () => {
    let l: Curated;
    const build = (...extra: string[]) =>
      cairn(l.dir, l.env, ...extra, 'dataset', 'build', 'wdbc', '--manifest', l.manifestId, '--as', 'curator');
    beforeAll(async () => {
      l = await givenCuratedLedger(store);
    }, T);

    describe('rebuilds that rebuild', () => {
      it(
        'given the first build, then it is wdbc@1 and not reported as unchanged',
        async () => {
          const versions = await cairnJson<{ versions: { builds: { causeEventId: string }[] }[] }>(
            l.dir,
            l.env,
            'dataset',
            'versions',
            'wdbc',
          );
          expect(versions.versions).toHaveLength(1);
          expect(versions.versions[0]!.builds).toHaveLength(1);
        },
        T,
      );

      it(
        'given wdbc@1 and nothing new, when the same signer builds with the same manifest again, then it says plainly "no change since wdbc@1" and --json says unchanged with the same version',
        async () => {
          const text = await build();
          expect(text.code).toBe(0);
          expect(text.stdout).toMatch(/^no change since wdbc@1 = [0-9a-f]{64}$/m);
          const json = await build('--json');
          expect(json.code).toBe(0);
          const b = JSON.parse(json.stdout) as BuildOut;
          const versions = await cairnJson<{ versions: { ordinal: number; versionId: string }[] }>(
            l.dir,
            l.env,
            'dataset',
            'versions',
            'wdbc',
          );
          // the request is a new event (not the first one replayed), and the log prefix assembles to the same version id
          expect(b.receipt.alreadyAppended).toBe(false);
          expect(b).toMatchObject({ unchanged: true, version: { ordinal: 1, versionId: versions.versions[0]!.versionId, memberCount: 2 } });
          expect(versions.versions).toHaveLength(1);
        },
        T,
      );

      it(
        'given a newly approved sample, when the same signer builds with the same manifest, then a new version wdbc@2 is cut with it',
        async () => {
          await cairnJson(
            l.dir,
            l.env,
            'contribute',
            'validation',
            '--as',
            'bob',
            '--target',
            l.cf.c,
            '--verdict',
            'approve',
            '--rationale',
            'reviewed later',
          );
          const b = await cairnJson<BuildOut>(l.dir, l.env, 'dataset', 'build', 'wdbc', '--manifest', l.manifestId, '--as', 'curator');
          expect(b).toMatchObject({ unchanged: false, receipt: { alreadyAppended: false }, version: { ordinal: 2, memberCount: 3 } });
          const text = await build();
          expect(text.stdout).toContain('no change since wdbc@2');
          const versions = await cairnJson<{ versions: { ordinal: number; memberCount: number }[] }>(
            l.dir,
            l.env,
            'dataset',
            'versions',
            'wdbc',
          );
          expect(versions.versions.map((v) => [v.ordinal, v.memberCount])).toEqual([
            [1, 2],
            [2, 3],
          ]);
        },
        T,
      );
    });

    describe('seeing your data', () => {
      it(
        'given wdbc@2 with three members, when dataset show pages through them, then each page lists CF, kind and why, with the total and the next cursor',
        async () => {
          const all = await cairnJson<MembersOut>(l.dir, l.env, 'dataset', 'show', 'wdbc@2');
          const sorted = [l.cf.a, l.cf.b, l.cf.c].sort();
          expect(all.members.map((m) => m.cfId)).toEqual(sorted);
          expect(all).toMatchObject({ total: 3, offset: 0, next: null });
          for (const m of all.members) expect(m).toMatchObject({ kind: 'sample', license: 'MIT', reason: expect.stringMatching(/\S/) });

          const page1 = await cairnJson<MembersOut>(l.dir, l.env, 'dataset', 'show', 'wdbc@2', '--limit', '2');
          expect(page1.members.map((m) => m.cfId)).toEqual(sorted.slice(0, 2));
          expect(page1).toMatchObject({ total: 3, next: sorted[1] });
          const page2 = await cairnJson<MembersOut>(l.dir, l.env, 'dataset', 'show', 'wdbc@2', '--limit', '2', '--after', page1.next!);
          expect(page2.members.map((m) => m.cfId)).toEqual(sorted.slice(2));
          expect(page2).toMatchObject({ total: 3, offset: 2, next: null });
          const byOffset = await cairnJson<MembersOut>(l.dir, l.env, 'dataset', 'show', 'wdbc@2', '--limit', '1', '--offset', '1');
          expect(byOffset.members.map((m) => m.cfId)).toEqual([sorted[1]]);

          const text = await cairn(l.dir, l.env, 'dataset', 'show', 'wdbc@2', '--limit', '2');
          expect(text.code).toBe(0);
          expect(text.stdout).toContain('members 1-2 of 3:');
          expect(text.stdout).toContain(sorted[0]);
          expect(text.stdout).not.toContain(sorted[2]);
          expect(text.stdout).toContain(`--after ${sorted[1]}`);
        },
        T,
      );

      it(
        'when dataset show is given a page size that is not a number, then it is a usage error naming --limit',
        async () => {
          const r = await cairn(l.dir, l.env, 'dataset', 'show', 'wdbc@2', '--limit', 'lots');
          expect(r.code).toBe(2);
          expect(r.stderr).toContain('--limit: expected a whole number of members');
          expect(r.stderr).not.toContain('    at ');
        },
        T,
      );

      it(
        'given an imported row with id "a", when show CF, then it gives the kind, signer by name, payload, the import id, the validation on it and both versions it is in',
        async () => {
          const s = await cairnJson<ShowOut>(l.dir, l.env, 'show', l.cf.a);
          expect(s).toMatchObject({ cfId: l.cf.a, kind: 'sample', importId: 'a' });
          const reimported = await cairnJson<{ cfs: { cfId: string; id?: string; alreadyAppended: boolean }[] }>(
            l.dir,
            l.env,
            'import',
            'rows.jsonl',
            '--as',
            'alice',
          );
          expect(reimported.cfs.find((c) => c.cfId === l.cf.a)).toMatchObject({ id: 'a', alreadyAppended: true });
          expect(s.payload).toMatchObject({
            license: 'MIT',
            source: 'wdbc',
            mediaType: 'text/plain',
            size: 'radius 17.99, texture 10.38'.length,
            attributes: { diagnosis: 'M', importId: 'a' },
          });
          expect(s.payload.commitment.scheme).toBe('sha256');
          expect(s.names[s.signer]).toBe('alice');
          expect(s.targetedBy).toHaveLength(1);
          expect(s.targetedBy[0]).toMatchObject({ type: 'ValidationContributed', payload: { verdict: 'approve', rationale: 'reviewed' } });
          expect(s.names[s.targetedBy[0]!.signer]).toBe('bob');
          expect(s.versions.map((v) => `${v.dataset}@${v.ordinal}`)).toEqual(['wdbc@1', 'wdbc@2']);

          const text = await cairn(l.dir, l.env, 'show', l.cf.a);
          expect(text.code).toBe(0);
          for (const line of [
            `sample ${l.cf.a}`,
            'signer       alice',
            'import id    a',
            'license      MIT',
            'source       wdbc',
            '"diagnosis":"M"',
            'validation approve by bob',
            'wdbc@1',
            'wdbc@2',
          ])
            expect(text.stdout).toContain(line);
        },
        T,
      );

      it(
        'given a row without an id, when imported, then its CF is the one `contribute sample` gives the same content (no importId added) and show has no import id',
        async () => {
          const direct = await cairnJson<{ id: string }>(
            l.dir,
            l.env,
            'contribute',
            'sample',
            '--as',
            'alice',
            '--text',
            'radius 12.45, texture 15.70',
            '--license',
            'MIT',
            '--source',
            'wdbc',
          );
          expect(direct.id).toBe(l.cf.plain);
          const s = await cairnJson<ShowOut>(l.dir, l.env, 'show', l.cf.plain);
          expect(s.importId).toBeNull();
          expect(s.payload.attributes).toBeUndefined();
          expect(s.versions).toEqual([]);
        },
        T,
      );

      it(
        'given a personal-data row with an id, when imported, then its id is not signed into the log (the log cannot forget it)',
        async () => {
          const s = await cairnJson<ShowOut>(l.dir, l.env, 'show', l.cf.personal);
          expect(s.importId).toBeNull();
          expect(s.payload.attributes).toBeUndefined();
          expect(s.payload.commitment.scheme).toBe('hmac-sha256');
        },
        T,
      );

      it(
        'given row b amended and row c deprecated by their author, when show CF, then the amendment and the deprecation are listed',
        async () => {
          const amended = await cairnJson<{ id: string }>(l.dir, l.env, 'amend', l.cf.b, '--as', 'alice', '--set', 'source=wdbc-v2');
          await cairnJson(l.dir, l.env, 'deprecate', l.cf.c, '--as', 'alice', '--reason', 'quality', '--note', 'mislabelled');
          const b = await cairnJson<ShowOut>(l.dir, l.env, 'show', l.cf.b);
          expect(b.replacedBy).toEqual([expect.objectContaining({ eventId: amended.id, how: 'amends' })]);
          const c = await cairnJson<ShowOut>(l.dir, l.env, 'show', l.cf.c);
          expect(c.later).toEqual([
            expect.objectContaining({
              type: 'ContributionDeprecated',
              payload: expect.objectContaining({ reason: 'quality', note: 'mislabelled' }),
            }),
          ]);
          const text = await cairn(l.dir, l.env, 'show', l.cf.c);
          expect(text.stdout).toContain('ContributionDeprecated by alice');
          expect(text.stdout).toContain('mislabelled');
        },
        T,
      );

      it(
        'when show --bytes --as a reader, then the sample bytes are printed, written with --out, or given as base64 with --json; a signer who is neither author nor reader is refused',
        async () => {
          const refused = await cairn(l.dir, l.env, 'show', l.cf.a, '--bytes', '--as', 'bob');
          expect(refused.code).toBe(3);
          expect(refused.stdout).toBe('');
          expect(refused.stderr).toMatch(/^cairn: \[read-authority\] /);
          // the curator is the founder, so an admin, and admins read
          const raw = await cairn(l.dir, l.env, 'show', l.cf.a, '--bytes', '--as', 'curator');
          expect(raw.code).toBe(0);
          expect(raw.stdout).toBe('radius 17.99, texture 10.38');
          const out = path.join(l.dir, 'a.txt');
          const written = await cairnJson<{ size: number }>(l.dir, l.env, 'show', l.cf.a, '--bytes', '--as', 'curator', '--out', out);
          expect(written.size).toBe(27);
          expect(await readFile(out, 'utf8')).toBe('radius 17.99, texture 10.38');
          const b64 = await cairnJson<{ base64: string }>(l.dir, l.env, 'show', l.cf.a, '--bytes', '--as', 'curator');
          expect(Buffer.from(b64.base64, 'base64').toString('utf8')).toBe('radius 17.99, texture 10.38');
        },
        T,
      );

      it(
        'when show names a CF the log does not hold, then exit 4 with one line; a malformed id is a usage error (2)',
        async () => {
          const missing = await cairn(l.dir, l.env, 'show', 'f'.repeat(64));
          expect(missing.code).toBe(4);
          expect(missing.stderr.trim().split('\n')).toHaveLength(1);
          const json = await cairn(l.dir, l.env, '--json', 'show', 'f'.repeat(64));
          expect(JSON.parse(json.stderr)).toMatchObject({ error: { exitCode: 4 } });
          const bad = await cairn(l.dir, l.env, 'show', 'not-a-cf');
          expect(bad.code).toBe(2);
          expect(bad.stderr).toContain('CF');
        },
        T,
      );
    });
  });
}
