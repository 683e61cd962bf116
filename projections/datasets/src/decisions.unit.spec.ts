// Decisions stored once: given a cut whose members share a decision, then datasets_decisions holds
// it once and member rows name it by key; stores fed the same log hold the same decision rows,
// whatever order their cuts came in; a store projected before decisions were shared rebuilds.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { canonicalDump, createProjectionRunner, openProjectionStore, verifyProjections, type ProjectionStore } from '@cairn/projector';
import { datasetBuilds } from './answers/versions.js';
import { whyExcluded, whyIncluded } from './answers/why.js';
import { decisionKey } from './decisions.js';
import { datasetsProjection } from './projection.js';
import { T } from './tables.js';
import { Ledger, manifestOf } from './testing/ledger.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

const N = 6;
// no approvals asked, so every MIT sample is decided alike
const wide = manifestOf({ minApprovals: { count: 0, scope: 'either' } });
const narrow = manifestOf({ minApprovals: { count: 0, scope: 'either' }, licensePolicy: { allowed: ['MIT'] } });

/** N MIT samples and one GPL sample, datasets c (wide) and d (narrow), cut in `order`. */
async function given(ledger: Ledger, order: readonly ('c' | 'd')[]): Promise<void> {
  for (let i = 0; i < N; i++) await ledger.sample(`s${i}`, 'alice');
  await ledger.sample('gpl', 'alice', { license: 'GPL-3.0-only' });
  await ledger.dataset('c', wide);
  await ledger.dataset('d', narrow);
  for (const name of order) await ledger.build(`b-${name}`, name, name === 'c' ? wide : narrow);
  await ledger.project();
}

describe('datasets projection: decisions stored once', () => {
  const stores: ProjectionStore[] = [];
  const newLedger = async () => {
    const store = await openProjectionStore({ pglite: await PGlite.create() });
    stores.push(store);
    return new Ledger(store);
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  const decisionsDump = (store: ProjectionStore) => canonicalDump(store.db, { tables: [T.decisions] });

  it('given a cut of N members decided alike, then datasets_decisions holds that decision once and no member row holds its reason', async () => {
    const ledger = await newLedger();
    await given(ledger, ['c']);
    const [build] = await datasetBuilds(ledger.store.db, 'c');
    const versionId = build!.versionId;
    const members = await sql<{ cf_id: string; decision_id: Uint8Array }>`
      select m.cf_id, m.decision_id from datasets_members m join datasets_versions v on v.version_no = m.version_no
      where v.version_id = ${versionId}`.execute(ledger.store.db);
    expect(members.rows).toHaveLength(N);
    const keys = new Set(members.rows.map((r) => Buffer.from(r.decision_id).toString('hex')));
    expect(keys.size).toBe(1);
    const decisions = await sql<{ decision_id: Uint8Array; rule: string; reason: string; evidence: unknown }>`
      select decision_id, rule, reason, evidence from datasets_decisions order by rule`.execute(ledger.store.db);
    // the members' decision, and the GPL sample's exclusion
    expect(decisions.rows.map((d) => d.rule)).toEqual(['', 'license']);
    const included = decisions.rows[0]!;
    expect(Buffer.from(included.decision_id).toString('hex')).toBe([...keys][0]);
    // the key is the digest of the content, whatever the order of its evidence's keys
    expect(Buffer.from(included.decision_id).toString('hex')).toBe(decisionKey('', included.reason, JSON.stringify(included.evidence)));
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'datasets_members' order by ordinal_position`.execute(
      ledger.store.db,
    );
    expect(columns.rows.map((c) => c.column_name)).toEqual(['version_no', 'cf_id', 'decision_id']);
    // and the answers read the decision through its key
    const why = right(await whyIncluded(ledger.store.db, ledger.id('s0'), versionId));
    expect(why.reason).toBe(included.reason);
    const out = right(await whyExcluded(ledger.store.db, ledger.id('gpl'), versionId));
    expect([out.rule, out.reason]).toEqual(['license', decisions.rows[1]!.reason]);
  });

  it('given two stores fed the same events, cuts in the same order, then their decisions tables are identical', async () => {
    const a = await newLedger();
    const b = await newLedger();
    await given(a, ['c', 'd']);
    await given(b, ['c', 'd']);
    const dump = await decisionsDump(a.store);
    expect(dump.split('\n').filter((l) => l.length > 0).length).toBeGreaterThan(2);
    expect(await decisionsDump(b.store)).toBe(dump);
  });

  it('given two stores whose cuts come in opposite orders, then their decisions tables are identical', async () => {
    const a = await newLedger();
    const b = await newLedger();
    await given(a, ['c', 'd']);
    await given(b, ['d', 'c']);
    expect(await decisionsDump(b.store)).toBe(await decisionsDump(a.store));
  });

  it('when a decision row is changed behind the runner, then verify finds the projection differs from its rebuild', async () => {
    const ledger = await newLedger();
    await given(ledger, ['c']);
    const verify = () =>
      verifyProjections({
        db: ledger.store.db,
        runner: ledger.runner,
        projections: [datasetsProjection],
        logHead: [...ledger.positions.values()].reduce((a, b) => (a > b ? a : b)),
      });
    expect((await verify()).firstBad).toBeNull();
    await sql`update datasets_decisions set reason = 'forged' where rule = ''`.execute(ledger.store.db);
    const v = await verify();
    expect(v.firstBad).toMatchObject({ projection: 'datasets', reason: expect.stringContaining('differ from a rebuild') });
    expect(v.firstBad!.live).toContain('forged');
  });

  it('given a store projected by version 6 (reasons on member rows), when the runner opens it, then the projection is rebuilt with decisions', async () => {
    const ledger = await newLedger();
    await given(ledger, ['c']);
    const db = ledger.store.db;
    // the shape version 6 left: no decisions table, the reason and evidence on every member row
    await sql`drop table datasets_decisions`.execute(db);
    await sql`alter table datasets_members drop column decision_id, add column reason text not null default 'old', add column evidence jsonb not null default '{}'`.execute(
      db,
    );
    await sql`update cairn_projection_checkpoints set version = 6 where name = 'datasets'`.execute(db);
    // a new process: a runner prepares its projections when it opens the store
    const reopened = createProjectionRunner({ log: ledger.log, store: ledger.store, projections: [datasetsProjection] });
    if (isLeft(await reopened.runOnce())) throw new Error('runner failed');
    const [build] = await datasetBuilds(db, 'c');
    const why = right(await whyIncluded(db, ledger.id('s0'), build!.versionId));
    expect(why.reason).not.toBe('old');
    const decisions = await sql<{ n: number }>`select count(*)::int as n from datasets_decisions`.execute(db);
    expect(decisions.rows[0]!.n).toBe(2);
  });
});
