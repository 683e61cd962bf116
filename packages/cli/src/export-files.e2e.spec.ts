// Bytes out through the built program (issue 21): `cairn cat` and `cairn export --format files`.
// Given alice's samples (a folder import keeping its paths, and rows whose signed `path` attribute
// tries to leave the folder), a dataset c@1 holding them built by bob (a curator, so a reader),
// and one sample erased since: a reader gets the decrypted files with a manifest, members.jsonl
// and a Croissant document that checks; carol (no reader role) gets nothing; the erased sample is
// named, never skipped; no path leaves the export folder; a non-empty folder is refused.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { croissantProblems, openLineageProblems } from '@cairn/datasets';
import { cairnHere as cairn, cairnJsonHere as cairnJson } from './__tests__/cli-run.js';
import { initStore } from './__tests__/init-store.js';

interface Given {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** CF id by the text of the sample. */
  readonly cf: Map<string, string>;
  readonly erased: string;
  readonly erasureId: string;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Files under `dir`, relative, `/`-separated. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/**
 * How `load_dataset("json", data_dir=DIR)` reads a folder (huggingface/datasets data_files.py):
 * README.md is not data; the other files are data files, and a file whose name has `train`
 * delimited by non-word characters belongs to the train split; the json builder reads .json/.jsonl,
 * one object per line with one set of columns. Answers each split's rows, or throws saying why not.
 */
async function asLoadDatasetJsonReads(dir: string): Promise<Map<string, Record<string, unknown>[]>> {
  const data = (await filesUnder(dir)).filter((f) => path.posix.basename(f) !== 'README.md' && !path.posix.basename(f).startsWith('.'));
  const splits = new Map<string, Record<string, unknown>[]>();
  for (const f of data) {
    if (!/\.jsonl?$/.test(f)) throw new Error(`${f}: not a file the json builder reads`);
    const split = /(^|[-._ 0-9/])(train|training)([-._ 0-9]|$)/.test(f) ? 'train' : undefined;
    if (split === undefined) throw new Error(`${f}: names no split`);
    const rows = (await readFile(path.join(dir, f), 'utf8'))
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    splits.set(split, [...(splits.get(split) ?? []), ...rows]);
  }
  for (const rows of splits.values()) {
    const columns = JSON.stringify(Object.keys(rows[0] ?? {}));
    for (const r of rows) if (JSON.stringify(Object.keys(r)) !== columns) throw new Error(`a row has other columns: ${JSON.stringify(r)}`);
  }
  return splits;
}

/** The card's YAML header: `key: <JSON>` lines (JSON is YAML 1.2 flow) between `---` fences. */
function cardHeader(card: string): Record<string, unknown> {
  const lines = card.split('\n');
  if (lines[0] !== '---') throw new Error('README.md does not open with a YAML header');
  const end = lines.indexOf('---', 1);
  return Object.fromEntries(
    lines.slice(1, end).map((l) => [l.slice(0, l.indexOf(': ')), JSON.parse(l.slice(l.indexOf(': ') + 2)) as unknown]),
  );
}

async function given(): Promise<Given> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-files-'));
  const env = { CAIRN_STORE: path.join(dir, '.cairn') };
  await initStore(dir, env);
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
  await cairnJson(
    dir,
    env,
    'record-run',
    '--dataset',
    'c@1',
    '--code',
    'git:abc',
    '--model-hash',
    'a'.repeat(64),
    '--as',
    'bob',
    '--run-id',
    'r1',
  );
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

    it('then wandb_manifest.json is an artifact manifest v1 with the base64 MD5 and size of each file on disk', async () => {
      const w = JSON.parse(await readFile(path.join(out, 'wandb_manifest.json'), 'utf8')) as {
        version: number;
        contents: Record<string, { digest: string; size: number }>;
      };
      expect(w.version).toBe(1);
      expect(Object.keys(w.contents).sort()).toEqual(manifest.files.map((f) => f.path).sort());
      for (const [p, entry] of Object.entries(w.contents)) {
        const bytes = await readFile(path.join(out, p));
        expect(entry).toEqual({ digest: createHash('md5').update(bytes).digest('base64'), size: bytes.length });
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

  it('when --force is given on a folder whose files/ is a link to another folder, then nothing is written through the link (exit 2)', async () => {
    const out = path.join(g.dir, 'export-linked');
    const elsewhere = path.join(g.dir, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await symlink(elsewhere, path.join(out, 'files'));
    const r = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', out, '--as', 'bob', '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('outside');
    expect(await readdir(elsewhere, { recursive: true })).toEqual([]);
  }, 60_000);

  it('when --format files is given without --as or --out, then it is a usage error naming the flag', async () => {
    const noAs = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--out', path.join(g.dir, 'x'));
    expect([noAs.code, noAs.stderr.includes('--as')]).toEqual([2, true]);
    const noOut = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'files', '--as', 'bob');
    expect([noOut.code, noOut.stderr.includes('--out')]).toEqual([2, true]);
  }, 60_000);

  it('when a reader exports c@1 as huggingface, then load_dataset("json", data_dir=…) reads one train split of the kept samples, and the card carries license, size, source and version id', async () => {
    const out = path.join(g.dir, 'export-hf');
    const summary = await cairnJson<{ versionId: string; erased: string[] }>(
      g.dir,
      g.env,
      'export',
      'c@1',
      '--format',
      'huggingface',
      '--out',
      out,
      '--as',
      'bob',
    );
    const splits = await asLoadDatasetJsonReads(out);
    expect([...splits.keys()]).toEqual(['train']);
    const rows = splits.get('train')!;
    expect(rows.map((r) => r['cf_id']).sort()).toEqual([...g.cf.values()].filter((id) => id !== g.erased).sort());
    for (const r of rows) expect(g.cf.get(r['text'] as string)).toBe(r['cf_id']);
    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    expect(cardHeader(card)).toMatchObject({
      license: ['mit'],
      size_categories: ['n<1K'],
      source_datasets: ['files', 'rows'],
      version_id: summary.versionId,
    });
    expect(summary.erased).toEqual([g.erased]);
    expect(card).toContain(`${g.erased}: erased by ${g.erasureId}`);
  }, 60_000);

  it('when c@1 is exported as mlflow, then stdout is the dataset input mlflow.log_input stores, its digest from the version id', async () => {
    const input = await cairnJson<{ dataset: Record<string, string>; tags: { key: string; value: string }[] }>(
      g.dir,
      g.env,
      'export',
      'c@1',
      '--format',
      'mlflow',
    );
    const { versionId } = await cairnJson<{ versionId: string }>(g.dir, g.env, 'dataset', 'show', 'c@1');
    expect(input.dataset['name']).toBe('c@1');
    expect(input.dataset['digest']).toBe(versionId.slice(0, 32));
    expect(JSON.parse(input.dataset['source']!)).toMatchObject({ uri: `cairn:c@${versionId}` });
    expect(JSON.parse(input.dataset['profile']!)).toMatchObject({ num_rows: 3, erased: 1 });
    expect(input.tags).toEqual([{ key: 'mlflow.data.context', value: 'training' }]);
  }, 60_000);

  describe('given an OpenLineage endpoint listening on a local port', () => {
    const received: unknown[] = [];
    let status = 201;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/api/v1/lineage' && req.headers['content-type'] === 'application/json')
          received.push(JSON.parse(body));
        res.statusCode = status;
        res.end();
      });
    });
    let url: string;
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('when c@1 is exported as openlineage with --url, then the endpoint receives each event, and each passes the 2-0-2 schema checks', async () => {
      const r = await cairnJson<{ sent: number }>(g.dir, g.env, 'export', 'c@1', '--format', 'openlineage', '--url', url);
      const printed = (await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'openlineage')).stdout.trim().split('\n');
      expect(r.sent).toBe(2);
      expect(printed).toHaveLength(2);
      expect(received).toHaveLength(printed.length);
      for (const e of received) expect(openLineageProblems(e)).toEqual([]);
      expect(
        (received[0] as { dataset: { facets: { cairn_erasures: { erased: { cfId: string }[] } } } }).dataset.facets.cairn_erasures.erased,
      ).toEqual([expect.objectContaining({ cfId: g.erased })]);
    }, 60_000);

    it('when the endpoint answers 500, then the export fails (exit 5) saying so, without a stack trace', async () => {
      status = 500;
      const r = await cairn(g.dir, g.env, 'export', 'c@1', '--format', 'openlineage', '--url', url);
      status = 201;
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('answered 500');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }, 60_000);
  });

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
