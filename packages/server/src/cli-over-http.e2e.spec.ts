// The CLI commands that once refused a server, asked of the embedded store and then with
// `--store http://…` of a server over the same store (the local questions first: an embedded
// store is one process's at a time). Given the parity fixture with one member of version 1 erased
// since it was cut: `cairn export` into a folder, and the formats beside it, writes the same
// files byte for byte, the erased sample named and never written; `cairn tree-head cosign` makes
// the same cosignature of the same head, which the server keeps only from its own witness.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { signRequest } from '@cairn/core';
import { TREE_HEADS_FILE, type Signer } from '@cairn/sdk';
import type { CairnServer } from './index.js';
import { DATASET, openSeededStore, seededStoresReady, serveStore, writeKeyring, type Fixture } from './__tests__/fixture.js';
import { keptCli, type CliResult, type KeptCli } from './__tests__/kept-cli.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/dist/bin.js');
const V1 = `${DATASET}@1`;

let dir: string;
let fx: Fixture;
let cairn: Cairn | undefined;
let server: CairnServer | undefined;
let base: string;
let kept: KeptCli;
let keys: string;
/** What the local exports printed, by name. */
const local = new Map<string, CliResult>();

/** Every file under `root`, relative path → bytes. */
async function tree(root: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const out = new Map<string, Buffer>();
  for (const e of entries
    .filter((x) => x.isFile())
    .sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name))))
    out.set(path.relative(root, path.join(e.parentPath, e.name)), await readFile(path.join(e.parentPath, e.name)));
  return out;
}

/** The export commands asked of both stores; `out` is the folder or file each writes. */
const EXPORTS: Record<string, (out: string) => readonly string[]> = {
  files: (out) => ['export', V1, '--format', 'files', '--as', 'alice', '--out', out],
  huggingface: (out) => ['export', V1, '--format', 'huggingface', '--as', 'alice', '--out', out],
  'files of the latest version': (out) => ['export', `${DATASET}@latest`, '--format', 'files', '--as', 'alice', '--out', out],
  mlflow: (out) => ['export', V1, '--format', 'mlflow', '--out', out],
};
const outOf = (where: 'local' | 'remote', name: string) => path.join(dir, `${where}-${name.replace(/ /g, '-')}`);

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`the CLI is not built (${BIN}); run npm run build first`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-export-parity-'));
  let seeding: Cairn;
  ({ cairn: seeding, fx } = await openSeededStore(dir));
  // Version 1 holds samples 0 and 1; sample 0 is erased after the cut.
  const erased = await seeding.ledger.erase(fx.samples[0], fx.alice, 'the subject asked');
  if (E.isLeft(erased)) throw new Error(JSON.stringify(erased.left));
  if (E.isLeft(await seeding.catchUp())) throw new Error('catch-up failed');
  await seeding.close();
  // The store's own keyring, which CAIRN_KEYS names for the remote exports too.
  keys = dir;
  await writeKeyring(keys, { alice: fx.alice, carol: fx.carol });
  kept = keptCli(dir);
  // A head the store signed and remembers, and a witness's cosignature of it.
  if ((await kept.run(['--store', dir, 'tree-head'])).code !== 0) throw new Error('tree-head failed');
  local.set('cosign', await kept.run(['--store', dir, '--json', 'tree-head', 'cosign', '--as', 'carol']));
  for (const [name, args] of Object.entries(EXPORTS))
    local.set(name, await kept.run(['--store', dir, '--json', ...args(outOf('local', name))], { CAIRN_KEYS: keys }));
  ({ cairn, server, base } = await serveStore(dir));
}, 300_000);

afterAll(async () => {
  await kept?.close();
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

const remote = (args: readonly string[]) => kept.run(['--store', base, '--json', ...args], { CAIRN_KEYS: keys });

describe('cairn export --store http://… writes what the local export writes', () => {
  it.each(Object.keys(EXPORTS))('given --format %s, then every file and the summary are the local ones, byte for byte', async (name) => {
    const mine = local.get(name)!;
    expect(mine).toMatchObject({ code: 0, stderr: '' });
    const r = await remote(EXPORTS[name]!(outOf('remote', name)));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect({ ...(JSON.parse(r.stdout) as object), written: 'out' }).toEqual({ ...(JSON.parse(mine.stdout) as object), written: 'out' });
    const [want, got] =
      name === 'mlflow'
        ? [new Map([['', await readFile(outOf('local', name))]]), new Map([['', await readFile(outOf('remote', name))]])]
        : [await tree(outOf('local', name)), await tree(outOf('remote', name))];
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [file, bytes] of want) expect({ file, same: got.get(file)!.equals(bytes) }).toEqual({ file, same: true });
  });

  it('given version 1 with a member erased since its cut, then its bytes are in no file and it is named as erased', async () => {
    const summary = JSON.parse(local.get('files')!.stdout) as { files: number; erased: string[]; members: number };
    expect(summary).toMatchObject({ members: 2, files: 1, erased: [fx.samples[0]] });
    const files = await tree(outOf('remote', 'files'));
    expect([...files.keys()].filter((f) => f.startsWith('files/'))).toHaveLength(1);
    const mitochondria = 'The mitochondria is the powerhouse of the cell.';
    for (const where of ['files', 'huggingface'])
      for (const [, bytes] of await tree(outOf('remote', where))) expect(bytes.toString('utf8')).not.toContain(mitochondria);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { erased: { cfId: string; reason: string }[] };
    expect(manifest.erased).toEqual([expect.objectContaining({ cfId: fx.samples[0], reason: 'the subject asked' })]);
  });

  it('given a reader who neither wrote the samples nor holds the reader role, then it exits 3 with the read-authority words and writes nothing', async () => {
    const out = path.join(dir, 'carol-files');
    const r = await remote(['export', V1, '--format', 'files', '--as', 'carol', '--out', out]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { message: expect.stringMatching(/read-authority/) } });
    expect(existsSync(out)).toBe(false);
  });

  it('given no --as, then it is a usage error naming --as, before anything is asked', async () => {
    const r = await kept.run(['--store', base, 'export', V1, '--format', 'files', '--out', path.join(dir, 'nobody')], { CAIRN_KEYS: keys });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^cairn: --as: /);
  });

  it('given --format openlineage --url, then the server export is sent to the endpoint, event by event, as the local one is', async () => {
    const received: Record<string, unknown>[] = [];
    const endpoint: Server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/api/v1/lineage`;
    try {
      const r = await remote(['export', V1, '--format', 'openlineage', '--url', url]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      const text = await remote(['export', V1, '--format', 'openlineage']);
      const served = text.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // Each export stamps its own eventTime: the events are the same but for it.
      const timeless = (e: Record<string, unknown>) => ({ ...e, eventTime: 't' });
      expect(received.map(timeless)).toEqual(served.map(timeless));
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: served.length, url, dataset: DATASET });
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});

describe('cairn tree-head cosign --store http://… cosigns as it does on the local store', () => {
  type Cosignature = { treeHead: { size: number; root: string }; witness: string; signature: string };
  const post = (body: unknown, signer?: Signer) => {
    const url = `${base}/v1/tree-heads/cosignatures`;
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signer === undefined ? {} : signRequest({ method: 'POST', url, body: bytes }, signer)),
      },
      body: bytes,
    });
  };
  let mine: Cosignature;

  beforeAll(() => {
    expect(local.get('cosign')).toMatchObject({ code: 0, stderr: '' });
    mine = JSON.parse(local.get('cosign')!.stdout) as Cosignature;
  });

  it("given the server's latest head, then the witness checks it against the log, signs it here, and the server keeps the same cosignature", async () => {
    const r = await remote(['tree-head', 'cosign', '--as', 'carol']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual(mine);
    const lines = (await readFile(path.join(dir, TREE_HEADS_FILE), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ cosignature: mine });
  });

  it('given the cosignature sent unsigned, then a 401 problem asks for a signature and nothing is kept', async () => {
    const before = await readFile(path.join(dir, TREE_HEADS_FILE), 'utf8');
    const res = await post(mine);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'urn:cairn:problem:signature-refused', field: 'Signature-Input' });
    expect(await readFile(path.join(dir, TREE_HEADS_FILE), 'utf8')).toBe(before);
  });

  it('given a cosignature whose signature does not verify, then a 422 problem names body.signature and nothing is kept', async () => {
    const before = await readFile(path.join(dir, TREE_HEADS_FILE), 'utf8');
    const forged = { ...mine, signature: `${mine.signature[0] === '0' ? '1' : '0'}${mine.signature.slice(1)}` };
    const res = await post(forged, fx.carol);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'body.signature', reason: expect.stringMatching(/does not verify/) });
    expect(await readFile(path.join(dir, TREE_HEADS_FILE), 'utf8')).toBe(before);
  });

  it('given a cosignature sent by another contributor than its witness, then a 403 problem names body.witness', async () => {
    const res = await post(mine, fx.alice);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ field: 'body.witness' });
  });

  it('given a head the server never signed, then a 422 problem names body.treeHead', async () => {
    const res = await post({ ...mine, treeHead: { ...(mine.treeHead as object), root: 'a'.repeat(64) } }, fx.carol);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'body.treeHead' });
  });
});
