// A small attribution scenario for the specs: samples by three contributors from two sources, a
// "class" label on each, an asset, a training run, and train / query gradient artifacts (seeded
// random float32, n = 200 train rows, d = 64) stored in an in-memory artifact store.
import { matrixF32, seededRng, writeNpy, type MatrixF32 } from '@cairn/kernel';
import type { JsonValue } from '@cairn/eventlog';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import { envelopeEvent, samplePayload, testContributorId, testDigest, type TestEnvelope } from '@cairn/projector';
import type { ArtifactStore } from '../artifact-store.js';

export const TRAIN_ROWS = 200;
export const QUERY_ROWS = 12;
export const DIMS = 64;
export const RUN_ID = 'run-1';
export const VERSION_ID = testDigest('corpus-v1');
export const SETTINGS = { projectedDim: 32, seed: 7, ridge: 0.01, topK: 5, labelType: 'class', knnK: 3 };
export const CONTRIBUTORS = ['ada', 'grace', 'alan'].map((name) => testContributorId(name));
export const SOURCES = ['https://example.org/a', 'https://example.org/b'];

export function randomMatrix(rows: number, cols: number, seed: number): MatrixF32 {
  const rng = seededRng(seed);
  return matrixF32(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
  );
}

export interface Scenario {
  readonly events: TestEnvelope[];
  readonly trainCfs: string[];
  readonly queryCfs: string[];
  readonly train: MatrixF32;
  readonly query: MatrixF32;
  readonly trainHash: string;
  readonly queryHash: string;
  readonly assetId: string;
}

const idOf = (e: TestEnvelope) => envelopeEvent(e).id;

/** Samples, labels, an asset of the even samples and a run: the facts before any gradients. */
export async function givenRun(artifacts: ArtifactStore, settings: { readonly [key: string]: JsonValue } = SETTINGS): Promise<Scenario> {
  const events: TestEnvelope[] = [];
  const sample = (i: number, split: string) => {
    const e: TestEnvelope = {
      type: 'SampleContributed',
      payload: samplePayload(`${split}-${i}`, { source: SOURCES[i % 2]!, license: i % 3 === 0 ? 'Apache-2.0' : 'MIT' }),
      signer: CONTRIBUTORS[i % 3]!,
    };
    events.push(e);
    return idOf(e);
  };
  const trainCfs = Array.from({ length: TRAIN_ROWS }, (_, i) => sample(i, 'train'));
  const queryCfs = Array.from({ length: QUERY_ROWS }, (_, i) => sample(i, 'query'));
  [...trainCfs, ...queryCfs].forEach((cf, i) => {
    events.push({
      type: 'LabelContributed',
      payload: { targets: [cf], labelType: 'class', value: i % 4 === 0 ? 'cat' : 'dog' },
      signer: CONTRIBUTORS[(i + 1) % 3]!,
    });
  });
  const asset: TestEnvelope = {
    type: 'AssetAssembled',
    payload: {
      name: 'even-rows',
      members: trainCfs.filter((_, i) => i % 2 === 0),
      transformations: [{ kind: 'filter', params: { every: 2 } }],
    },
    signer: CONTRIBUTORS[0]!,
  };
  events.push(asset);
  events.push(runEvent(settings));
  const train = randomMatrix(TRAIN_ROWS, DIMS, 11);
  const query = randomMatrix(QUERY_ROWS, DIMS, 12);
  const trainHash = await artifacts.put(writeNpy(train));
  const queryHash = await artifacts.put(writeNpy(query));
  return { events, trainCfs, queryCfs, train, query, trainHash, queryHash, assetId: idOf(asset) };
}

export function runEvent(settings: { readonly [key: string]: JsonValue }): TestEnvelope {
  return {
    type: 'TrainingRunRecorded',
    payload: {
      runId: RUN_ID,
      dataset: { name: 'corpus', versionId: VERSION_ID },
      codeVersion: 'git:abc123',
      seeds: { data: 1 },
      hyperparameters: { lr: 0.1, attribution: settings },
      environment: { torch: '2.3.0' },
      modelHash: testDigest('model'),
    },
    signer: CONTRIBUTORS[0]!,
  };
}

export function gradientsEvent(
  split: 'train' | 'query',
  contentHash: string,
  rowMap: readonly string[],
  rows = rowMap.length,
  dims = DIMS,
): TestEnvelope {
  return {
    type: 'GradientsRecorded',
    payload: { runId: RUN_ID, split, artifact: { contentHash, format: 'npy', rows, dims, dtype: 'float32' }, rowMap: [...rowMap] },
    signer: CONTRIBUTORS[0]!,
  };
}
