// `cairn verify` checks the sample stores against the log, through the real binary (the givens
// through the process kept for this file, cli-run.ts cairnHere): a live
// sample whose stored ciphertext no longer opens to its commitment, and an erased sample whose
// key is back in the key store, each fail verify with the sample and the reason. On Postgres
// with one shared folder, two imports of the same file at once leave one key and one
// ciphertext per sample, and erasure leaves none of the keys either sealing drew.
import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { spawn } from 'node:child_process';
import { BIN, cairn, cairnJson, cairnJsonHere } from './__tests__/cli-run.js';
import { initStore } from './__tests__/init-store.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

interface Store {
  env(dir: string): Promise<NodeJS.ProcessEnv>;
  /** The folder holding keys/ and blobs/. */
  folder(dir: string): string;
}

const embedded: Store = { env: async (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), folder: (dir) => path.join(dir, '.cairn') };
const postgres: Store = {
  env: async (dir) => {
    const s = await createTestSchema('cli_seal');
    dropped.push(s.drop);
    return { CAIRN_STORE: s.url, CAIRN_KEYS: path.join(dir, 'local') };
  },
  folder: (dir) => path.join(dir, 'local'),
};

interface SamplesJson {
  readonly ok: boolean;
  readonly samples: {
    samples: number;
    erased: number;
    keyCopies: number;
    blobCopies: number;
    problemCount: number;
    problems: { sampleId: string; check: string; reason: string }[];
  } | null;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Flips the last byte (a tag byte) of the sample's ciphertext in its segment. */
async function alterInSegment(folder: string, sampleId: string): Promise<void> {
  for (const file of await filesUnder(path.join(folder, 'blobs', 'segments'))) {
    const bytes = await readFile(file);
    const count = bytes.readUInt32LE(0);
    let at = 4 + count * 36;
    for (let i = 0; i < count; i++) {
      const length = bytes.readUInt32LE(4 + i * 36 + 32);
      if (bytes.toString('hex', 4 + i * 36, 4 + i * 36 + 32) === sampleId) {
        bytes[at + length - 1]! ^= 1;
        await writeFile(file, bytes);
        return;
      }
      at += length;
    }
  }
  throw new Error(`no segment holds ${sampleId}`);
}

async function verifyFailure(dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await cairn(dir, env, 'verify');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('verify: FAILED');
  return r.stdout.split('\n').filter((line) => line.startsWith('FAILED'));
}

/** Starts `cairn import` and kills it (SIGKILL) as soon as its first batch of keys is on disk: sealed, not yet appended. */
async function importKilledAfterSealing(dir: string, env: NodeJS.ProcessEnv, keysDir: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, '--json', 'import', 'rows.jsonl', '--as', 'alice', '--license', 'MIT'], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let done = false;
  void exited.then(() => (done = true));
  // A batch file is renamed into place (.keys) only once whole; a .tmp one is still being written.
  const sealed = async () => (await readdir(keysDir).catch(() => [] as string[])).some((n) => n.endsWith('.keys'));
  while (!done && !(await sealed())) await new Promise((r) => setTimeout(r, 2));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

function verifySamplesSpecification(name: string, store: Store): void {
  describe(`hardening: cairn verify checks the sample stores, on ${name}`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let imported: string[];
    let erased: string;
    let savedKey: string;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-seal-'));
      env = await store.env(dir);
      await initStore(dir, env, cairnJsonHere);
      await cairnJsonHere(dir, env, 'keys', 'new', 'alice');
      await writeFile(
        path.join(dir, 'rows.jsonl'),
        Array.from({ length: 5 }, (_, i) => JSON.stringify({ text: `row ${i}`, source: 'notes' })).join('\n'),
      );
      const out = await cairnJsonHere<{ cfs: { kind: string; cfId: string }[] }>(
        dir,
        env,
        'import',
        'rows.jsonl',
        '--as',
        'alice',
        '--license',
        'MIT',
      );
      imported = out.cfs.filter((c) => c.kind === 'sample').map((c) => c.cfId);
      erased = (
        await cairnJsonHere<{ id: string }>(
          dir,
          env,
          'contribute',
          'sample',
          '--as',
          'alice',
          '--text',
          'Jane Q. Public',
          '--license',
          'MIT',
          '--source',
          'crm',
          '--personal-data',
        )
      ).id;
      // A thief's copy of the erased sample's key, taken before the erasure.
      savedKey = path.join(dir, 'stolen.key');
      await copyFile(path.join(store.folder(dir), 'keys', `${erased}.key`), savedKey);
      await cairnJsonHere(dir, env, 'erase', erased, '--as', 'alice', '--reason', 'subject access request');
    }, 120_000);

    it('given live samples and an erased one, untouched, when verify runs, then it passes and its samples section counts each', async () => {
      const v = await cairnJson<SamplesJson>(dir, env, 'verify');
      expect(v.ok).toBe(true);
      expect(v.samples).toMatchObject({ samples: 5, erased: 1, keyCopies: 5, blobCopies: 5, problemCount: 0 });
      expect((await cairn(dir, env, 'verify')).stdout).toMatch(/^samples: 5 live checked .*, 1 erased checked/m);
    }, 120_000);

    it('given a live sample whose stored ciphertext was altered, when verify runs, then it fails naming that sample: no copy of its bytes opens to the logged commitment', async () => {
      await alterInSegment(store.folder(dir), imported[2]!);
      expect(await verifyFailure(dir, env)).toEqual([
        `FAILED: sample ${imported[2]}: bytes: no stored copy of its bytes opens to the logged commitment: authentication failed: the blob, its key or the sample envelope was altered`,
      ]);
    }, 120_000);

    it('given an erased sample whose key was put back in the key store, when verify runs, then it fails naming that sample: its key survives the erasure', async () => {
      await copyFile(savedKey, path.join(store.folder(dir), 'keys', `${erased}.key`));
      const failures = await verifyFailure(dir, env);
      expect(failures).toContain(
        `FAILED: sample ${erased}: erasure: the sample is erased in the log, yet a copy of its key is still in the key store`,
      );
    }, 120_000);
  });
}

verifySamplesSpecification('the embedded store', embedded);

describePostgres(pgAvailable, 'hardening: two imports of one file at once on Postgres, one shared folder', () => {
  verifySamplesSpecification('Postgres', postgres);

  it('given a cairn import killed (SIGKILL) right after sealing its first batch, when the import is run again, then verify finds every sample readable with one key and one ciphertext each', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-seal-kill-'));
    const env = await postgres.env(dir);
    await cairnJsonHere(dir, env, 'init');
    await cairnJsonHere(dir, env, 'keys', 'new', 'alice');
    await writeFile(
      path.join(dir, 'rows.jsonl'),
      Array.from({ length: 1000 }, (_, i) => JSON.stringify({ text: `killed row ${i}`, source: 'notes' })).join('\n'),
    );
    await importKilledAfterSealing(dir, env, path.join(postgres.folder(dir), 'keys', 'batches'));
    await cairnJson(dir, env, 'import', 'rows.jsonl', '--as', 'alice', '--license', 'MIT');
    const v = await cairnJson<SamplesJson>(dir, env, 'verify');
    expect(v.samples).toMatchObject({ samples: 1000, keyCopies: 1000, blobCopies: 1000, problemCount: 0 });
    expect(v.ok).toBe(true);
  }, 600_000);

  it('given two cairn import processes of the same samples at once, when both finish and samples are erased, then one key and one ciphertext are left per live sample and no key either import drew for an erased sample is left in any file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-seal-race-'));
    const env = await postgres.env(dir);
    await cairnJsonHere(dir, env, 'init');
    await cairnJsonHere(dir, env, 'keys', 'new', 'alice');
    // Many chunks: the import that falls behind skips what the other appended, catches up, and
    // from then on both seal the same chunk at once.
    await writeFile(
      path.join(dir, 'rows.jsonl'),
      Array.from({ length: 3000 }, (_, i) => JSON.stringify({ text: `shared row ${i}`, source: 'notes' })).join('\n'),
    );
    const importOnce = () =>
      cairnJson<{ cfs: { kind: string; cfId: string }[] }>(dir, env, 'import', 'rows.jsonl', '--as', 'alice', '--license', 'MIT');
    const [a, b] = await Promise.all([importOnce(), importOnce()]);
    const ids = a.cfs.map((c) => c.cfId);
    expect(b.cfs.map((c) => c.cfId)).toEqual(ids);

    const folder = postgres.folder(dir);
    // One victim in every import chunk (256 rows), so whichever chunks both imports sealed have one.
    const victims = new Set(ids.filter((_, i) => i % 256 === 7));
    // Every live key copy either import left for the victims (a batch record is state ‖ sample id ‖ key ‖ salt).
    const drawn: Buffer[] = [];
    for (const file of await filesUnder(path.join(folder, 'keys', 'batches'))) {
      const bytes = await readFile(file);
      for (let at = 0; at + 97 <= bytes.length; at += 97)
        if ((bytes[at] === 1 || bytes[at] === 2) && victims.has(bytes.toString('hex', at + 1, at + 33)))
          drawn.push(Buffer.from(bytes.subarray(at + 33, at + 65)));
    }
    expect(drawn).toHaveLength(victims.size);
    const v = await cairnJson<SamplesJson>(dir, env, 'verify');
    expect(v.samples).toMatchObject({ samples: 3000, keyCopies: 3000, blobCopies: 3000, problemCount: 0 });
    for (const victim of victims) await cairnJsonHere(dir, env, 'erase', victim, '--as', 'alice');
    const after = Buffer.concat(await Promise.all((await filesUnder(path.join(folder, 'keys'))).map((f) => readFile(f))));
    for (const key of drawn) expect(after.indexOf(key)).toBe(-1);
    const v2 = await cairnJson<SamplesJson>(dir, env, 'verify');
    expect(v2.samples).toMatchObject({
      samples: 3000 - victims.size,
      erased: victims.size,
      keyCopies: 3000 - victims.size,
      problemCount: 0,
    });
  }, 600_000);
});
