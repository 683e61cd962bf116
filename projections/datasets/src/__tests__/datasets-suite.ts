// The datasets projection and every answer, as one specification run against any store (PGlite in
// the unit tier, Postgres in the integration tier), as the eventlog conformance suite does.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Sha256Hex } from '@cairn/core';
import { canonicalDump } from '@cairn/projector';
import { trace } from '@cairn/lineage';
import { sql } from 'kysely';
import type { ProjectionStore } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import { testDigest } from '@cairn/projector';
import { datasetBuilds, datasetVersionsAsOf } from '../answers/versions.js';
import { why, whyExcluded, whyIncluded } from '../answers/why.js';
import { whereFromCf, whereFromVersion } from '../answers/where-from.js';
import { diff } from '../answers/diff.js';
import { diffToMermaid, diffToText } from '../answers/diff-picture.js';
import { impact } from '../answers/impact.js';
import { inclusionProof } from '../answers/inclusion-proof.js';
import { licenses } from '../answers/licenses.js';
import { datasetsProjection } from '../projection.js';
import { asLineageHandle } from '../tables.js';
import { Ledger, manifestOf, verifyInclusionProof, who } from '../testing/ledger.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const manifest = manifestOf();
const MODEL = testDigest('model-weights');

/** The scenario every spec starts from: V1 of "corpus" = {s1, s6}. */
async function givenCorpus(ledger: Ledger): Promise<void> {
  await ledger.sample('s1', 'alice');
  await ledger.sample('s2', 'alice', { license: 'GPL-3.0-only' });
  await ledger.sample('s3', 'bob', {}, 's1');
  await ledger.sample('s5', 'bob');
  await ledger.sample('s6', 'alice');
  await ledger.sample('s7', 'erin');
  await ledger.label('l1', 'bob', ['s1']);
  await ledger.validate('v1', 'carol', ['s1'], 'approve');
  await ledger.validate('v2', 'dave', ['s1'], 'approve');
  await ledger.validate('v3', 'carol', ['s2'], 'approve');
  await ledger.validate('v4', 'carol', ['s3'], 'approve');
  await ledger.validate('v5', 'carol', ['s5'], 'approve');
  await ledger.validate('v6', 'dave', ['s5'], 'reject');
  await ledger.validate('v7', 'dave', ['s6'], 'approve');
  await ledger.asset('a1', 'curator', ['s1', 's6']);
  await ledger.dataset('corpus', manifest);
  await ledger.build('b1', 'corpus', manifest);
  await ledger.project();
}

/** Then: s1 amended (re-assembly), s1b approved, built again, s6 deprecated (re-assembly), a run on V1. */
async function whenItEvolves(ledger: Ledger, v1: string): Promise<void> {
  await ledger.sample('s1b', 'alice', { amends: ledger.id('s1') });
  await ledger.validate('v8', 'carol', ['s1b'], 'approve');
  await ledger.build('b2', 'corpus', manifest, 'second-curator');
  await ledger.deprecate('dep1', 'alice', 's6', 'dispute');
  await ledger.trainingRun('run-1', 'corpus', v1, MODEL);
  await ledger.project();
}

export function datasetsSuite(name: string, openStore: () => Promise<ProjectionStore>): void {
  describe(`datasets projection and answers (${name})`, () => {
    let store: ProjectionStore;
    let ledger: Ledger;
    beforeEach(async () => {
      store = await openStore();
      ledger = new Ledger(store);
    });
    afterEach(async () => {
      await store.close();
    });
    const versions = async () => (await datasetBuilds(store.db, 'corpus')).map((b) => b.versionId);

    it('given the corpus, when a build is requested, then the version holds exactly the samples every rule admits', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      const origin = right(await whereFromVersion(store.db, v1!));
      expect(origin.version.memberCount).toBe(2);
      expect(origin.build).toMatchObject({ cause: 'requested', causeEventId: ledger.id('b1'), position: ledger.position('b1') });
      expect(origin.contributors).toEqual([{ contributor: who('alice'), members: 2 }]);
      expect(origin.assets).toEqual([{ assetId: ledger.id('a1'), name: 'a1', members: 2 }]);
    });

    it('given a cut version, then the counts by contributor, source and license it stores equal a count of its members now', async () => {
      await givenCorpus(ledger);
      for (const v of await versions()) {
        const origin = right(await whereFromVersion(store.db, v));
        const counted = async (column: 'author' | 'source' | 'license') =>
          (
            await store.db
              .selectFrom('datasets_cfs')
              // the author is stored as its 32 bytes; the tallies name it by its hex
              .select((q) => [
                (column === 'author' ? sql<string>`encode(author, 'hex')` : sql<string | null>`${q.ref(column)}`).as('k'),
                q.fn.countAll<string>().as('n'),
              ])
              .where(
                'cf_id',
                'in',
                store.db
                  .selectFrom('datasets_members as m')
                  .innerJoin('datasets_versions as dv', 'dv.version_no', 'm.version_no')
                  .select('m.cf_id')
                  .where('dv.version_id', '=', v),
              )
              .groupBy(column)
              .orderBy((q) => q.fn.countAll(), 'desc')
              .orderBy(sql.ref(`datasets_cfs.${column}`))
              .execute()
          ).map((r) => [r.k ?? '(none)', Number(r.n)]);
        expect(origin.contributors.map((c) => [c.contributor, c.members])).toEqual(await counted('author'));
        expect(origin.sources.map((c) => [c.source, c.members])).toEqual(await counted('source'));
        expect(origin.licenses.map((c) => [c.license, c.members])).toEqual(await counted('license'));
        expect(origin.licenses.reduce((n, c) => n + c.members, 0)).toBe(origin.version.memberCount);
      }
    });

    it('why included: the approvals by id and position, and the license check', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      const why = right(await whyIncluded(store.db, ledger.id('s1'), v1!));
      expect(why.reason).toBe('included: approvals 2 >= 1, agreement 1.00 >= 0.66, license MIT allowed by [MIT, Apache-2.0]');
      expect(why.evidence?.approvals).toEqual([
        { validator: who('carol'), eventId: ledger.id('v1'), position: ledger.position('v1') },
        { validator: who('dave'), eventId: ledger.id('v2'), position: ledger.position('v2') },
      ]);
      expect(why.evidence?.labels).toEqual([{ eventId: ledger.id('l1'), position: ledger.position('l1') }]);
    });

    it('why excluded: the first failing rule of each excluded CF, with the numbers', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      const reason = async (cf: string) => {
        const w = right(await whyExcluded(store.db, ledger.id(cf), v1!));
        return `${w.rule}: ${w.reason}`;
      };
      expect(await reason('s2')).toBe('license: license GPL-3.0-only not satisfiable by [MIT, Apache-2.0]');
      expect(await reason('s3')).toBe(
        `dedup: duplicate of ${ledger.id('s1')} (commitment ${testDigest('bytes:s1')}, earlier at position ${ledger.position('s1')})`,
      );
      expect(await reason('s5')).toBe('minAgreement: agreement 0.50 < 0.66 (1 approve, 1 reject)');
      expect(await reason('s7')).toBe('minApprovals: approvals 0 < 1');
      expect(await reason('l1')).toBe('kind: kind label is not a candidate kind [sample]');
      const member = await whyExcluded(store.db, ledger.id('s1'), v1!);
      expect(isLeft(member) && member.left._tag).toBe('IsAMember');
      const notMember = await whyIncluded(store.db, ledger.id('s2'), v1!);
      expect(isLeft(notMember) && notMember.left.message).toContain('license GPL-3.0-only');
    });

    it("why: a member gets whyIncluded's answer and any other CF whyExcluded's, reading no more than whyExcluded alone", async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      // Counts the statements kysely sends through this handle.
      let statements = 0;
      const counted = store.db.withPlugin({
        transformQuery: (args) => {
          statements += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      const statementsOf = async <T>(read: () => Promise<T>): Promise<{ answer: T; statements: number }> => {
        statements = 0;
        const answer = await read();
        return { answer, statements };
      };
      const member = await statementsOf(() => why(counted, ledger.id('s1'), v1!));
      expect(member.answer).toEqual(await whyIncluded(store.db, ledger.id('s1'), v1!));
      for (const cf of ['s2', 's3', 's5', 's7', 'l1']) {
        const alone = await statementsOf(() => whyExcluded(counted, ledger.id(cf), v1!));
        const answered = await statementsOf(() => why(counted, ledger.id(cf), v1!));
        expect(answered.answer).toEqual(alone.answer);
        expect(answered.statements).toBe(alone.statements);
      }
      const unknown = await why(store.db, 'f'.repeat(64), v1!);
      expect(isLeft(unknown) && unknown.left._tag).toBe('CfNotFound');
      const noVersion = await why(store.db, ledger.id('s1'), 'e'.repeat(64));
      expect(isLeft(noVersion) && noVersion.left._tag).toBe('VersionNotFound');
    });

    it('re-assembly: an amended member and a deprecated member each cut a new version with the same manifest; old ones stay', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      await whenItEvolves(ledger, v1!);
      const builds = await datasetBuilds(store.db, 'corpus');
      expect(builds.map((b) => [b.cause, b.causeEventId])).toEqual([
        ['requested', ledger.id('b1')],
        ['amended', ledger.id('s1b')],
        ['requested', ledger.id('b2')],
        ['deprecated', ledger.id('dep1')],
      ]);
      expect(new Set(builds.map((b) => b.manifestId)).size).toBe(1);
      const [, v2, v3, v4] = builds.map((b) => b.versionId);
      expect(right(await whyExcluded(store.db, ledger.id('s1'), v2!)).reason).toBe(
        `amended by ${ledger.id('s1b')} at position ${ledger.position('s1b')}`,
      );
      // s1b has new content, so the reviews of s1 stay behind (and the reason says so)
      expect(right(await whyExcluded(store.db, ledger.id('s1b'), v2!)).reason).toBe(
        `approvals 0 < 1; 2 validations and 1 label of ${ledger.id('s1')} not carried (amended with new content)`,
      );
      expect(right(await whyIncluded(store.db, ledger.id('s1b'), v3!)).included).toBe(true);
      expect(right(await whyExcluded(store.db, ledger.id('s6'), v4!)).reason).toBe(
        `deprecated by ${ledger.id('dep1')} at position ${ledger.position('dep1')}: dispute`,
      );
      // the old version still answers
      expect(right(await whyIncluded(store.db, ledger.id('s6'), v1!)).included).toBe(true);
    });

    it('as of a position: the version current then, not now', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      await whenItEvolves(ledger, v1!);
      const then = await datasetVersionsAsOf(store.db, 'corpus', ledger.position('b1'));
      expect(then.map((b) => b.versionId)).toEqual([v1]);
      const now = await datasetVersionsAsOf(store.db, 'corpus');
      expect(now.map((b) => b.causeEventId)).toEqual([ledger.id('dep1')]);
      const s1Then = right(await whereFromCf(store.db, ledger.id('s1'), { asOf: ledger.position('b1') }));
      expect(s1Then.endedAt).toBeNull();
      const s1Now = right(await whereFromCf(store.db, ledger.id('s1')));
      expect(s1Now.endedAt).toBe(ledger.position('s1b'));
      const before = await whereFromCf(store.db, ledger.id('s1b'), { asOf: ledger.position('b1') });
      expect(isLeft(before) && before.left._tag).toBe('CfNotFound');
    });

    it('where from: CF → contributor, source, license, assets and versions', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      const origin = right(await whereFromCf(store.db, ledger.id('s6')));
      expect(origin).toMatchObject({
        contributor: who('alice'),
        source: 'web',
        license: 'MIT',
        position: ledger.position('s6'),
        standsFor: null,
      });
      expect(origin.assets).toEqual([{ assetId: ledger.id('a1'), name: 'a1', position: ledger.position('a1') }]);
      expect(origin.versions).toEqual([{ versionId: v1, dataset: 'corpus', position: ledger.position('b1') }]);
    });

    it('diff: the amendment shows as changed, the deprecation as removed, each with its event; and as pictures', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      await whenItEvolves(ledger, v1!);
      const [, , v3, v4] = await versions();
      const d13 = right(await diff(store.db, v1!, v3!));
      // s3 carries s1's bytes: once s1 is amended away, s3 no longer loses dedup to it
      expect(d13.counts).toEqual({ added: 1, removed: 0, changed: 1, unchanged: 1 });
      expect(d13.added).toEqual([
        { cfId: ledger.id('s3'), cause: { kind: 'rule', event: null, reason: expect.stringContaining('was excluded by dedup') } },
      ]);
      expect(d13.changed).toEqual([
        {
          from: ledger.id('s1'),
          to: ledger.id('s1b'),
          cause: {
            kind: 'amended',
            event: { eventId: ledger.id('s1b'), position: ledger.position('s1b') },
            reason: `amended by ${ledger.id('s1b')}`,
          },
        },
      ]);
      expect(d13.assets).toEqual([{ assetId: ledger.id('a1'), name: 'a1', added: 0, removed: 1 }]);
      const d34 = right(await diff(store.db, v3!, v4!));
      expect(d34.counts).toEqual({ added: 0, removed: 1, changed: 0, unchanged: 2 });
      expect(d34.removed).toEqual([
        {
          cfId: ledger.id('s6'),
          cause: {
            kind: 'deprecated',
            event: { eventId: ledger.id('dep1'), position: ledger.position('dep1') },
            reason: expect.stringContaining('deprecated:'),
          },
        },
      ]);
      const d43 = right(await diff(store.db, v4!, v3!));
      expect(d43.added[0]?.cause.reason).toContain('was excluded by deprecated');
      expect(diffToMermaid(d34)).toContain('"1 removed"');
      expect(diffToText(d34)).toContain('removed    ');
    });

    it('impact: dependents, assets, versions, runs and models that an amendment or erasure of s1 touches', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      await whenItEvolves(ledger, v1!);
      const hit = right(await impact(store.db, ledger.id('s1')));
      expect(hit.dependents.map((d) => [d.relation, d.eventId])).toEqual([
        ['labels', ledger.id('l1')],
        ['validates', ledger.id('v1')],
        ['validates', ledger.id('v2')],
        ['amends', ledger.id('s1b')],
      ]);
      expect(hit.assets.map((a) => a.assetId)).toEqual([ledger.id('a1')]);
      expect(hit.versions.map((v) => [v.versionId, v.eventId, v.current])).toEqual([[v1, ledger.id('b1'), false]]);
      expect(hit.runs).toEqual([
        { eventId: ledger.id('run-1'), position: ledger.position('run-1'), runId: 'run-1', versionId: v1, modelHash: MODEL },
      ]);
      expect(hit.models).toEqual([MODEL]);
      const earlier = right(await impact(store.db, ledger.id('s1'), { asOf: ledger.position('b1') }));
      expect(earlier.runs).toEqual([]);
    });

    it('inclusion proof: verifies offline against the version root with core alone, and fails when tampered', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      const version = right(await whereFromVersion(store.db, v1!)).version;
      const { proof } = right(await inclusionProof(store.db, ledger.id('s6'), v1!));
      const offline = JSON.parse(JSON.stringify(proof));
      expect(verifyInclusionProof(offline, version.merkleRoot as Sha256Hex)).toBe(true);
      expect(verifyInclusionProof({ ...offline, leafIndex: 1 - offline.leafIndex }, version.merkleRoot as Sha256Hex)).toBe(false);
      expect(verifyInclusionProof(offline, testDigest('another root') as Sha256Hex)).toBe(false);
      const outsider = await inclusionProof(store.db, ledger.id('s2'), v1!);
      expect(isLeft(outsider) && outsider.left._tag).toBe('NotAMember');
    });

    it('licenses: the license set, the attribution list and no conflicts for an MIT-only version', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      const report = right(await licenses(store.db, v1!));
      expect(report.licenses).toEqual(['MIT']);
      expect(report.expressions).toEqual([{ expression: 'MIT', members: 2, resolvedTo: ['MIT'] }]);
      expect(report.obligations.attribution).toEqual([{ contributor: who('alice'), members: 2, licenses: ['MIT'] }]);
      expect(report.conflicts).toEqual([]);
    });

    it('given cut versions, then each membership is kept once: the graph reads its selected-into edge from the members, stated by the cutting event, and no table holds the edges a second time', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      await whenItEvolves(ledger, v1!);
      const graph = right(await trace(asLineageHandle(store.db), v1!, { direction: 'up', maxDepth: 1 }));
      expect(graph.edges.map((e) => [e.type, e.from, e.to, e.eventId, e.position, e.recordedAt instanceof Date])).toEqual(
        [ledger.id('s1'), ledger.id('s6')].sort().map((cf) => ['selected-into', cf, v1, ledger.id('b1'), ledger.position('b1'), true]),
      );
      const rows = await sql<{ t: string | null }>`select to_regclass('datasets_lineage_edges')::text as t`.execute(store.db);
      expect(rows.rows).toEqual([{ t: null }]);
    });

    it('given a store projected before the edges were a view, when the projection migrates, then the former edge table is gone and the view answers', async () => {
      await sql`create table datasets_lineage_edges (edge_type text, from_id text, to_id text, event_id text, position bigint, recorded_at timestamptz)`.execute(
        store.db,
      );
      await datasetsProjection.migrate(store.db);
      const rows = await sql<{ former: string | null; view: string | null }>`select to_regclass('datasets_lineage_edges')::text as former,
        to_regclass('datasets_lineage_selected_into')::text as view`.execute(store.db);
      expect(rows.rows).toEqual([{ former: null, view: 'datasets_lineage_selected_into' }]);
    });

    it('determinism: rebuilding the projection from zero gives byte-identical tables and the same version ids', async () => {
      await givenCorpus(ledger);
      const [v1] = await versions();
      await whenItEvolves(ledger, v1!);
      const before = await versions();
      const live = await canonicalDump(store.db, datasetsProjection);
      const rebuilt = await ledger.runner.rebuild(datasetsProjection.name);
      expect(rebuilt._tag).toBe('Right');
      expect(await canonicalDump(store.db, datasetsProjection)).toBe(live);
      expect(await versions()).toEqual(before);
    });
  });
}
