// `cairn import` seals by default: one signature per --seal-size CFs, the CFs naming their seal.
// Through the real binary over one store: the import verifies, `cairn prove --signed-by` hands
// out a proof that core alone checks offline (and that fails once tampered with), --no-seal signs
// each CF on its own beside the sealed ones, and a bad --seal-size is a usage error.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { checkAuthorship } from '@cairn/core';
import { cairn, cairnJson } from '../__tests__/cli-run.js';
import { initStore } from '../__tests__/init-store.js';

interface Imported {
  readonly cfs: readonly { readonly cfId: string; readonly alreadyAppended: boolean }[];
}

const rows = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ text: `${prefix} ${i}`, license: 'MIT', source: 's' })).join('\n');

describe('hardening: cairn import seals batches, and prove --signed-by proves a sealed CF offline', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let sealed: Imported;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-sealed-import-'));
    env = { CAIRN_STORE: path.join(dir, 'store') };
    await initStore(dir, env);
    await cairnJson(dir, env, 'keys', 'new', 'alice');
    await writeFile(path.join(dir, 'sealed.jsonl'), rows('sealed', 5));
    sealed = await cairnJson<Imported>(dir, env, 'import', 'sealed.jsonl', '--as', 'alice', '--seal-size', '2');
  }, 120_000);

  it('given an import sealed in batches of 2 and another with --no-seal, then the store verifies with both forms in it', async () => {
    expect(sealed.cfs.map((c) => c.alreadyAppended)).toEqual([false, false, false, false, false]);
    await writeFile(path.join(dir, 'signed.jsonl'), rows('signed', 2));
    const signed = await cairnJson<Imported>(dir, env, 'import', 'signed.jsonl', '--as', 'alice', '--no-seal');
    expect(signed.cfs).toHaveLength(2);
    const verified = await cairn(dir, env, 'verify');
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  }, 60_000);

  it('given a sealed CF, when prove --signed-by writes a proof, then --verify and core alone accept it, and a tampered copy fails', async () => {
    const cf = sealed.cfs[3]!.cfId;
    const file = path.join(dir, 'authorship.json');
    const written = await cairn(dir, env, 'prove', cf, '--signed-by', '--out', file);
    expect(written.code).toBe(0);
    const proof = JSON.parse(await readFile(file, 'utf8')) as {
      seal: { type: string };
      auditPath: string[];
      cf: { seal: { index: number } };
    };
    expect(proof.seal.type).toBe('BatchSealed');
    expect(proof.cf.seal.index).toBe(1);
    expect(checkAuthorship(proof)).toMatchObject({ ok: true, cfId: cf });
    const ok = await cairn(dir, env, 'prove', '--verify', file);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`proof OK: ${cf} was signed by`);
    await writeFile(file, JSON.stringify({ ...proof, cf: { ...proof.cf, seal: { ...proof.cf.seal, index: 0 } } }));
    const bad = await cairn(dir, env, 'prove', '--verify', file);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain('FAIL');
  }, 60_000);

  it('given --seal-size 0 or with --no-seal, then it is a usage error naming the flag, and nothing is appended', async () => {
    const zero = await cairn(dir, env, 'import', 'sealed.jsonl', '--as', 'alice', '--seal-size', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--seal-size');
    const both = await cairn(dir, env, 'import', 'sealed.jsonl', '--as', 'alice', '--seal-size', '5', '--no-seal');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--seal-size');
  }, 60_000);
});
