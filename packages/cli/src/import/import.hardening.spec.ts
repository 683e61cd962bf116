// `cairn import` through the real binary, on input written to hurt: paths that leave the import
// folder or reach the keyring, rows that JSON.parse or a lossy decoder would read differently
// from what was written, nesting deep enough to overflow a recursive printer, and a bad row
// that used to land after earlier chunks were appended.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cairn, cairnJson } from '../__tests__/cli-run.js';
import { initStore } from '../__tests__/init-store.js';

interface Imported {
  readonly appended: { readonly sample: number; readonly label: number; readonly validation: number };
  readonly cfs: readonly { readonly item: string; readonly cfId: string }[];
  readonly skipped: readonly { readonly item: string; readonly reason: string; readonly field?: string }[];
}

interface Given {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly store: string;
}

async function givenLedger(storeName = 'store'): Promise<Given> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-import-hardening-'));
  const store = path.join(dir, storeName);
  const env = { CAIRN_STORE: store };
  await initStore(dir, env);
  await cairnJson(dir, env, 'keys', 'new', 'alice');
  return { dir, env, store };
}

const samplesIn = async (g: Given): Promise<number> =>
  (await cairnJson<{ cfs: { sample?: number } }>(g.dir, g.env, 'status')).cfs.sample ?? 0;

/** A folder of its own inside the ledger's working directory, with the given files. */
async function folder(g: Given, name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const at = path.join(g.dir, name);
  await mkdir(at, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(at, file), content);
  return at;
}

const jsonl = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r)).join('\n');

function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('hardening: cairn import reads only files inside the import folder, never the keyring', () => {
  let g: Given;
  beforeAll(async () => {
    g = await givenLedger();
    await writeFile(path.join(g.dir, 'outside.txt'), 'a file beside the import folder');
  }, 120_000);

  it('given a JSONL row whose file climbs out with "..", when imported, then the row is refused naming line and field and nothing is appended', async () => {
    const before = await samplesIn(g);
    await folder(g, 'climb', { 'rows.jsonl': jsonl([{ file: '../outside.txt', license: 'MIT', source: 's' }]) });
    const r = await cairn(g.dir, g.env, 'import', 'climb/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('line 1: file: "../outside.txt": a path with ".."');
    expect(await samplesIn(g)).toBe(before);
  }, 60_000);

  it('given a JSONL row naming the keyring by absolute path, when imported, then it is refused and the secret key is never read into a sample', async () => {
    const before = await samplesIn(g);
    const keyFile = path.join(g.store, 'signers', 'alice.json');
    await folder(g, 'absolute', { 'rows.jsonl': jsonl([{ file: keyFile, license: 'MIT', source: 's' }]) });
    const r = await cairn(g.dir, g.env, 'import', 'absolute/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`line 1: file: ${JSON.stringify(keyFile)}: an absolute path`);
    expect(r.stdout).not.toContain('secretKey');
    expect(await samplesIn(g)).toBe(before);
  }, 60_000);

  it('given a symlink inside the folder that points outside it, when a JSONL row names it, then the row is refused as resolving outside the folder', async () => {
    const before = await samplesIn(g);
    const at = await folder(g, 'linked', { 'rows.jsonl': jsonl([{ file: 'key.json', license: 'MIT', source: 's' }]) });
    await symlink(path.join(g.store, 'signers', 'alice.json'), path.join(at, 'key.json'));
    const r = await cairn(g.dir, g.env, 'import', 'linked/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('line 1: file: "key.json": a symlink that resolves outside the import folder');
    expect(await samplesIn(g)).toBe(before);
  }, 60_000);

  it('given a folder with symlinks (one out to the keyring, one to a file beside it), when imported, then both are listed as skipped and only the real file is a sample', async () => {
    const at = await folder(g, 'links', { 'real.txt': 'real bytes' });
    await symlink(path.join(g.store, 'signers', 'alice.json'), path.join(at, 'key.json'));
    await symlink('real.txt', path.join(at, 'again.txt'));
    const out = await cairnJson<Imported>(g.dir, g.env, 'import', 'links', '--as', 'alice', '--license', 'MIT', '--source', 'files');
    expect(out.cfs.map((c) => c.item)).toEqual(['real.txt']);
    expect(out.skipped).toEqual([
      { item: 'again.txt', reason: 'symlink (not followed)' },
      { item: 'key.json', reason: 'symlink (not followed)' },
    ]);
  }, 60_000);
});

describe('hardening: cairn import of a folder that holds the store', () => {
  it('given the store folder inside the folder being imported, when imported, then the store is listed as skipped and none of its files (keys, blobs) become samples', async () => {
    // A store without a leading dot, so hiding it is not what keeps it out.
    const g = await givenLedger(path.join('corpus', 'ledger'));
    await folder(g, 'corpus', { 'notes.txt': 'a note' });
    const out = await cairnJson<Imported>(g.dir, g.env, 'import', 'corpus', '--as', 'alice', '--license', 'MIT', '--source', 'files');
    expect(out.cfs.map((c) => c.item)).toEqual(['notes.txt']);
    expect(out.skipped).toEqual([{ item: 'ledger/', reason: 'inside the Cairn store folder (its keys and blobs are never imported)' }]);

    const inside = await cairn(
      g.dir,
      g.env,
      'import',
      path.join('corpus', 'ledger', 'signers'),
      '--as',
      'alice',
      '--license',
      'MIT',
      '--source',
      'files',
    );
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('inside the Cairn store folder');
  }, 120_000);
});

describe('hardening: cairn import checks every row before it appends any', () => {
  let g: Given;
  beforeAll(async () => {
    g = await givenLedger();
  }, 120_000);

  it('given 5,000 levels of nesting in attributes, when imported with --json, then stderr is one JSON error naming the field, with no stack trace, and the exit code is 3', async () => {
    await folder(g, 'deep', { 'rows.jsonl': `{"text":"deep","license":"MIT","source":"s","attributes":${nested(5000)}}\n` });
    const r = await cairn(g.dir, g.env, '--json', 'import', 'deep/rows.jsonl', '--as', 'alice');
    expect(r.stderr).not.toContain('RangeError');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(3);
    const error = (JSON.parse(r.stderr) as { error: { message: string; detail: { invalid: { line: number; field: string }[] } } }).error;
    expect(error.detail.invalid).toEqual([expect.objectContaining({ line: 1, field: 'attributes' })]);
  }, 60_000);

  it('given 5,000 levels of nesting in contribute sample --attributes, when run with --json, then the refusal prints as JSON (the printer bounds the detail) and the exit code is 3', async () => {
    const r = await cairn(
      g.dir,
      g.env,
      '--json',
      'contribute',
      'sample',
      '--as',
      'alice',
      '--text',
      'deep',
      '--license',
      'MIT',
      '--source',
      's',
      '--attributes',
      nested(5000),
    );
    expect(r.stderr).not.toContain('RangeError');
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stderr) as { error: { message: string } }).error.message).toContain('attributes');
  }, 60_000);

  it('given 300 rows whose last (in the second chunk of 256) is invalid, when imported, then nothing is appended and the error names line 300 and its field', async () => {
    const before = await samplesIn(g);
    const rows = Array.from({ length: 300 }, (_, i) => ({
      text: `chunked ${i}`,
      license: 'MIT',
      source: 's',
      ...(i === 299 ? { mediaType: 'Not A Type' } : {}),
    }));
    await folder(g, 'chunks', { 'rows.jsonl': jsonl(rows) });
    const r = await cairn(g.dir, g.env, 'import', 'chunks/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('1 invalid row(s), nothing appended');
    expect(r.stderr).toContain('line 300: mediaType:');
    expect(await samplesIn(g)).toBe(before);

    const skipping = await cairnJson<Imported>(g.dir, g.env, 'import', 'chunks/rows.jsonl', '--as', 'alice', '--skip-invalid');
    expect(skipping.appended.sample).toBe(299);
    expect(skipping.skipped).toEqual([expect.objectContaining({ item: 'line 300', field: 'mediaType' })]);
  }, 120_000);

  it('given a CSV with one invalid row, when imported, then the same policy holds: nothing appended, exit 3, the row named', async () => {
    const before = await samplesIn(g);
    await folder(g, 'csv', { 'rows.csv': 'text,license,source\ncsv one,MIT,s\ncsv two,not a license!,s\n' });
    const r = await cairn(g.dir, g.env, 'import', 'csv/rows.csv', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('row 2: license: "not a license!" is not an SPDX expression');
    expect(await samplesIn(g)).toBe(before);
  }, 60_000);

  it('given nothing that can be imported (a folder of one empty file; rows all invalid with --skip-invalid), when imported, then it exits 3 saying nothing was imported', async () => {
    await folder(g, 'empty', { 'empty.txt': '' });
    const folderOnly = await cairn(g.dir, g.env, 'import', 'empty', '--as', 'alice', '--license', 'MIT', '--source', 'files');
    expect(folderOnly.code).toBe(3);
    expect(folderOnly.stderr).toContain('nothing to import (1 skipped: empty.txt: empty file)');

    await folder(g, 'none', { 'rows.jsonl': jsonl([{ text: 'no license', source: 's' }]) });
    const rows = await cairn(g.dir, g.env, 'import', 'none/rows.jsonl', '--as', 'alice', '--skip-invalid');
    expect(rows.code).toBe(3);
    expect(rows.stderr).toContain('nothing to import (1 skipped: line 1: license: none given');
  }, 60_000);

  it('given a JSONL file that starts with a byte order mark, when imported, then its first row is a sample like the others', async () => {
    await folder(g, 'bom', {
      'rows.jsonl': `\uFEFF${jsonl([
        { text: 'after a BOM', license: 'MIT', source: 's' },
        { text: 'second', license: 'MIT', source: 's' },
      ])}`,
    });
    const out = await cairnJson<Imported>(g.dir, g.env, 'import', 'bom/rows.jsonl', '--as', 'alice');
    expect(out.appended.sample).toBe(2);
    expect(out.skipped).toEqual([]);
  }, 60_000);

  it('given a row whose text holds bytes that are not UTF-8, when imported, then it is refused naming the line and the field instead of becoming U+FFFD', async () => {
    const before = await samplesIn(g);
    const bytes = Buffer.concat([
      Buffer.from('{"text":"fine","license":"MIT","source":"s"}\n{"text":"bad '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","license":"MIT","source":"s"}\n'),
    ]);
    await folder(g, 'utf8', { 'rows.jsonl': bytes });
    const r = await cairn(g.dir, g.env, 'import', 'utf8/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('line 2: text: not well-formed UTF-8');
    expect(await samplesIn(g)).toBe(before);
  }, 60_000);

  it('given a row whose text is a lone surrogate escape, when imported, then it is refused naming the line and the field', async () => {
    await folder(g, 'surrogate', { 'rows.jsonl': '{"text":"half \\ud800 a pair","license":"MIT","source":"s"}\n' });
    const r = await cairn(g.dir, g.env, 'import', 'surrogate/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('line 1: text:');
    expect(r.stderr).toContain('lone surrogate');
  }, 60_000);

  it('given a row that names license twice (GPL-3.0-only, then MIT), when imported, then it is refused instead of keeping the last', async () => {
    const before = await samplesIn(g);
    await folder(g, 'dupkeys', { 'rows.jsonl': '{"text":"licensed twice","license":"GPL-3.0-only","license":"MIT","source":"s"}\n' });
    const r = await cairn(g.dir, g.env, 'import', 'dupkeys/rows.jsonl', '--as', 'alice');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('line 1: license:');
    expect(r.stderr).toContain('duplicate member name "license"');
    expect(await samplesIn(g)).toBe(before);
  }, 60_000);
});

describe('hardening: cairn import of personal data', () => {
  it('given rows with personalData true, when imported and exported, then those samples are committed by HMAC and the others by SHA-256', async () => {
    const g = await givenLedger();
    await folder(g, 'people', {
      'rows.jsonl': jsonl([
        { id: 'p', text: 'Jane Doe, +44 20 7946 0000', personalData: true },
        { id: 'q', text: 'a public sentence' },
      ]),
    });
    const out = await cairnJson<Imported>(
      g.dir,
      g.env,
      'import',
      'people/rows.jsonl',
      '--as',
      'alice',
      '--license',
      'MIT',
      '--source',
      'forms',
    );
    const [personal, plain] = out.cfs.map((c) => c.cfId);
    await writeFile(path.join(g.dir, 'manifest.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } }));
    const { manifestId } = await cairnJson<{ manifestId: string }>(g.dir, g.env, 'manifest', 'define', 'manifest.json', '--as', 'alice');
    await cairnJson(g.dir, g.env, 'dataset', 'define', 'people', '--as', 'alice');
    await cairnJson(g.dir, g.env, 'dataset', 'build', 'people', '--manifest', manifestId, '--as', 'alice');
    const exported = await cairn(g.dir, g.env, 'export', 'people@1', '--format', 'jsonl');
    expect(exported.code).toBe(0);
    const schemes = new Map(
      exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { cfId: string; commitment: { scheme: string } })
        .map((m) => [m.cfId, m.commitment.scheme]),
    );
    expect(schemes.get(personal!)).toBe('hmac-sha256');
    expect(schemes.get(plain!)).toBe('sha256');
  }, 180_000);
});
