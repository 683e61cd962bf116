import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildStoreTemplate, storeFromTemplate, TEMPLATES_ENV } from './store-template.js';

let root: string;
let saved: string | undefined;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'cairn-template-spec-'));
  saved = process.env[TEMPLATES_ENV];
});
afterAll(async () => {
  if (saved === undefined) delete process.env[TEMPLATES_ENV];
  else process.env[TEMPLATES_ENV] = saved;
  await rm(root, { recursive: true, force: true });
});

/** A "store" that is a folder with one file, and the count of times it was built. */
function counted() {
  const built = { times: 0 };
  const build = async (store: string) => {
    built.times += 1;
    await mkdir(path.join(store, 'log'), { recursive: true });
    await writeFile(path.join(store, 'log', 'events'), 'e1\n');
    return { key: `k${built.times}`, bytes: [1, 2] };
  };
  return { built, build };
}

describe('storeFromTemplate', () => {
  it('given a run folder, when three tests ask for the same store, then it is built once and each gets its own copy and what the build answered', async () => {
    process.env[TEMPLATES_ENV] = path.join(root, 'run');
    await mkdir(process.env[TEMPLATES_ENV], { recursive: true });
    const { built, build } = counted();
    const [a, b, c] = [path.join(root, 'a'), path.join(root, 'b'), path.join(root, 'c')];
    await buildStoreTemplate('spec-store', build);
    const answers = [await storeFromTemplate('spec-store', a, build), await storeFromTemplate('spec-store', b, build)];
    await writeFile(path.join(a, 'log', 'events'), 'e1\ne2 written by a\n');
    answers.push(await storeFromTemplate('spec-store', c, build));
    expect(built.times).toBe(1);
    expect(answers).toEqual([0, 1, 2].map(() => ({ key: 'k1', bytes: [1, 2] })));
    // A copy's writes are its own: neither the other copies nor later ones see them.
    expect(await readFile(path.join(b, 'log', 'events'), 'utf8')).toBe('e1\n');
    expect(await readFile(path.join(c, 'log', 'events'), 'utf8')).toBe('e1\n');
    // Nothing half-built is left beside the template.
    expect(await readdir(process.env[TEMPLATES_ENV])).toEqual(['spec-store']);
  });

  it('given no run folder, when a test asks for a store, then it is built where the test wants it', async () => {
    delete process.env[TEMPLATES_ENV];
    const { built, build } = counted();
    const d = path.join(root, 'd');
    expect(await storeFromTemplate('spec-store', d, build)).toEqual({ key: 'k1', bytes: [1, 2] });
    expect(await storeFromTemplate('spec-store', path.join(root, 'e'), build)).toEqual({ key: 'k2', bytes: [1, 2] });
    expect(built.times).toBe(2);
    expect(await readFile(path.join(d, 'log', 'events'), 'utf8')).toBe('e1\n');
  });

  it('given a build that fails, then the caller sees its error and the next caller builds again', async () => {
    process.env[TEMPLATES_ENV] = path.join(root, 'run-2');
    await mkdir(process.env[TEMPLATES_ENV], { recursive: true });
    const { built, build } = counted();
    let fail = true;
    const flaky = async (store: string) => {
      if (fail) throw new Error('initdb failed');
      return build(store);
    };
    await expect(storeFromTemplate('flaky-store', path.join(root, 'f'), flaky)).rejects.toThrow('initdb failed');
    fail = false;
    expect(await storeFromTemplate('flaky-store', path.join(root, 'g'), flaky)).toEqual({ key: 'k1', bytes: [1, 2] });
    expect(built.times).toBe(1);
    expect(await readdir(process.env[TEMPLATES_ENV])).toEqual(['flaky-store']);
  });

  it('given a name that is not a plain folder name, then it refuses by saying what a name must be', async () => {
    process.env[TEMPLATES_ENV] = path.join(root, 'run');
    await expect(storeFromTemplate('../escape', path.join(root, 'h'), counted().build)).rejects.toThrow(/name must be lowercase words/);
  });
});
