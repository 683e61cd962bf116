// A valid payload of every event type, for docs and for other packages' tests to sign with
// core. Ids here are placeholders: they decode, but refer to nothing in a real log.
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type * as t from 'io-ts';
import { payloadCodecs, type EventType, type PayloadOf } from './catalogue.js';
import { Manifest } from './manifest/manifest.js';

const hex = (digit: string) => digit.repeat(64);

const MANIFEST = {
  candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
  minApprovals: { count: 2, scope: 'either' },
  minAgreement: 0.75,
  scoreThreshold: 0.5,
  labels: { required: ['class'] },
  licensePolicy: { allowed: ['MIT', 'Apache-2.0', 'CC-BY-4.0'] },
  dedup: 'content-commitment',
  excludeDeprecated: true,
};

const EXAMPLES: { readonly [TType in EventType]: unknown } = {
  ContributorRegistered: { publicKey: hex('1'), name: 'Ada Lovelace' },
  ContributorKeyRotated: { newPublicKey: hex('2') },
  ContributorKeyRevoked: { publicKey: hex('1'), reason: 'compromised', note: 'laptop stolen' },
  ContributorRoleGranted: { contributor: hex('c'), role: 'curator' },
  ContributorRoleRevoked: { contributor: hex('c'), role: 'curator' },
  SampleContributed: {
    commitment: { scheme: 'sha256', value: hex('a') },
    mediaType: 'text/plain',
    size: 1024,
    license: 'MIT OR Apache-2.0',
    source: 'https://example.org/corpus/42',
    attributes: { language: 'en' },
  },
  LabelContributed: { targets: [hex('a')], labelType: 'class', value: 'cat', rationale: 'whiskers and a tail' },
  ValidationContributed: { targets: [hex('a'), hex('b')], verdict: 'score', score: 0.9, rationale: 'label matches the image' },
  ContributionDeprecated: { target: hex('a'), reason: 'takedown', note: 'DMCA notice 2024-17' },
  AssetAssembled: {
    name: 'cats-v1',
    members: [hex('a'), hex('b')],
    transformations: [{ kind: 'dedup', params: { by: 'commitment' } }],
  },
  ManifestDefined: { manifest: MANIFEST },
  DatasetDefined: { name: 'cats', description: 'Cat pictures, reviewed.' },
  DatasetBuildRequested: { dataset: 'cats', manifestId: hex('d') },
  TrainingRunRecorded: {
    runId: 'run-2024-05-01',
    dataset: { name: 'cats', versionId: hex('e') },
    codeVersion: 'git:3f2a9c1',
    seeds: { data: 1, init: 42 },
    hyperparameters: { lr: 0.001, epochs: 3 },
    environment: { python: '3.11.9', torch: '2.3.0' },
    modelHash: hex('f'),
    batchRoots: [hex('0')],
  },
  GradientsRecorded: {
    runId: 'run-2024-05-01',
    split: 'train',
    artifact: { contentHash: hex('9'), format: 'npy', rows: 2, dims: 512, dtype: 'float32' },
    rowMap: [hex('a'), hex('b')],
  },
  SampleErased: { sample: hex('a'), reason: 'GDPR article 17 request' },
  LogCheckpointed: { size: 1000, root: hex('8'), previousSize: 900, consistencyProof: [hex('7')] },
  BatchSealed: { root: hex('9'), count: 1000 },
};

function decoded<A>(codec: t.Decoder<unknown, A>, raw: unknown): A {
  const result = codec.decode(structuredClone(raw));
  // An example that does not decode is a bug in this file, not an input error.
  if (isLeft(result)) throw new Error(`example for ${codec.name} does not decode: ${PathReporter.report(result).join('; ')}`);
  return result.right;
}

/** A valid payload of the given type; a fresh copy each call, so a test may mutate it. */
export function examplePayload<TType extends EventType>(type: TType): PayloadOf<TType> {
  return decoded(payloadCodecs[type] as unknown as t.Decoder<unknown, PayloadOf<TType>>, EXAMPLES[type]);
}

/** A complete, valid manifest; a fresh copy each call. */
export function exampleManifest(): Manifest {
  return decoded(Manifest, MANIFEST);
}
