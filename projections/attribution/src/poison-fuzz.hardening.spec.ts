// Cairn hardening #13, item 3, as a property: whatever decodable events reach the log, written
// straight into it as an older writer would (NULs in nested JSON, very long strings, unicode edge
// cases, odd numbers, references to nothing), every projection catches up to the head, the queries
// answer, and a rebuild with another batch size gives the same tables and the same failure records.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { isLeft, isRight, right } from 'fp-ts/lib/Either.js';
import { canonicalize } from '@cairn/core';
import { createInMemoryEventLog, type JsonValue } from '@cairn/eventlog';
import { isWellFormedText, type CairnEvent } from '@cairn/schemas';
import { datasetVersionsAsOf, readVersion, whereFromCf } from '@cairn/datasets';
import { createInMemoryArtifactStore } from './artifact-store.js';
import { createAttributionProjection } from './projection.js';
import { cfFactsFromLog } from './cf-facts.js';
import { contentIdOf } from '@cairn/assembly';
import { LiveIndexes } from '@cairn/datasets';
import { createDatasetsProjection } from '@cairn/datasets';
import { history, trace } from '@cairn/lineage';
import { lineageProjection } from '@cairn/lineage';
import { canonicalDump } from '@cairn/projector';
import { openProjectionStore } from '@cairn/projector';
import { envelopeEvent, testContributorId, type TestEnvelope } from '@cairn/projector';
import { testDigest } from '@cairn/projector';
import { appendRequestFor } from '@cairn/projector';
import type { EventDecoder } from '@cairn/projector';
import { createProjectionRunner } from '@cairn/projector';

type Json = JsonValue;

// Text an older schema accepted: something non-blank, well-formed UTF-16, NUL allowed.
const edges = [
  '\u0000',
  'a\u0000b',
  '😀',
  'e\u0301',
  '\u202Eevil',
  '\uFEFF',
  '\uFFFF',
  '\u2028',
  '\\',
  '"',
  "'; drop table x; --",
  '\u{10FFFF}',
  'x'.repeat(4000),
  '界'.repeat(3000),
];
const text = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
    fc.constantFrom(...edges),
    fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom(...edges), fc.string({ maxLength: 4 })).map(([a, b, c]) => a + b + c),
  )
  .filter((s) => /\S/.test(s) && isWellFormedText(s));
const oddNumber = fc.constantFrom(
  -0,
  5e-324,
  1.7976931348623157e308,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  0.1 + 0.2,
  1e21,
  1e-7,
  0,
);
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    oddNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const jsonObject = fc.dictionary(text, json, { maxKeys: 3 });
const slug = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._-]{0,6}[a-z0-9])?$/);
const pick = fc.nat(1000);

type Step =
  | {
      readonly kind: 'sample';
      readonly source: string;
      readonly size: number;
      readonly attributes: Json | null;
      readonly amends: number | null;
      readonly personal: boolean;
    }
  | { readonly kind: 'label'; readonly target: number; readonly labelType: string; readonly value: Json; readonly rationale: string | null }
  | {
      readonly kind: 'validation';
      readonly target: number;
      readonly verdict: 'approve' | 'reject' | 'score';
      readonly score: number;
      readonly rationale: string;
    }
  | { readonly kind: 'deprecate'; readonly target: number; readonly note: string | null }
  | { readonly kind: 'asset'; readonly members: readonly number[]; readonly name: string; readonly params: Json }
  | { readonly kind: 'manifest'; readonly sources: readonly string[] | null; readonly labels: readonly string[] }
  | { readonly kind: 'dataset'; readonly name: string; readonly description: string | null }
  | { readonly kind: 'build'; readonly dataset: string; readonly manifest: number | null }
  | {
      readonly kind: 'run';
      readonly runId: string;
      readonly hyperparameters: Json;
      readonly environment: Json;
      readonly codeVersion: string;
    };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('sample' as const),
      source: text,
      size: fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER),
      attributes: fc.option(jsonObject, { nil: null }),
      amends: fc.option(pick, { nil: null }),
      personal: fc.boolean(),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('label' as const),
      target: pick,
      labelType: text,
      value: json,
      rationale: fc.option(text, { nil: null }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('validation' as const),
      target: pick,
      verdict: fc.constantFrom('approve' as const, 'reject' as const, 'score' as const),
      score: fc.constantFrom(0, 1, 5e-324, 0.5, 1 - 2 ** -53),
      rationale: text,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('deprecate' as const), target: pick, note: fc.option(text, { nil: null }) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('asset' as const),
      members: fc.array(pick, { minLength: 1, maxLength: 3 }),
      name: text,
      params: jsonObject,
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('manifest' as const),
      sources: fc.option(fc.uniqueArray(text, { minLength: 1, maxLength: 2 }), { nil: null }),
      labels: fc.uniqueArray(text, { maxLength: 2 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('dataset' as const), name: slug, description: fc.option(text, { nil: null }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('build' as const), dataset: slug, manifest: fc.option(pick, { nil: null }) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      runId: slug,
      hyperparameters: jsonObject,
      environment: fc.dictionary(text, text, { maxKeys: 2 }),
      codeVersion: text,
    }),
    weight: 1,
  },
);

const signers = ['ada', 'grace', 'alan'].map((n) => testContributorId(n));

/** Turns steps into envelopes; references pick among the events made so far (or name nothing). */
function envelopesOf(steps: readonly Step[]): TestEnvelope[] {
  const out: TestEnvelope[] = signers.map((signer, i) => ({
    type: 'ContributorRegistered',
    payload: { publicKey: testDigest(`key-${i}`), name: `c${i}` },
    signer,
  }));
  const cfs: string[] = [];
  const manifests: string[] = [];
  const ref = (n: number) => (cfs.length === 0 || n % 7 === 6 ? testDigest(`nothing-${n}`) : cfs[n % cfs.length]!);
  steps.forEach((s, i) => {
    const signer = signers[i % signers.length]!;
    let payload: { [key: string]: Json };
    let type: string;
    switch (s.kind) {
      case 'sample':
        type = 'SampleContributed';
        payload = {
          commitment: s.personal
            ? { scheme: 'hmac-sha256', value: testDigest(`b${i}`), keyId: 'k' }
            : { scheme: 'sha256', value: testDigest(`b${i % 5}`) },
          mediaType: 'text/plain',
          size: s.size,
          license: 'MIT',
          source: s.source,
          ...(s.personal ? { personalData: true } : {}),
          ...(s.attributes === null ? {} : { attributes: s.attributes }),
          ...(s.amends === null ? {} : { amends: ref(s.amends) }),
        };
        break;
      case 'label':
        type = 'LabelContributed';
        payload = {
          targets: [ref(s.target)],
          labelType: s.labelType,
          value: s.value,
          ...(s.rationale === null ? {} : { rationale: s.rationale }),
        };
        break;
      case 'validation':
        type = 'ValidationContributed';
        payload = {
          targets: [ref(s.target)],
          verdict: s.verdict,
          rationale: s.rationale,
          ...(s.verdict === 'score' ? { score: s.score } : {}),
        };
        break;
      case 'deprecate':
        type = 'ContributionDeprecated';
        payload = { target: ref(s.target), reason: 'quality', ...(s.note === null ? {} : { note: s.note }) };
        break;
      case 'asset':
        type = 'AssetAssembled';
        payload = { name: s.name, members: [...new Set(s.members.map(ref))], transformations: [{ kind: 'filter', params: s.params }] };
        break;
      case 'manifest': {
        type = 'ManifestDefined';
        const manifest = {
          candidates: { kinds: ['sample', 'label'], sources: s.sources === null ? 'any' : [...s.sources], assets: 'any' },
          minApprovals: { count: 0, scope: 'either' },
          minAgreement: 0,
          scoreThreshold: 0.5,
          labels: { required: [...s.labels] },
          licensePolicy: { allowed: ['MIT'] },
          dedup: 'content-commitment',
          excludeDeprecated: true,
        };
        manifests.push(contentIdOf('manifest', manifest as never));
        payload = { manifest };
        break;
      }
      case 'dataset':
        type = 'DatasetDefined';
        payload = { name: s.name, ...(s.description === null ? {} : { description: s.description }) };
        break;
      case 'build':
        type = 'DatasetBuildRequested';
        payload = {
          dataset: s.dataset,
          manifestId:
            s.manifest === null || manifests.length === 0 ? testDigest(`no-manifest-${i}`) : manifests[s.manifest % manifests.length]!,
        };
        break;
      case 'run':
        type = 'TrainingRunRecorded';
        payload = {
          runId: s.runId,
          dataset: { name: 'cats', versionId: testDigest(`v${i}`) },
          codeVersion: s.codeVersion,
          seeds: { data: Number.MAX_SAFE_INTEGER },
          hyperparameters: s.hyperparameters,
          environment: s.environment,
          modelHash: testDigest(`m${i}`),
        };
        break;
    }
    const envelope = { type, payload, signer };
    // Only what has a canonical form can have an id (the property's generators should not yield anything else).
    if (isLeft(canonicalize(payload as never))) return;
    out.push(envelope);
    if (type === 'SampleContributed' || type === 'LabelContributed' || type === 'ValidationContributed')
      cfs.push(envelopeEvent(envelope).id);
  });
  return out;
}

/** An older build's decoder: it let NULs through, so the database is what refuses them. */
const olderDecoder: EventDecoder = (data) => right(data as CairnEvent);

describe('hardening: no decodable event stops a projection (property)', () => {
  it('given random decodable events written straight into the log, when the runner catches up, then every projection reaches the head, the queries answer, and a rebuild with another batch size dumps the same tables and failure records', async () => {
    let rebuildNumber = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (steps, batchSize, older) => {
          const log = createInMemoryEventLog();
          const store = await openProjectionStore({ pglite: await PGlite.create() });
          try {
            for (const envelope of envelopesOf(steps)) await log.append(appendRequestFor(envelopeEvent(envelope))); // a repeated CF is refused: fine
            const projections = [
              lineageProjection,
              createDatasetsProjection({ liveIndexes: new LiveIndexes() }),
              createAttributionProjection({ artifacts: createInMemoryArtifactStore(), cfFacts: cfFactsFromLog(log) }),
            ];
            const decode = older ? { decode: olderDecoder } : {};
            const runner = createProjectionRunner({ log, store, projections, batchSize, ...decode });
            const caughtUp = await runner.runOnce();
            if (isLeft(caughtUp)) throw new Error(`a projection stopped: ${caughtUp.left.message}`);

            const head = await log.head();
            const status = await runner.status();
            if (isLeft(head) || isLeft(status)) throw new Error('status');
            for (const p of status.right.projections) expect([p.name, p.caughtUp, p.checkpoint]).toEqual([p.name, true, head.right]);

            const all = await log.readAll({});
            if (isLeft(all)) throw new Error('read');
            for (const e of all.right.filter((r) => r.type !== 'ContributorRegistered').slice(0, 6)) {
              // Each answers, as a value: found, or not found because its event was recorded as failed.
              expect(['Left', 'Right']).toContain((await history(store.db, e.id))._tag);
              expect(['Left', 'Right']).toContain((await trace(store.db, e.id))._tag);
              expect(['Left', 'Right']).toContain((await whereFromCf(store.db, e.id))._tag);
            }
            const datasets = await store.db.selectFrom('datasets_builds').select('dataset').distinct().execute();
            for (const { dataset } of datasets as { dataset: string }[]) {
              for (const build of await datasetVersionsAsOf(store.db, dataset))
                expect(isRight(await readVersion(store.db, build.versionId))).toBe(true);
            }

            const other = createProjectionRunner({ log, store, projections, batchSize: batchSize === 1 ? 1000 : 1, ...decode });
            for (const projection of projections) {
              const schema = `fuzz_rebuild_${(rebuildNumber += 1)}`;
              const rebuilt = await other.rebuild(projection.name, { schema });
              if (isLeft(rebuilt)) throw new Error(`rebuild of ${projection.name} stopped: ${rebuilt.left.message}`);
              expect(await canonicalDump(store.db, projection, { schema })).toBe(await canonicalDump(store.db, projection));
            }
          } finally {
            await store.close();
            await log.close();
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 600_000);
});
