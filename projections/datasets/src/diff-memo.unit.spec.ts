// A diff of two versions is asked again and again, and its answer is fixed by what it rests on:
// the two version ids, the detail limit, the latest build of each version and the latest asset up
// to the moment asked. Given such a ledger, when a diff is asked again, concurrently, or as of a
// moment before later builds and assets, then a reader keeps and shares the one answer, and an
// answer as of a moment shows nothing that came after it.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { diff } from './answers/diff.js';
import { diffReader } from './answers/diff-memo.js';
import { datasetBuilds } from './answers/versions.js';
import { Ledger, manifestOf } from './testing/ledger.js';
import type { DatasetsDatabase } from './tables.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

/**
 * Counts the statements sent through the Kysely it is plugged into, and those that read the
 * versions' packed member lists (other statements name datasets_versions too: the look-up of a
 * version's number in the reads of its member and exclusion rows).
 */
class StatementCounter implements KyselyPlugin {
  count = 0;
  memberReads = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    if (JSON.stringify(args.node).includes("encode(members, 'base64')")) this.memberReads += 1;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const counted = (db: Kysely<DatasetsDatabase>) => {
  const counter = new StatementCounter();
  return { counter, db: db.withPlugin(counter) };
};

// one approval admits a sample
const manifest = manifestOf({ minApprovals: { count: 1, scope: 'sample' } });

describe('diff: kept once computed, pinned to the moment asked', () => {
  let store: ProjectionStore;
  let ledger: Ledger;
  /** c@1 = {s1, s2}; c@2 = {s1, s3} (s2 deprecated, s3 approved since); c@2 cut again later; c@3 = {s1, s3, s4}. */
  let v1: string;
  let v2: string;
  let v3: string;
  /** The moment c@2 was first cut (before its second cut, the erasure and the asset). */
  let firstCutOfV2: bigint;

  beforeAll(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    ledger = new Ledger(store);
    await ledger.sample('s1', 'alice');
    await ledger.sample('s2', 'alice');
    await ledger.sample('s3', 'bob');
    await ledger.validate('ok1', 'carol', ['s1'], 'approve');
    await ledger.validate('ok2', 'carol', ['s2'], 'approve');
    await ledger.dataset('c', manifest);
    await ledger.build('b1', 'c', manifest);
    // s3 wins its approval, s2 is deprecated: the re-assembly cuts c@2
    await ledger.validate('ok3', 'carol', ['s3'], 'approve');
    await ledger.deprecate('dep2', 'alice', 's2');
    // after c@2: s2 erased, c@2 cut again by a request (same members, its own decisions), an
    // asset holding s2 and s3, a second approval of s3, and c@3 with s4
    await ledger.append('er2', 'SampleErased', 'alice', { sample: ledger.id('s2'), reason: 'subject request' });
    await ledger.build('b3', 'c', manifest, 'curator', '0000000000000003');
    await ledger.asset('a1', 'alice', ['s2', 's3']);
    await ledger.validate('ok3b', 'dave', ['s3'], 'approve');
    await ledger.sample('s4', 'bob');
    await ledger.validate('ok4', 'carol', ['s4'], 'approve');
    await ledger.build('b4', 'c', manifest, 'curator', '0000000000000004');
    await ledger.project();
    const builds = await datasetBuilds(store.db, 'c');
    const versions = [...new Set(builds.map((b) => b.versionId))];
    expect(versions).toHaveLength(3);
    [v1, v2, v3] = [versions[0]!, versions[1]!, versions[2]!];
    firstCutOfV2 = builds.find((b) => b.versionId === v2)!.position;
    expect(builds.filter((b) => b.versionId === v2).length).toBeGreaterThan(1);
  });
  afterAll(async () => {
    await store.close();
  });

  it('given c@1 and c@2, when diffed now, then s3 is added on its first approval (c@2’s evidence, not c@3’s) and s2 removed', async () => {
    const d = right(await diff(store.db, v1, v2));
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 0, unchanged: 1 });
    // c@3 holds s3 too, with a second approval (ok3b, after c@2): not what admitted it into c@2
    expect(d.added).toEqual([
      {
        cfId: ledger.id('s3'),
        cause: {
          kind: 'validated',
          event: { eventId: ledger.id('ok3'), position: ledger.position('ok3') },
          reason: expect.stringMatching(
            new RegExp(`^was excluded by minApprovals \\(.*\\); approved at position ${ledger.position('ok3')}$`),
          ),
        },
      },
    ]);
    expect(d.removed.map((r) => r.cfId)).toEqual([ledger.id('s2')]);
  });

  it('given s3 a member of c@2 and c@3, cut with different approvals, when c@1 is diffed with each, then each cites the newest approval its own cut knew', async () => {
    const to2 = right(await diff(store.db, v1, v2));
    const to3 = right(await diff(store.db, v1, v3));
    const s3 = (d: typeof to2) => d.added.find((e) => e.cfId === ledger.id('s3'))!.cause.event;
    expect(s3(to2)).toEqual({ eventId: ledger.id('ok3'), position: ledger.position('ok3') });
    expect(s3(to3)).toEqual({ eventId: ledger.id('ok3b'), position: ledger.position('ok3b') });
  });

  it('given c@2 cut again after an erasure and an asset registered later, when the diff is asked as of c@2’s first cut, then neither is in it', async () => {
    const before = right(await diff(store.db, v1, v2, { upTo: firstCutOfV2 }));
    const now = right(await diff(store.db, v1, v2));
    // the removal's cause as c@2's first cut decided it, and no asset: a1 came later
    expect(before.removed).toEqual([
      {
        cfId: ledger.id('s2'),
        cause: {
          kind: 'deprecated',
          event: { eventId: ledger.id('dep2'), position: ledger.position('dep2') },
          reason: expect.stringMatching(/^deprecated: /),
        },
      },
    ]);
    expect(before.assets).toEqual([]);
    // now: the later cut's decision and the asset (the moment changes the answer, so it is part of the question)
    expect(now.removed[0]!.cause.kind).toBe('erased');
    expect(now.assets).toEqual([{ assetId: ledger.id('a1'), name: 'a1', added: 1, removed: 1 }]);
  });

  it('given a diff asked once, when asked again, then the same answer comes with one small statement (the pins), and none when the moment is settled', async () => {
    const alone = await diff(store.db, v1, v2);
    const { counter, db } = counted(store.db);
    const read = diffReader(db);
    expect(await read(v1, v2)).toEqual(alone);
    const first = counter.count;
    expect(first).toBeGreaterThan(2);
    expect(await read(v1, v2)).toEqual(alone);
    expect(counter.count - first).toBe(1);
    expect(counter.memberReads).toBe(1);

    const head = ledger.position('b4');
    const settled = await read(v1, v2, { upTo: head, settled: true });
    expect(settled).toEqual(alone); // the same pins as now: the answer kept is the one sent
    const afterSettled = counter.count;
    expect(await read(v1, v2, { upTo: head, settled: true })).toEqual(alone);
    expect(counter.count).toBe(afterSettled);
    expect(counter.memberReads).toBe(1);
  });

  it('given N identical diffs asked at once, when none is kept yet, then the members are read once and every caller gets the one answer', async () => {
    const alone = await diff(store.db, v1, v3);
    const { counter, db } = counted(store.db);
    const read = diffReader(db);
    const answers = await Promise.all(Array.from({ length: 8 }, () => read(v1, v3)));
    for (const a of answers) expect(a).toEqual(alone);
    expect(new Set(answers.map((a) => (isRight(a) ? a.right : null))).size).toBe(1);
    expect(counter.memberReads).toBe(1);
  });

  it('given a reader, when asked as of c@2’s first cut and then now, then each moment has its own answer, each the uncached one', async () => {
    const read = diffReader(store.db);
    const at = right(await read(v1, v2, { upTo: firstCutOfV2 }));
    const now = right(await read(v1, v2));
    expect(at).toEqual(right(await diff(store.db, v1, v2, { upTo: firstCutOfV2 })));
    expect(now).toEqual(right(await diff(store.db, v1, v2)));
    expect(at.removed[0]!.cause.kind).toBe('deprecated');
    expect(now.removed[0]!.cause.kind).toBe('erased');
    // and asked again, each is still its own
    expect(right(await read(v1, v2, { upTo: firstCutOfV2 }))).toBe(at);
  });

  it('given a detail limit, when asked with another, then each limit is its own answer', async () => {
    const read = diffReader(store.db);
    const none = right(await read(v1, v3, { detailLimit: 0 }));
    const full = right(await read(v1, v3));
    expect(none.added).toEqual([]);
    expect(none.truncated).toBe(true);
    expect(full.added.length).toBe(full.counts.added);
  });

  it('given an unknown version, when asked twice, then it is an error each time and nothing is kept', async () => {
    const { counter, db } = counted(store.db);
    const read = diffReader(db);
    const missing = 'e'.repeat(64);
    const first = await read(v1, missing);
    expect(isLeft(first) && first.left._tag).toBe('VersionNotFound');
    const once = counter.count;
    const second = await read(v1, missing);
    expect(second).toEqual(first);
    expect(counter.count).toBe(2 * once);
  });

  it('given a computation that fails, when asked again, then it is computed again (a failure is not kept)', async () => {
    let fail = true;
    const flaky: KyselyPlugin = {
      transformQuery: (args) => {
        if (fail && JSON.stringify(args.node).includes('"datasets_versions"')) throw new Error('the store went away');
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const read = diffReader(store.db.withPlugin(flaky));
    await expect(read(v2, v3)).rejects.toThrow('the store went away');
    fail = false;
    expect(right(await read(v2, v3))).toEqual(right(await diff(store.db, v2, v3)));
  });

  it('given more diffs than it keeps, when the oldest is asked again, then it is computed again', async () => {
    const { counter, db } = counted(store.db);
    const read = diffReader(db, { maxAnswers: 2 });
    await read(v1, v2);
    await read(v1, v3);
    await read(v2, v3);
    expect(counter.memberReads).toBe(3);
    await read(v2, v3);
    expect(counter.memberReads).toBe(3);
    await read(v1, v2);
    expect(counter.memberReads).toBe(4);
    expect(() => diffReader(db, { maxAnswers: 0 })).toThrow(/maxAnswers/);
  });
});
