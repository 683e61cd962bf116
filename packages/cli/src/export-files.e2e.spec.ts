// Bytes out through the built program (issue 21): `cairn cat` and `cairn export --format files`.
// Given alice's samples (a folder import keeping its paths, and rows whose signed `path` attribute
// tries to leave the folder), a dataset c@1 holding them built by bob (a curator, so a reader),
// and one sample erased since: a reader gets the decrypted files with a manifest, members.jsonl
// and a Croissant document that checks; carol (no reader role) gets nothing; the erased sample is
// named, never skipped; no path leaves the export folder; a non-empty folder is refused.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { croissantProblems } from '@cairn/projections';
import { cairnHere as cairn, cairnJsonHere as cairnJson } from './__tests__/cli-run.js';

interface Given {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** CF id by the text of the sample. */
  readonly cf: Map<string, string>;
  readonly erased: string;
  readonly erasureId: string;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

async function given(): Promise<Given> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-files-'));
  const env = { CAIRN_STORE: path.join(dir, '.cairn') };
  await cairnJson(dir, env, 'init');
  for (const name of ['alice', 'bob', 'carol']) await cairnJson(dir, env, 'keys', 'new', name);
  await cairnJson(dir, env, 'roles', 'grant', 'bob', 'curator', '--as', 'alice');
  await mkdir(path.join(dir, 'docs', 'notes'), { recursive: true });
  await writeFile(path.join(dir, 'docs', 'notes', 'a.txt'), 'note a, kept under its folder path');
  await writeFile(path.join(dir, 'docs', 'b.txt'), 'note b, to be erased');
  const folder = await cairnJson<{ cfs: { cfId: string }[] }>(
    dir,
    env,
    'import',
    'docs',
    '--as',
    'alice',
    '--license',
    'MIT',
    '--source',
    'files',
  );
  const rows = [
    { text: 'climbs out with dot-dot', attributes: { path: '../../escaped.txt' } },
    { text: 'names an absolute path', attributes: { path: path.join(dir, 'absolute.txt') } },
  ];
  await writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  const fromRows = await cairnJson<{ cfs: { cfId: string }[] }>(
    dir,
    env,
    'import',
    'rows.jsonl',
    '--as',
    'alice',
    '--license',
    'MIT',
    '--source',
    'rows',
  );
  const cf = new Map<string, string>();
  for (const id of [...folder.cfs, ...fromRows.cfs].map((c) => c.cfId)) {
    const bytes = await cairn(dir, env, 'cat', id, '--as', 'alice');
    cf.set(bytes.stdout, id);
  }
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0, scope: 'sample' } }),
  );
  const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'bob');
  await cairnJson(dir, env, 'dataset', 'define', 'c', '--as', 'bob');
  await cairnJson(dir, env, 'dataset', 'build', 'c', '--manifest', manifestId, '--as', 'bob');
  const erased = cf.get('note b, to be erased')!;
  const erasure = await cairnJson<{ id: string }>(dir, env, 'erase', erased, '--as', 'alice', '--reason', 'data subject request');
  return { dir, env, cf, erased, erasureId: erasure.id };
}

interface FilesManifest {
  versionId: string;
  files: { cfId: string; path: string; sha256: string; size: number }[];
  erased: { cfId: string; event: string; reason: string }[];
}

describe('cairn cat and cairn export --format files', () => {
  let g: Given;
  beforeAll(async () => {
    g = await given();
  }, 300_000);

  describe('given a reader exports c@1 into a new folder', () => {
    let out: string;
    let summary: { files: number; erased: string[] };
    let manifest: FilesManifest;
    beforeAll(async () => {
      out = path.join(g.dir, 'export-bob');
      summary = await cairnJson(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', out, '--as', 'bob');
      manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as FilesManifest;
    }, 120_000);

    it('then every kept sample is written decrypted, and the manifest gives its CF id and the sha256 of the bytes on disk', async () => {
      expect(summary.files).toBe(3);
      expect(manifest.files.map((f) => f.cfId).sort()).toEqual([...g.cf.values()].filter((id) => id !== g.erased).sort());
      for (const f of manifest.files) {
        const bytes = await readFile(path.join(out, f.path));
        expect(sha256(bytes)).toBe(f.sha256);
        expect(g.cf.get(bytes.toString('utf8'))).toBe(f.cfId);
      }
    });

    it('then a folder import keeps its path under files/', async () => {
      const a = g.cf.get('note a, kept under its folder path')!;
      expect(manifest.files.find((f) => f.cfId === a)?.path).toBe('files/notes/a.txt');
      expect(await readFile(path.join(out, 'files', 'notes', 'a.txt'), 'utf8')).toBe('note a, kept under its folder path');
    });

    it('then the erased member is named with its erasure in the manifest, members.jsonl and the summary, and has no file', async () => {
      expect(summary.erased).toEqual([g.erased]);
      expect(manifest.erased).toEqual([expect.objectContaining({ cfId: g.erased, event: g.erasureId, reason: 'data subject request' })]);
      const lines = (await readFile(path.join(out, 'members.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { cfId: string; file: string | null; erased: { event: string } | null });
      expect(lines.find((l) => l.cfId === g.erased)).toMatchObject({ file: null, erased: { event: g.erasureId } });
      expect(JSON.stringify(await readdir(out, { recursive: true }))).not.toContain(g.erased);
    });

    it('then a path attribute with .. or an absolute path does not leave the folder: such samples are named by CF id', async () => {
      for (const text of ['climbs out with dot-dot', 'names an absolute path']) {
        const id = g.cf.get(text)!;
        expect(manifest.files.find((f) => f.cfId === id)?.path).toBe(`files/${id}.txt`);
      }
      expect(existsSync(path.join(g.dir, 'escaped.txt'))).toBe(false);
      expect(existsSync(path.resolve(out, '../../escaped.txt'))).toBe(false);
      expect(existsSync(path.join(g.dir, 'absolute.txt'))).toBe(false);
    });

    it('then croissant.json has the required dataset properties and passes the FileObject checks, and each contentUrl is a file there with that sha256', async () => {
      const doc = JSON.parse(await readFile(path.join(out, 'croissant.json'), 'utf8')) as {
        creator: { name: string }[];
        datePublished: string;
        version: string;
        distribution: { contentUrl: string; sha256: string }[];
      };
      expect(croissantProblems(doc)).toEqual([]);
      expect(doc.creator.map((c) => c.name)).toEqual(['alice']);
      expect(doc.version).toBe(manifest.versionId);
      expect(doc.distribution).toHaveLength(4);
      for (const d of doc.distribution) {
        const file = path.resolve(out, d.contentUrl);
        expect(file.startsWith(out + path.sep)).toBe(true);
        expect(sha256(await readFile(file))).toBe(d.sha256);
      }
    });

    it('when the same version is exported again, then manifest and croissant.json are the same bytes', async () => {
      const again = path.join(g.dir, 'export-again');
      await cairnJson(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', again, '--as', 'bob');
      for (const f of ['manifest.json', 'croissant.json', 'members.jsonl'])
        expect(await readFile(path.join(again, f), 'utf8')).toBe(await readFile(path.join(out, f), 'utf8'));
    }, 60_000);

    it('when the folder is exported into again, then it is refused (exit 2) unless --force', async () => {
      const r = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', out, '--as', 'bob');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--out');
      expect(r.stderr).toContain('not empty');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const forced = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', out, '--as', 'bob', '--force');
      expect(forced.code).toBe(0);
    }, 60_000);
  });

  it('when carol, who holds no reader role, exports c@1, then it is refused (exit 3) naming the reader role and nothing is written', async () => {
    const out = path.join(g.dir, 'export-carol');
    const r = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', out, '--as', 'carol');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('read-authority');
    expect(r.stderr).toContain('reader role');
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('when --format files is given without --as or --out, then it is a usage error naming the flag', async () => {
    const noAs = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', path.join(g.dir, 'x'));
    expect([noAs.code, noAs.stderr.includes('--as')]).toEqual([2, true]);
    const noOut = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--as', 'bob');
    expect([noOut.code, noOut.stderr.includes('--out')]).toEqual([2, true]);
  }, 60_000);

  describe('cairn cat', () => {
    it('when a reader cats a sample by a unique prefix, then stdout is its decrypted bytes', async () => {
      const id = g.cf.get('note a, kept under its folder path')!;
      const r = await cairn(g.dir, g.env, 'cat', id.slice(0, 10), '--as', 'bob');
      expect([r.code, r.stdout]).toEqual([0, 'note a, kept under its folder path']);
    }, 60_000);

    it("when carol cats alice's sample, then it is refused (exit 3) naming the reader role, with no bytes", async () => {
      const r = await cairn(g.dir, g.env, 'cat', g.cf.get('note a, kept under its folder path')!, '--as', 'carol');
      expect([r.code, r.stdout]).toEqual([3, '']);
      expect(r.stderr).toContain('reader role');
    }, 60_000);

    it('when the erased sample is catted, then it says erased (exit 3, as `show --bytes` does)', async () => {
      const r = await cairn(g.dir, g.env, 'cat', g.erased, '--as', 'bob');
      expect([r.code, r.stdout]).toEqual([3, '']);
      expect(r.stderr).toContain('erased');
    }, 60_000);
  });
});
