// record-gradients --kind / --weights and attribute --top all --out on the embedded store, through
// the built program's main() in the process kept for this file (cli-run.ts cairnHere): a run whose
// train rows are output gradients with weights, its answer saying how to read a score, the full
// score matrix streamed to a .npy, and refusals that name the flag.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { matrixF32, readNpy, writeNpy } from '@cairn/kernel';
import { cairnHere as cairn, cairnJsonHere as cairnJson } from './__tests__/cli-run.js';
import { initStore } from './__tests__/init-store.js';

const ROWS = 6;
const DIMS = 16;

function matrix(rows: number, cols: number, seed: number) {
  let s = seed;
  return matrixF32(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5)),
  );
}

/** A 1-D float32 .npy, as np.save writes a weight vector. */
function vectorNpy(values: readonly number[]): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${values.length},), }`;
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + values.length * 4);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  values.forEach((v, i) => out.writeFloatLE(v, 10 + header.length + i * 4));
  return new Uint8Array(out);
}

interface AttributeJson {
  trainKind: string | null;
  estimator: string;
  queries: { top: { score: number; trainRow: number }[] }[];
}
interface MatrixJson {
  topK: string;
  trainKind: string | null;
  rows: number;
  cols: number;
  columns: string[];
  out: string;
}

describe('record-gradients --kind --weights, attribute --top all (embedded store)', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const run = <T = Record<string, unknown>>(...args: string[]) => cairnJson<T>(dir, env, ...args);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-kinds-'));
    env = { CAIRN_STORE: path.join(dir, '.cairn') };
    await initStore(dir, env);
    await run('keys', 'new', 'alice');
    const rows = Array.from({ length: ROWS }, (_, i) => ({ id: `s${i}`, text: `sample number ${i}`, source: 'common' }));
    await writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    await run('import', 'rows.jsonl', '--as', 'alice', '--license', 'MIT');
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } }));
    const { manifestId } = await run<{ manifestId: string }>('manifest', 'define', 'manifest.json', '--as', 'alice');
    await run('dataset', 'define', 'corpus', '--as', 'alice');
    await run('dataset', 'build', 'corpus', '--manifest', manifestId, '--as', 'alice');
    await writeFile(path.join(dir, 'train.npy'), writeNpy(matrix(ROWS, DIMS, 1)));
    await writeFile(path.join(dir, 'query.npy'), writeNpy(matrix(ROWS, DIMS, 2)));
    await writeFile(path.join(dir, 'w.npy'), vectorNpy([0.5, -1, 2, 1, -0.25, 3]));
    await writeFile(path.join(dir, 'w-short.npy'), vectorNpy([1, 2]));
    await writeFile(path.join(dir, 'p.json'), JSON.stringify({ attribution: { projectedDim: 8, topK: 3 } }));
    await run(
      'record-run',
      '--dataset',
      'corpus@1',
      '--code',
      'git:abc',
      '--params',
      'p.json',
      '--model-hash',
      'a'.repeat(64),
      '--run-id',
      'r1',
    );
  }, 240_000);

  /** Train gradients of r1 over corpus@1's members, of `kind`, with `weights`: the command's result, refused or not. */
  const recordTrain = (kind: string, weights: string) =>
    cairn(
      dir,
      env,
      'record-gradients',
      'r1',
      '--split',
      'train',
      '--file',
      'train.npy',
      '--rows-from',
      'corpus@1',
      '--kind',
      kind,
      '--weights',
      weights,
    );

  it('given weights without --kind output-gradients, when recorded, then it is refused naming --weights', async () => {
    const r = await recordTrain('loss-gradients', 'w.npy');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--weights');
    expect(r.stderr).toContain('only with --split train --kind output-gradients');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('given two weights for six rows, when recorded, then it is refused naming --weights and both counts', async () => {
    const r = await recordTrain('output-gradients', 'w-short.npy');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--weights');
    expect(r.stderr).toContain('2 weights for 6 rows');
  }, 60_000);

  it('given train output gradients with weights and query output gradients, when attributed, then the answer names the kind, and --top all writes the whole matrix whose rows hold the top-k', async () => {
    const train = await run<{ kind: string; weights: { rows: number } | null }>(
      'record-gradients',
      'r1',
      '--split',
      'train',
      '--file',
      'train.npy',
      '--rows-from',
      'corpus@1',
      '--kind',
      'output-gradients',
      '--weights',
      'w.npy',
    );
    expect(train.kind).toBe('output-gradients');
    expect(train.weights?.rows).toBe(ROWS);
    await run('record-gradients', 'r1', '--split', 'query', '--file', 'query.npy', '--rows-from', 'corpus@1', '--kind', 'output-gradients');
    const top = await run<AttributeJson>('attribute', 'r1', '--queries', 'query.npy', '--top', '2');
    expect(top.trainKind).toBe('output-gradients');
    expect(top.estimator).toMatch(/positive score means including the CF raises the query output/);
    const full = await run<MatrixJson>('attribute', 'r1', '--queries', 'query.npy', '--top', 'all', '--out', 'scores.npy');
    expect(full).toMatchObject({ topK: 'all', trainKind: 'output-gradients', rows: ROWS, cols: ROWS, out: 'scores.npy' });
    expect(full.columns).toHaveLength(ROWS);
    const scores = readNpy(new Uint8Array(await readFile(path.join(dir, 'scores.npy'))));
    if (E.isLeft(scores)) throw new Error(scores.left.reason);
    expect([scores.right.rows, scores.right.cols]).toEqual([ROWS, ROWS]);
    top.queries.forEach((q, qi) => q.top.forEach((t) => expect(scores.right.data[qi * ROWS + t.trainRow]).toBe(t.score)));
    const text = await cairn(dir, env, 'attribute', 'r1', '--queries', 'query.npy');
    expect(text.stdout).toContain('positive = including the CF raises the query output');
    const noOut = await cairn(dir, env, 'attribute', 'r1', '--queries', 'query.npy', '--top', 'all');
    expect(noOut.code).not.toBe(0);
    expect(noOut.stderr).toContain('--out');
  }, 240_000);
});
