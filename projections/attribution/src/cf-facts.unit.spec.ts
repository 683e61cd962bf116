// CF facts read from the log by id (issue 22): given samples by two contributors and a scored run,
// credit by contributor and source is what the projection gave when it kept its own copy of the
// CFs (attribution_cfs, gone now), the log is read in chunks, and only a contribution the log holds
// by the scoring's position counts as a CF.
import { afterAll, describe, expect, it } from '@jest/globals';
import { isLeft, right as rightOf, type Either } from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import { createInMemoryEventLog, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import { writeNpy } from '@cairn/kernel';
import {
  appendRequestFor,
  envelopeEvent,
  newPGlite,
  openProjectionStore,
  projectionSpecification,
  samplePayload,
  testContributorId,
  validationPayload,
  type TestEnvelope,
} from '@cairn/projector';
import { createInMemoryArtifactStore } from './artifact-store.js';
import { attributeQueries } from './attribute-queries.js';
import { CF_FACTS_READ_CHUNK, cfFactsFromLog } from './cf-facts.js';
import { creditShares } from './credit.js';
import { closeAttributionKernel } from './kernel.js';
import { ATTRIBUTION_PROJECTION, createAttributionProjection } from './projection.js';
import { A, migrateAttributionTables, type AttributionDatabase } from './tables.js';
import { DIMS, RUN_ID, gradientsEvent, randomMatrix, runEvent } from './__tests__/scenario.js';

const right = <T>(e: Either<{ message: string }, T>): T => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const ADA = testContributorId('ada');
const GRACE = testContributorId('grace');
const FORUM = 'https://example.org/forum';
const WIKI = 'https://example.org/wiki';
const TRAIN = 24;
const QUERY = 6;
/** No label type: the shares are TRAK credit alone. */
const SETTINGS = { projectedDim: 16, seed: 7, ridge: 0.01, topK: 3 };

const idOf = (e: TestEnvelope): string => envelopeEvent(e).id;

/** Train samples alternate ada / grace; every third is from the wiki, the rest from the forum. */
function sampleBy(i: number, split: string): TestEnvelope {
  return {
    type: 'SampleContributed',
    payload: samplePayload(`${split}-${i}`, { source: i % 3 === 0 ? WIKI : FORUM, license: i % 2 === 0 ? 'MIT' : 'CC-BY-4.0' }),
    signer: i % 2 === 0 ? ADA : GRACE,
  };
}

const artifacts = createInMemoryArtifactStore();

async function givenTwoContributors() {
  const train = Array.from({ length: TRAIN }, (_, i) => sampleBy(i, 'train'));
  const query = Array.from({ length: QUERY }, (_, i) => sampleBy(i, 'query'));
  const trainHash = await artifacts.put(writeNpy(randomMatrix(TRAIN, DIMS, 21)));
  const queryMatrix = randomMatrix(QUERY, DIMS, 22);
  const queryHash = await artifacts.put(writeNpy(queryMatrix));
  const run = runEvent(SETTINGS);
  return { train, query, trainCfs: train.map(idOf), queryCfs: query.map(idOf), trainHash, queryHash, queryMatrix, run };
}

/** The log as the projection sees it, remembering the ids of every readByIds. */
function counted(log: EventLog, reads: string[][]): EventLog {
  return { ...log, readByIds: async (ids) => (reads.push([...ids]), log.readByIds(ids)) };
}

describe('attribution reads CF facts from the log', () => {
  afterAll(async () => closeAttributionKernel());
  const reads: string[][] = [];
  const spec = projectionSpecification({
    projections: (log) => [createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(counted(log, reads), { chunk: 10 }) })],
    batchSize: 64,
  });

  it('given samples by ada and grace and a run over them, when scored, then credit by contributor and by source is what the projection gave with its own copy of the CFs', async () => {
    const s = await givenTwoContributors();
    await spec
      .given([...s.train, ...s.query, s.run])
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(async ({ db, log }) => {
        const credit = right(await creditShares({ db, runId: RUN_ID }));
        // main's values (attribution_cfs, projection version 3) for this very log
        expect(credit.contributors.map((c) => [c.key, c.credit, c.share, c.cfCount])).toEqual(CONTRIBUTOR_SHARES);
        expect(credit.sources.map((c) => [c.key, c.credit, c.share, c.cfCount])).toEqual(SOURCE_SHARES);
        const top = right(
          await attributeQueries({ db, artifacts, cfFacts: cfFactsFromLog(log), runId: RUN_ID, queries: s.queryMatrix, topK: 2 }),
        );
        expect(top[0]!.top.map((t) => [t.trainRow, t.kind, t.contributor, t.source, t.license])).toEqual(FIRST_QUERY_TOP);
      });
  });

  it('given a projection store, then it holds no copy of the CFs (attribution_cfs does not exist)', async () => {
    const s = await givenTwoContributors();
    await spec
      .given([...s.train, ...s.query, s.run])
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(async ({ db }) => {
        const table = await sql<{ t: string | null }>`select to_regclass('attribution_cfs')::text as t`.execute(db);
        expect(table.rows).toEqual([{ t: null }]);
      });
  });

  it('given a store of projection version 3 with its copy of the CFs, when the tables are migrated, then the copy is dropped', async () => {
    const pglite = await newPGlite();
    const store = await openProjectionStore({ pglite });
    try {
      await sql`create table attribution_cfs (cf_id bytea primary key, kind text not null, author bytea not null,
        source text, license text, position bigint not null)`.execute(store.db);
      await migrateAttributionTables(store.db as Kysely<AttributionDatabase>);
      const table = await sql<{ t: string | null }>`select to_regclass('attribution_cfs')::text as t`.execute(store.db);
      expect(table.rows).toEqual([{ t: null }]);
    } finally {
      await store.close();
      await pglite.close();
    }
  });

  it('given a run over 24 train CFs and a reader of 10 ids per read, when scored, then the log is read by id 10, 10 and 4 at a time', async () => {
    const s = await givenTwoContributors();
    reads.length = 0;
    await spec
      .given([...s.train, ...s.query, s.run])
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(() => {
        expect(reads.map((ids) => ids.length)).toEqual([10, 10, 4]);
        expect(reads.flat().sort()).toEqual([...s.trainCfs].sort());
      });
  });

  it('given a train row whose CF is logged after the gradients that complete the run, when scored, then the run is refused at that position and nothing is scored', async () => {
    const s = await givenTwoContributors();
    const late = sampleBy(TRAIN, 'late');
    const rowMap = [...s.trainCfs.slice(0, TRAIN - 1), idOf(late)];
    await spec
      .given([...s.train.slice(0, TRAIN - 1), ...s.query, s.run])
      .when([gradientsEvent('train', s.trainHash, rowMap), gradientsEvent('query', s.queryHash, s.queryCfs), late])
      .then(async ({ db, failures, events }) => {
        const failed = failures.get(ATTRIBUTION_PROJECTION) ?? [];
        const completing = events[events.length - 2]!;
        expect(failed.map((f) => f.eventId)).toEqual([completing.id]);
        expect(failed[0]!.reason).toContain(`names CF ${idOf(late)}, which the log has not contributed by position ${completing.position}`);
        const scored = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(A.scorings)}`.execute(db);
        expect(scored.rows[0]?.n).toBe(0);
      });
  });

  it('given a train row naming the run record itself (an event, but no contribution), when scored, then it is not a CF and the run is refused', async () => {
    const s = await givenTwoContributors();
    const rowMap = [...s.trainCfs.slice(0, TRAIN - 1), idOf(s.run)];
    await spec
      .given([...s.train, ...s.query, s.run])
      .when([gradientsEvent('train', s.trainHash, rowMap), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(({ failures }) => {
        const failed = failures.get(ATTRIBUTION_PROJECTION) ?? [];
        expect(failed).toHaveLength(1);
        expect(failed[0]!.reason).toContain(`names CF ${idOf(s.run)}, which the log has not contributed`);
      });
  });
});

describe('cfFactsFromLog', () => {
  async function logOf(events: readonly TestEnvelope[]): Promise<{ log: EventLog; recorded: readonly RecordedEvent[] }> {
    const log = createInMemoryEventLog();
    for (const e of events) expect(isLeft(await log.append(appendRequestFor(envelopeEvent(e))))).toBe(false);
    const all = await log.readAll({});
    if (isLeft(all)) throw new Error(all.left._tag);
    return { log, recorded: all.right };
  }

  it('given a sample, a label, a validation and a run record, when asked as of the log head, then the three contributions are CFs with their kind, signer, source and license, and the run record is not', async () => {
    const sample = sampleBy(0, 'one');
    const label: TestEnvelope = {
      type: 'LabelContributed',
      payload: { targets: [idOf(sample)], labelType: 'class', value: 'cat' },
      signer: GRACE,
    };
    const validation: TestEnvelope = {
      type: 'ValidationContributed',
      payload: validationPayload([idOf(sample)], 'approve'),
      signer: GRACE,
    };
    const run = runEvent(SETTINGS);
    const { log, recorded } = await logOf([sample, label, validation, run]);
    const ids: string[] = recorded.map((e) => e.id);
    const facts = right(await cfFactsFromLog(log).cfFactsAt([...ids, 'f'.repeat(64), 'NOT HEX'], recorded[3]!.position));
    expect([...facts.values()].sort((a, b) => ids.indexOf(a.cfId) - ids.indexOf(b.cfId))).toEqual([
      { cfId: ids[0], kind: 'sample', author: ADA, source: WIKI, license: 'MIT' },
      { cfId: ids[1], kind: 'label', author: GRACE, source: null, license: null },
      { cfId: ids[2], kind: 'validation', author: GRACE, source: null, license: null },
    ]);
    await log.close();
  });

  it('given two samples, when asked as of the first one, then the later one is not a CF yet', async () => {
    const { log, recorded } = await logOf([sampleBy(0, 'early'), sampleBy(1, 'late')]);
    const facts = right(await cfFactsFromLog(log).cfFactsAt([recorded[1]!.id, recorded[0]!.id], recorded[0]!.position));
    expect([...facts.keys()]).toEqual([recorded[0]!.id]);
    await log.close();
  });

  it(`given ${2 * CF_FACTS_READ_CHUNK + 500} ids (some twice), when asked, then the log is read ${CF_FACTS_READ_CHUNK} distinct ids at a time at most`, async () => {
    const sizes: number[] = [];
    const log = { readByIds: async (ids: readonly string[]) => (sizes.push(ids.length), rightOf([] as readonly RecordedEvent[])) };
    const ids = Array.from({ length: 2 * CF_FACTS_READ_CHUNK + 500 }, (_, i) => i.toString(16).padStart(64, '0'));
    const facts = right(await cfFactsFromLog(log).cfFactsAt([...ids, ...ids.slice(0, 10)], 10n));
    expect(facts.size).toBe(0);
    expect(sizes).toEqual([CF_FACTS_READ_CHUNK, CF_FACTS_READ_CHUNK, 500]);
  });

  it('given a log that cannot be read, when asked, then the answer is LogUnavailable, not a throw', async () => {
    const log = { readByIds: async () => ({ _tag: 'Left' as const, left: { _tag: 'Unavailable' as const, reason: 'connection reset' } }) };
    const facts = await cfFactsFromLog(log).cfFactsAt(['a'.repeat(64)], 1n);
    expect(isLeft(facts) && facts.left).toEqual({
      _tag: 'LogUnavailable',
      message: 'reading CFs from the log failed: Unavailable: connection reset',
    });
  });
});

// What main (37e8984, attribution_cfs at projection version 3) gives for the log above.
const CONTRIBUTOR_SHARES = [
  [GRACE, 2.0783495511859655, 0.6429020069614403, 12],
  [ADA, 1.154413029551506, 0.3570979930385597, 12],
];
const SOURCE_SHARES = [
  ['https://example.org/wiki', 2.240492545068264, 0.6930581782956524, 8],
  ['https://example.org/forum', 0.9922700356692076, 0.3069418217043476, 16],
];
const FIRST_QUERY_TOP = [
  [9, 'sample', GRACE, 'https://example.org/wiki', 'CC-BY-4.0'],
  [21, 'sample', GRACE, 'https://example.org/wiki', 'CC-BY-4.0'],
];
