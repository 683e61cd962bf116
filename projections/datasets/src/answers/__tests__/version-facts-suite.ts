// The facts a card, an export and the EU AI Act report are written from, read from the datasets
// tables through the given/when/then kit: given a small ledger cut into one version, then each
// answer names exactly the members, validations, exclusions, opt-outs and erasures it holds. Run
// on PGlite (version-facts.unit.spec.ts) and on Postgres (version-facts.int.spec.ts).
import { describe, expect, it } from '@jest/globals';
import { isLeft, left, type Either } from 'fp-ts/lib/Either.js';
import type { EventLog } from '@cairn/eventlog';
import type { Kysely } from 'kysely';
import type { ProjectionStore } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import {
  envelopeEvent,
  projectionSpecification,
  samplePayload,
  testContributorId,
  testDigest,
  labelPayload,
  validationPayload,
  type TestEnvelope,
} from '@cairn/projector';
import { manifestIdOf, manifestOf } from '../../testing/ledger.js';
import { datasetsProjection } from '../../projection.js';
import { lineageProjection } from '@cairn/lineage';
import { datasetBuilds } from '../versions.js';
import { manifestById, memberFacts, memberIds, memberKinds, validationStats, versionRuns } from '../version-facts.js';
import { versionCardFacts } from '../card-facts.js';
import { reportFacts } from '../report-facts.js';
import { datasetCounts } from '../dataset-counts.js';
import type { DatasetsDatabase } from '../../tables.js';

const right = <A>(e: Either<{ readonly message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const alice = testContributorId('alice');
const bob = testContributorId('bob');
const carol = testContributorId('carol');
const dave = testContributorId('dave');
const id = (e: TestEnvelope) => envelopeEvent(e).id;

const manifest = manifestOf({ minAgreement: 0.5 });
const manifestId = manifestIdOf(manifest);

// s1 and s3 are admitted; s2 fails the license policy, s4 is taken down, s5 is erased.
const s1: TestEnvelope = { type: 'SampleContributed', payload: samplePayload(1, { source: 'web' }), signer: alice };
const s2: TestEnvelope = {
  type: 'SampleContributed',
  payload: samplePayload(2, { source: 'web', license: 'GPL-3.0-only' }),
  signer: alice,
};
const s3: TestEnvelope = {
  type: 'SampleContributed',
  payload: samplePayload(3, {
    source: 'books',
    license: 'Apache-2.0',
    mediaType: 'image/png',
    size: 7,
    personalData: true,
    commitment: { scheme: 'hmac-sha256', value: testDigest('keyed-3'), keyId: 'k1' },
  }),
  signer: bob,
};
const s4: TestEnvelope = { type: 'SampleContributed', payload: samplePayload(4, { source: 'books' }), signer: bob };
const s5: TestEnvelope = { type: 'SampleContributed', payload: samplePayload(5, { source: 'web' }), signer: alice };
const label: TestEnvelope = { type: 'LabelContributed', payload: labelPayload([id(s1)], 'cat'), signer: bob };
const approve = (target: TestEnvelope, signer: string, seed: string): TestEnvelope => ({
  type: 'ValidationContributed',
  payload: validationPayload([id(target)], 'approve', { rationale: seed }),
  signer,
});
const rejectS1: TestEnvelope = { type: 'ValidationContributed', payload: validationPayload([id(s1)], 'reject'), signer: dave };
const scoreS1: TestEnvelope = {
  type: 'ValidationContributed',
  payload: { targets: [id(s1)], verdict: 'score', score: 0.8, rationale: 'mostly right' },
  signer: carol,
};
const takedown: TestEnvelope = { type: 'ContributionDeprecated', payload: { target: id(s4), reason: 'takedown' }, signer: bob };
const erase: TestEnvelope = { type: 'SampleErased', payload: { sample: id(s5), reason: 'GDPR article 17 request' }, signer: alice };
const defined: TestEnvelope[] = [
  { type: 'DatasetDefined', payload: { name: 'corpus' }, signer: carol },
  { type: 'ManifestDefined', payload: { manifest: manifest as never }, signer: carol },
];
const build: TestEnvelope = { type: 'DatasetBuildRequested', payload: { dataset: 'corpus', manifestId }, signer: carol };
// A run names the version it trained on; the projection records it whatever that version is.
const runOn = (runId: string, versionId: string): TestEnvelope => ({
  type: 'TrainingRunRecorded',
  payload: {
    runId,
    dataset: { name: 'corpus', versionId },
    codeVersion: 'git:abc',
    seeds: { data: 1 },
    hyperparameters: {},
    environment: {},
    modelHash: testDigest(`model-${runId}`),
  },
  signer: dave,
});
const OTHER_VERSION = testDigest('a version cut elsewhere');

const corpus: TestEnvelope[] = [
  s1,
  s2,
  s3,
  s4,
  s5,
  label,
  approve(s1, bob, 'a'),
  approve(s2, bob, 'b'),
  approve(s3, carol, 'c'),
  approve(s4, bob, 'd'),
  approve(s5, bob, 'e'),
  rejectS1,
  scoreS1,
  takedown,
  erase,
  ...defined,
  build,
];

/** The version the build request cut (later events may cut more). */
async function requestedVersion(db: Kysely<DatasetsDatabase>): Promise<string> {
  const builds = await datasetBuilds(db, 'corpus');
  const requested = builds.find((b) => b.cause === 'requested');
  if (requested === undefined) throw new Error('the build request cut no version');
  return requested.versionId;
}

export function versionFactsSuite(name: string, openStore: () => Promise<ProjectionStore>): void {
  const spec = projectionSpecification({ projections: [lineageProjection, datasetsProjection], store: openStore });

  describe(`version facts (${name})`, () => {
    it('given the corpus cut into one version, then its member facts carry the origin from the tables and the media type, size and personal-data mark from the signed payloads, in id order', () =>
      spec.given(corpus).then(async ({ db, log, events }) => {
        const v = await requestedVersion(db);
        const positionOf = new Map<string, bigint>(events.map((e) => [e.id, e.position]));
        const members = right(await memberFacts(db, log, v));
        const expected = [
          {
            cfId: id(s1),
            kind: 'sample',
            contributor: alice,
            source: 'web',
            license: 'MIT',
            commitment: testDigest('sample-bytes-1'),
            commitmentScheme: 'sha256',
            mediaType: 'text/plain',
            size: 1024,
            personalData: false,
            position: positionOf.get(id(s1)),
          },
          {
            cfId: id(s3),
            kind: 'sample',
            contributor: bob,
            source: 'books',
            license: 'Apache-2.0',
            commitment: testDigest('keyed-3'),
            commitmentScheme: 'hmac-sha256',
            mediaType: 'image/png',
            size: 7,
            personalData: true,
            position: positionOf.get(id(s3)),
          },
        ].sort((a, b) => (a.cfId < b.cfId ? -1 : 1));
        expect(members).toEqual(expected);
        expect(await memberIds(db, v)).toEqual(expected.map((m) => m.cfId));
        expect(await memberKinds(db, v)).toEqual([{ kind: 'sample', members: 2 }]);
        expect(await memberIds(db, testDigest('no such version'))).toEqual([]);
      }));

    it('given a log that cannot be read, then member facts are LogUnavailable, naming the log', () =>
      spec.given(corpus).then(async ({ db }) => {
        // memberFacts reads the log only by ids
        const broken = {
          readByIds: async () => left({ _tag: 'Unavailable' as const, message: 'connection reset' }),
        } as unknown as EventLog;
        const members = await memberFacts(db, broken, await requestedVersion(db));
        expect(isLeft(members) && members.left).toMatchObject({
          _tag: 'LogUnavailable',
          message: expect.stringContaining('reading members from the log failed'),
        });
      }));

    it('given approvals, a rejection and a score on members (and approvals on CFs left out), then the validation statistics count only those on members', () =>
      spec.given(corpus).then(async ({ db }) => {
        const v = await requestedVersion(db);
        // on members: s1 approved by bob, rejected by dave, scored 0.8 by carol; s3 approved by carol
        expect(await validationStats(db, v, 2)).toEqual({
          validations: 4,
          approvals: 2,
          rejections: 1,
          scores: 1,
          meanScore: 0.8,
          validators: 3,
          membersValidated: 2,
        });
      }));

    it('given the corpus, then the card facts hold the origin, kinds, licenses, validation and manifest of the version, and an unknown version is VersionNotFound', () =>
      spec.given(corpus).then(async ({ db }) => {
        const v = await requestedVersion(db);
        const card = right(await versionCardFacts(db, v));
        expect(card.origin.version).toMatchObject({ versionId: v, dataset: 'corpus', manifestId, memberCount: 2 });
        expect(card.kinds).toEqual([{ kind: 'sample', members: 2 }]);
        expect(card.licenses.licenses).toEqual(['Apache-2.0', 'MIT']);
        expect(card.validation.validations).toBe(4);
        expect(card.manifest).toEqual(manifest);
        expect(card.erased).toEqual([]);
        expect(await manifestById(db, testDigest('no such manifest'))).toBeNull();
        const unknown = await versionCardFacts(db, testDigest('no such version'));
        expect(isLeft(unknown) && unknown.left._tag).toBe('VersionNotFound');
      }));

    it('given a take-down and an erasure before the cut, then the report facts name sources with their licenses, exclusions by rule, the opt-out, the erasure and the media types', () =>
      spec.given(corpus).then(async ({ db, log }) => {
        const v = await requestedVersion(db);
        expect(right(await reportFacts(db, log, v))).toEqual({
          sources: [
            { source: 'books', members: 1, licenses: ['Apache-2.0'] },
            { source: 'web', members: 1, licenses: ['MIT'] },
          ],
          exclusions: [
            { rule: 'deprecated', cfs: 1 },
            { rule: 'erased', cfs: 1 },
            { rule: 'license', cfs: 1 },
          ],
          deprecations: [{ reason: 'takedown', cfs: 1 }],
          erasures: 1,
          mediaTypes: [
            { mediaType: 'image/png', members: 1 },
            { mediaType: 'text/plain', members: 1 },
          ],
          personalDataMembers: 1,
        });
      }));

    it('given a take-down and an erasure after the cut, then the report of the version counts neither', () =>
      spec
        .given([...corpus.filter((e) => e !== takedown && e !== erase)])
        .when([takedown, erase])
        .then(async ({ db, log }) => {
          const v = await requestedVersion(db);
          const facts = right(await reportFacts(db, log, v));
          expect(facts.deprecations).toEqual([]);
          expect(facts.erasures).toBe(0);
        }));

    it('given runs on the version and on another, then versionRuns lists each version’s own runs in log order', () =>
      spec
        .given(corpus)
        .when([runOn('run-b', OTHER_VERSION), runOn('run-a', OTHER_VERSION)])
        .then(async ({ db, idOf, events }) => {
          const n = events.length;
          expect(await versionRuns(db, OTHER_VERSION)).toEqual([
            { runId: 'run-b', modelHash: testDigest('model-run-b'), eventId: idOf(n - 2) },
            { runId: 'run-a', modelHash: testDigest('model-run-a'), eventId: idOf(n - 1) },
          ]);
          expect(await versionRuns(db, await requestedVersion(db))).toEqual([]);
        }));

    it('given one dataset cut once, then datasetCounts counts one dataset and one version', () =>
      spec.given(corpus).then(async ({ db }) => {
        expect(await datasetCounts(db)).toEqual({ datasets: 1, versions: 1 });
      }));
  });
}
