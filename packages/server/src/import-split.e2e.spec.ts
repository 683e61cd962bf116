// `cairn import --store http://…` against a server whose body limit is smaller than the chunks
// the CLI sends: the refused chunk (413) is split and sent again, and the import ends as it would
// against a server with the default limit; a single row over the limit is refused by name.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { toHex } from '@cairn/core';
import { newSigner, publicKeyHexOf } from '@cairn/sdk';
import { createServer, type CairnServer } from './index.js';
import { newStoresReady, openNewStore } from './__tests__/fixture.js';
import { keptCli, type KeptCli } from './__tests__/kept-cli.js';

const BODY_LIMIT = 64 * 1024;
let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: string;
let kept: KeptCli;
let env: NodeJS.ProcessEnv;

// The run's new-store template under its own time limit: the first file of a run makes it.
beforeAll(() => newStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-import-split-'));
  cairn = await openNewStore(path.join(dir, 'store'));
  const { secretKey } = newSigner();
  const erin = await cairn.ledger.contributors.register(secretKey, { name: 'erin' });
  if (E.isLeft(erin)) throw new Error(JSON.stringify(erin.left));
  // The importer's own keyring, beside no store: only the signed envelopes reach the server.
  const keys = path.join(dir, 'keys');
  await mkdir(path.join(keys, 'signers'), { recursive: true });
  await writeFile(
    path.join(keys, 'signers', 'erin.json'),
    JSON.stringify({
      name: 'erin',
      contributorId: erin.right.contributorId,
      secretKey: toHex(secretKey),
      publicKey: publicKeyHexOf(secretKey),
      previousKeys: [],
      revoked: false,
    }),
    { mode: 0o600 },
  );
  env = { CAIRN_KEYS: keys };
  const s = await createServer({ cairn, bodyLimit: BODY_LIMIT, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
  kept = keptCli(dir);
});

afterAll(async () => {
  await kept?.close();
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A JSONL file of `n` text samples of `size` characters each, distinct. */
async function rows(name: string, n: number, size: number): Promise<string> {
  const file = path.join(dir, name);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ text: `${name} ${i} `.padEnd(size, String.fromCharCode(97 + (i % 26))), license: 'MIT', source: 'notes' }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('import over HTTP to a server with a small body limit', () => {
  it('given rows whose chunk is over the limit but each under it, then every row is appended, as chunks the server takes', async () => {
    const file = await rows('many.jsonl', 12, 12 * 1024);
    const r = await kept.run(['--json', '--store', base, 'import', file, '--as', 'erin'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { appended: { sample: number }; cfs: { alreadyAppended: boolean }[]; skipped: unknown[] };
    expect(out.appended.sample).toBe(12);
    expect(out.cfs.filter((c) => !c.alreadyAppended)).toHaveLength(12);
    expect(out.skipped).toEqual([]);
    // Sent again: every row is already in the log, nothing twice.
    const again = JSON.parse((await kept.run(['--json', '--store', base, 'import', file, '--as', 'erin'], env)).stdout) as typeof out;
    expect(again.appended.sample).toBe(0);
    expect(again.cfs.map((c) => c.alreadyAppended)).toEqual(Array(12).fill(true));
  });

  it('given one row over the limit on its own, then the import fails naming that row, and nothing of its chunk is appended', async () => {
    const file = await rows('big.jsonl', 1, 80 * 1024);
    const r = await kept.run(['--json', '--store', base, 'import', file, '--as', 'erin'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/row 1|line 1|big\.jsonl/);
    expect(r.stderr).toMatch(/too large/i);
  });
});
