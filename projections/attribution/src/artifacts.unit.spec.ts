import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { matrixF32, writeNpy } from '@cairn/kernel';
import { sha256Hex } from '@cairn/core';
import { createFolderArtifactStore, createInMemoryArtifactStore } from './artifact-store.js';
import { loadGradients, storeGradientArtifact } from './gradient-artifact.js';
import { attributionParamsOf, DEFAULT_ATTRIBUTION_PARAMS } from './params.js';

const npy = writeNpy(matrixF32(3, 2, Float32Array.of(1, 2, 3, 4, 5, 6.5)));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('artifact stores', () => {
  it('given a folder store, when a .npy is stored, then it lives at <dir>/artifacts/<sha256>.npy and reads back checked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-artifacts-'));
    dirs.push(dir);
    const store = createFolderArtifactStore(dir);
    const stored = await storeGradientArtifact(store, npy);
    if (isLeft(stored)) throw new Error(stored.left.reason);
    expect(stored.right).toEqual({ contentHash: sha256Hex(npy), rows: 3, dims: 2 });
    const path = join(dir, 'artifacts', `${stored.right.contentHash}.npy`);
    expect(new Uint8Array(await readFile(path))).toEqual(npy);
    expect(await store.put(npy)).toBe(stored.right.contentHash);
    const loaded = await loadGradients(store, stored.right);
    expect(isRight(loaded) && Array.from(loaded.right.data)).toEqual([1, 2, 3, 4, 5, 6.5]);

    const damaged = Uint8Array.from(npy);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
    await writeFile(path, damaged);
    const corrupt = await store.get(stored.right.contentHash);
    expect(isLeft(corrupt) && corrupt.left._tag).toBe('ArtifactCorrupt');
    const missing = await store.get('cd'.repeat(32));
    expect(isLeft(missing) && missing.left._tag).toBe('ArtifactMissing');
  });

  it('given bytes that are not a float32 .npy, when stored as gradients, then the field is named and nothing is stored', async () => {
    const store = createInMemoryArtifactStore();
    const bad = await storeGradientArtifact(store, new TextEncoder().encode('not numpy'));
    expect(isLeft(bad) && bad.left.field).toBe('magic');
    expect(store.bytes.size).toBe(0);
  });

  it('given a stored artifact, when the log recorded another shape, then loading names the field and both numbers', async () => {
    const store = createInMemoryArtifactStore();
    const contentHash = await store.put(npy);
    const loaded = await loadGradients(store, { contentHash, rows: 3, dims: 4 });
    expect(isLeft(loaded) && loaded.left.message).toBe(`artifact ${contentHash} has 2 dims, the GradientsRecorded event says 4`);
  });
});

describe('attribution settings of a run', () => {
  it('given no settings, when decoded, then the defaults apply and the seed comes from seeds.attribution', () => {
    const params = attributionParamsOf({ lr: 0.1 }, { attribution: 42 });
    expect(isRight(params) && params.right).toEqual({ ...DEFAULT_ATTRIBUTION_PARAMS, seed: 42, labelType: null });
  });

  it('given a bad field, when decoded, then the error names it', () => {
    const params = attributionParamsOf({ attribution: { projectedDim: 0 } }, {});
    expect(isLeft(params) && params.left).toBe('hyperparameters.attribution.projectedDim: expected an integer from 1 to 8192, got 0');
    const seed = attributionParamsOf({}, { attribution: 2 ** 40 });
    expect(isLeft(seed) && seed.left).toMatch(/^seeds.attribution: /);
  });
});
