// Properties over generated events: every valid event decodes to itself, has a canonical
// form, and satisfies the generated JSON Schema; no input makes decoding throw.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { canonicalize } from '@cairn/core';
import { CF_EVENT_TYPES, EVENT_TYPES, type EventType } from './catalogue.js';
import { decodeEvent, formatDecodeFailure } from './decode/decode.js';
import { jsonSchemaDocuments } from './json-schema/documents.js';
import { isStorableText } from './primitives/text.js';
import { JsonValue } from './primitives/json-value.js';

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const id = hex(32);
const text = fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }).filter((s) => /\S/.test(s) && isStorableText(s));
const nat = fc.nat();
const probability = fc.double({ min: 0, max: 1, noNaN: true });
const slug = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._-]{0,10}[a-z0-9])?$/);
const distinctIds = (min: number) => fc.uniqueArray(id, { minLength: min, maxLength: 4 });
// fc.jsonValue also yields integers beyond 2^53, which have no canonical form and are (rightly) refused.
const json = (maxDepth: number) => fc.jsonValue({ maxDepth }).filter((v) => JsonValue.is(v));
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), json(2), { maxKeys: 4 });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const license = fc.constantFrom(
  'MIT',
  'Apache-2.0',
  'MIT OR Apache-2.0',
  'GPL-2.0-only WITH Classpath-exception-2.0',
  'CC-BY-4.0 AND MIT',
  'LicenseRef-internal',
);

/** Drops optional fields the generator chose to leave out (JSON has no undefined). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const record = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) => fc.record(shape).map(compact);

const commitment = fc.oneof(
  record({ scheme: fc.constant('sha256'), value: id }),
  record({ scheme: fc.constant('hmac-sha256'), value: id, keyId: text }),
);

const manifest = record({
  candidates: record({
    kinds: fc.uniqueArray(fc.constantFrom('sample', 'label'), { minLength: 1 }),
    sources: fc.oneof(fc.constant('any'), fc.uniqueArray(text, { minLength: 1, maxLength: 3 })),
    assets: fc.oneof(fc.constant('any'), distinctIds(1)),
  }),
  minApprovals: record({ count: fc.nat(5), scope: fc.constantFrom('sample', 'labels', 'either') }),
  minAgreement: probability,
  scoreThreshold: probability,
  labels: record({ required: fc.uniqueArray(text, { maxLength: 3 }) }),
  licensePolicy: record({ allowed: fc.uniqueArray(fc.constantFrom('MIT', 'Apache-2.0', 'LicenseRef-x'), { minLength: 1 }) }),
  dedup: fc.constantFrom('content-commitment', 'none'),
  excludeDeprecated: fc.boolean(),
});

const payloads: { [TType in EventType]: fc.Arbitrary<unknown> } = {
  ContributorRegistered: record({ publicKey: id, name: text }),
  ContributorKeyRotated: record({ newPublicKey: id }),
  ContributorKeyRevoked: record({ publicKey: id, reason: fc.constantFrom('compromised', 'retired', 'lost', 'other'), note: opt(text) }),
  ContributorRoleGranted: fc.oneof(
    record({ contributor: id, role: fc.constantFrom('curator', 'admin', 'reader', 'steward') }),
    record({ contributor: id, role: fc.constant('maintainer'), dataset: fc.constantFrom('corpus', 'wdbc', 'a-b.c_1') }),
  ),
  ContributorRoleRevoked: fc.oneof(
    record({ contributor: id, role: fc.constantFrom('curator', 'admin', 'reader', 'steward'), note: opt(text) }),
    record({ contributor: id, role: fc.constant('maintainer'), dataset: fc.constantFrom('corpus', 'wdbc'), note: opt(text) }),
  ),
  SampleContributed: fc
    .record({
      commitment,
      mediaType: fc.constantFrom('text/plain', 'image/png', 'application/vnd.apache.arrow.file', 'audio/x-wav'),
      size: nat,
      license,
      source: text,
      personalData: opt(fc.boolean()),
      amends: opt(id),
      supersedes: opt(id),
      attributes: opt(jsonObject),
    })
    .map(compact)
    .map((s) => (s.personalData === true && s.commitment.scheme !== 'hmac-sha256' ? { ...s, personalData: false } : s)),
  LabelContributed: record({
    targets: distinctIds(1),
    labelType: text,
    value: json(3),
    rationale: opt(text),
    amends: opt(id),
    supersedes: opt(id),
  }),
  ValidationContributed: fc
    .record({
      targets: distinctIds(1),
      verdict: fc.constantFrom('approve', 'reject', 'score'),
      rationale: text,
      score: probability,
      evidence: opt(fc.array(record({ description: text, uri: opt(text), contentHash: opt(id) }), { maxLength: 2 })),
      amends: opt(id),
    })
    .map((v) => compact(v.verdict === 'score' ? v : { ...v, score: undefined })),
  ContributionDeprecated: record({
    target: id,
    reason: fc.constantFrom('dispute', 'takedown', 'erasure', 'quality', 'other'),
    note: opt(text),
  }),
  AssetAssembled: record({
    name: text,
    members: distinctIds(1),
    transformations: fc.array(
      record({ kind: fc.constantFrom('filter', 'dedup', 'redaction', 'other'), params: jsonObject, description: opt(text) }),
      { maxLength: 3 },
    ),
  }),
  ManifestDefined: record({ manifest }),
  DatasetDefined: record({ name: slug, description: opt(text) }),
  DatasetBuildRequested: record({ dataset: slug, manifestId: id }),
  TrainingRunRecorded: record({
    runId: slug,
    dataset: record({ name: slug, versionId: id }),
    codeVersion: text,
    seeds: fc.dictionary(text, nat, { maxKeys: 3 }),
    hyperparameters: jsonObject,
    environment: fc.dictionary(text, text, { maxKeys: 3 }),
    modelHash: id,
    batchRoots: opt(fc.array(id, { maxLength: 3 })),
  }),
  GradientsRecorded: fc.array(id, { minLength: 1, maxLength: 5 }).chain((rowMap) =>
    record({
      runId: slug,
      split: fc.constantFrom('train', 'query'),
      artifact: record({
        contentHash: id,
        format: fc.constantFrom('npy', 'arrow'),
        rows: fc.constant(rowMap.length),
        dims: fc.integer({ min: 1, max: 4096 }),
        dtype: fc.constant('float32'),
      }),
      rowMap: fc.constant(rowMap),
    }),
  ),
  SampleErased: record({ sample: id, reason: text }),
  LogCheckpointed: fc
    .nat()
    .chain((size) =>
      fc.oneof(
        record({ size: fc.constant(size), root: id }),
        record({ size: fc.constant(size), root: id, previousSize: fc.nat(size), consistencyProof: opt(fc.array(id, { maxLength: 4 })) }),
      ),
    ),
  BatchSealed: record({ root: id, count: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }) }),
};

const validEvent = fc
  .constantFrom(...EVENT_TYPES)
  .chain((type) =>
    (CF_EVENT_TYPES as readonly string[]).includes(type)
      ? fc.oneof(
          fc.record({ type: fc.constant(type), payload: payloads[type], signer: id, signature: hex(64) }),
          fc.record({ type: fc.constant(type), payload: payloads[type], signer: id, seal: fc.record({ id, index: fc.nat() }) }),
        )
      : fc.record({ type: fc.constant(type), payload: payloads[type], signer: id, signature: hex(64) }),
  );

const ajv = new Ajv2020({ strict: true, strictRequired: false });
for (const doc of jsonSchemaDocuments()) ajv.addSchema(doc.schema);
const schemaAccepts = ajv.getSchema('urn:cairn:schema:v1:CairnEvent')!;

describe('generated events', () => {
  it('given any valid event, then it decodes to itself, has a canonical form and satisfies the JSON Schema', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const decoded = decodeEvent(event);
        if (E.isLeft(decoded)) throw new Error(formatDecodeFailure(decoded.left));
        expect(decoded.right).toBe(event);
        expect(E.isRight(canonicalize({ payload: event.payload, signer: event.signer } as never))).toBe(true);
        expect(schemaAccepts(event)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('given any valid event with one extra payload field, then exactly that field is reported', () => {
    fc.assert(
      fc.property(validEvent, fc.constantFrom('licence', 'extra', 'targetz'), (event, field) => {
        const bad = { ...event, payload: { ...(event.payload as object), [field]: 1 } };
        const decoded = decodeEvent(bad);
        expect(E.isLeft(decoded) && decoded.left.problems.map((p) => p.message)).toEqual([
          `${event.type}.payload: unexpected field "${field}"`,
        ]);
        expect(schemaAccepts(bad)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('given any input at all, then decoding never throws and a failure always says something', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          validEvent.map((e) => ({ ...e, payload: { ...(e.payload as object), size: fc.sample(fc.anything(), 1)[0] } })),
        ),
        (u) => {
          const decoded = decodeEvent(u);
          if (E.isLeft(decoded)) {
            expect(decoded.left.problems.length).toBeGreaterThan(0);
            for (const p of decoded.left.problems) expect(p.message).toMatch(/^(\w+(\.|\[|:)|unknown event type )/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
