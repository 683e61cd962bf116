// Property: how a contribution is signed changes nothing downstream. Given any small world of
// contributions (samples under allowed and refused licenses, labels on them, validations of
// those labels, by two contributors), appended once sealed (in seals of a generated size) and
// once signed one by one, then the CF ids are the same, the lineage and datasets projections
// hold the same rows (canonical dumps, log positions named by the event at them, and a seal
// event by the CFs it seals), and the dataset versions built from them are the same (version
// ids, members, Merkle roots).
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import type { EventLog } from '@cairn/eventlog';
import { canonicalDump, createProjectionRunner, openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { lineageProjection } from '@cairn/lineage';
import { datasetBuilds, datasetsProjection, manifestOf, readVersion, versionMembers } from '@cairn/datasets';
import { ledgerOn, right, text } from './__tests__/given.js';
import type { ContributionInput } from './api/contributions.js';
import type { Ledger } from './ledger.js';
import type { Signer } from './signing.js';

interface World {
  readonly samples: readonly { readonly author: number; readonly license: 'MIT' | 'GPL-3.0'; readonly body: string }[];
  /** A label names a sample by its index. */
  readonly labels: readonly { readonly author: number; readonly sample: number; readonly value: string }[];
  /** A validation names a label by its index. */
  readonly validations: readonly { readonly author: number; readonly label: number; readonly verdict: 'approve' | 'reject' }[];
  readonly sealSize: number;
}

const author = fc.integer({ min: 0, max: 1 });
const worlds: fc.Arbitrary<World> = fc
  .record({
    samples: fc.array(
      fc.record({ author, license: fc.constantFrom('MIT' as const, 'GPL-3.0' as const), body: fc.string({ maxLength: 12 }) }),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
    labels: fc.array(fc.record({ author, sample: fc.nat(), value: fc.constantFrom('cat', 'dog') }), { minLength: 1, maxLength: 6 }),
    validations: fc.array(
      fc.record({ label: fc.nat(), verdict: fc.constantFrom('approve' as const, 'approve' as const, 'reject' as const) }),
      {
        maxLength: 6,
      },
    ),
    sealSize: fc.integer({ min: 2, max: 4 }),
  })
  .map((w) => ({
    ...w,
    // Distinct bodies: the same bytes under the same license would be one CF.
    samples: w.samples.map((s, i) => ({ ...s, body: `${i}:${s.body}` })),
    labels: w.labels.map((l) => ({ ...l, sample: l.sample % w.samples.length })),
    // A validator is never the label's author (a self-approval is no vote), so versions have members.
    validations:
      w.labels.length === 0
        ? []
        : w.validations.map((v) => {
            const label = v.label % w.labels.length;
            return { ...v, label, author: 1 - w.labels[label]!.author };
          }),
  }));

const MANIFEST = manifestOf({ candidates: { kinds: ['sample', 'label'] }, minApprovals: { count: 1, scope: 'either' } });
const NONCE = '00'.repeat(16);

/** Each phase's contributions, one batch call per contributor in turn; the CF ids in world order. */
async function contribute(ledger: Ledger, signers: readonly Signer[], world: World, sealed: boolean): Promise<string[]> {
  const options = sealed ? { sealSize: world.sealSize } : { seal: false };
  const ids: string[] = [];
  const phase = async (inputs: readonly { readonly author: number; readonly input: ContributionInput }[]) => {
    const receipts = new Map<number, string>();
    for (const [who, signer] of signers.entries()) {
      const mine = inputs.flatMap((x, i) => (x.author === who ? [{ i, input: x.input }] : []));
      if (mine.length === 0) continue;
      const r = right(
        await ledger.contribute.batch(
          mine.map((m) => m.input),
          signer,
          options,
        ),
      );
      mine.forEach((m, k) => receipts.set(m.i, r[k]!.id));
    }
    const inOrder = inputs.map((_, i) => receipts.get(i)!);
    ids.push(...inOrder);
    return inOrder;
  };
  const samples = await phase(
    world.samples.map((s) => ({
      author: s.author,
      input: { kind: 'sample', bytes: text(s.body), mediaType: 'text/plain', license: s.license, source: 'property' },
    })),
  );
  const labels = await phase(
    world.labels.map((l) => ({
      author: l.author,
      input: { kind: 'label', targets: [samples[l.sample]!], labelType: 'animal', value: l.value },
    })),
  );
  await phase(
    world.validations.map((v) => ({
      author: v.author,
      input: { kind: 'validation', targets: [labels[v.label]!], verdict: v.verdict, rationale: 'looked' },
    })),
  );
  return ids;
}

/**
 * The log's positions as the events at them: the only thing two logs of the same contributions
 * may differ in is where events sit (a sealed log has its seals between them). A seal stands
 * for the CFs it seals, which are the same in both logs.
 */
async function positionNames(log: EventLog): Promise<Map<string, string>> {
  const all = await log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  const names = new Map<string, string>();
  const events = all.right;
  for (const [i, e] of events.entries()) {
    if (e.type !== 'BatchSealed') {
      names.set(e.position.toString(), `@${e.id}`);
      continue;
    }
    const count = (e.data as { payload: { count: number } }).payload.count;
    names.set(
      e.position.toString(),
      `@seal(${events
        .slice(i + 1, i + 1 + count)
        .map((c) => c.id)
        .join(',')})`,
    );
  }
  return names;
}

/**
 * A dump with every log position (columns named *position, valid_from, valid_to) written as the
 * event at it, and the log's append times (recorded_at: the clock, not the contributions) blanked.
 */
function namedPositions(dump: string, names: ReadonlyMap<string, string>): string {
  return dump
    .replace(
      /"([a-z_]*position|valid_from|valid_to)":"(\d+)"/g,
      (_m, column: string, p: string) => `"${column}":"${names.get(p) ?? `?${p}`}"`,
    )
    .replace(/"recorded_at":"[^"]*"/g, '"recorded_at":"(append time)"');
}

/**
 * A dump whose decision keys (a digest of the decision, evidence and its log positions included)
 * are written as the decision itself with its positions named, and the decisions table in that
 * order: the key follows the positions, which two logs of the same contributions place apart.
 */
function namedDecisions(dump: string): string {
  const lines = dump.split('\n');
  const names = new Map<string, string>();
  for (const line of lines) {
    const row = /^\{"decision_id":"([^"]+)",(.*)\}$/.exec(line);
    if (row !== null) names.set(row[1]!, `#{${row[2]!}}`);
  }
  const renamed = lines.map((line) =>
    line.replace(/"decision_id":"([^"]+)"/g, (m, key: string) => (names.has(key) ? `"decision_id":${JSON.stringify(names.get(key))}` : m)),
  );
  // the decisions table's rows, ordered by their new names
  const header = renamed.findIndex((line) => line.includes('"table":"datasets_decisions"'));
  if (header < 0) return renamed.join('\n');
  let end = header + 1;
  while (end < renamed.length && renamed[end]!.startsWith('{"decision_id"')) end++;
  return [...renamed.slice(0, header + 1), ...renamed.slice(header + 1, end).sort(), ...renamed.slice(end)].join('\n');
}

interface Outcome {
  readonly ids: readonly string[];
  readonly dump: string;
  readonly versions: readonly unknown[];
  /** BatchSealed events in the log. */
  readonly seals: number;
}

async function outcomeOf(
  ledger: Ledger,
  store: ProjectionStore,
  signers: readonly Signer[],
  world: World,
  sealed: boolean,
): Promise<Outcome> {
  const ids = await contribute(ledger, signers, world, sealed);
  const { manifestId } = right(await ledger.manifests.define(MANIFEST, signers[0]!));
  right(await ledger.datasets.define('property', signers[0]!));
  right(await ledger.datasets.requestBuild('property', manifestId, signers[0]!, { nonce: NONCE }));
  const runner = createProjectionRunner({ log: ledger.log, store, projections: [lineageProjection, datasetsProjection] });
  const ran = await runner.runOnce();
  if (E.isLeft(ran)) throw new Error(`projection failed: ${JSON.stringify(ran.left)}`);
  const names = await positionNames(ledger.log);
  let dump = '';
  for (const projection of [lineageProjection, datasetsProjection])
    dump += namedDecisions(namedPositions(await canonicalDump(store.db, projection), names));
  const versions: unknown[] = [];
  for (const build of await datasetBuilds(store.db, 'property')) {
    const version = await readVersion(store.db, build.versionId);
    if (E.isLeft(version)) throw new Error(version.left.message);
    const members = await versionMembers(store.db, build.versionId, { limit: 1000 });
    if (E.isLeft(members)) throw new Error(members.left.message);
    const { position: _position, ...rest } = version.right;
    versions.push({ ...rest, members: members.right });
  }
  const seals = [...names.values()].filter((n) => n.startsWith('@seal(')).length;
  return { ids, dump, versions, seals };
}

describe('sealed and per-CF signing of the same contributions', () => {
  // One PGlite, a fresh schema per form and run (starting PGlite is the expensive part); the
  // forms run one after the other, each store setting the connection's search_path when opened.
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it('given any small world of contributions, then the same CF ids, projection tables and dataset versions', async () => {
    let run = 0;
    let seals = 0;
    let members = 0;
    await fc.assert(
      fc.asyncProperty(worlds, async (world) => {
        run++;
        const keys = [generateSigningKey(), generateSigningKey()];
        const outcome = async (sealed: boolean) => {
          const ledger = ledgerOn();
          const signers = [
            right(await ledger.contributors.register(keys[0]!, { name: 'alice' })),
            right(await ledger.contributors.register(keys[1]!, { name: 'bob' })),
          ];
          const store = await openProjectionStore({ pglite: db, schema: `run_${run}_${sealed ? 'sealed' : 'signed'}` });
          try {
            return await outcomeOf(ledger, store, signers, world, sealed);
          } finally {
            await ledger.close();
          }
        };
        const sealed = await outcome(true);
        const signed = await outcome(false);
        expect(signed.seals).toBe(0);
        seals += sealed.seals;
        members += sealed.versions.reduce((n: number, v) => n + (v as { memberCount: number }).memberCount, 0);
        expect(sealed.ids).toEqual(signed.ids);
        expect(sealed.dump).toEqual(signed.dump);
        expect(sealed.dump).not.toMatch(/"\?\d+"/); // every position was named
        expect(sealed.versions).toEqual(signed.versions);
        expect(sealed.versions).toHaveLength(1);
      }),
      { numRuns: 4, seed: 19 },
    );
    // The property held for logs that differ: the sealed ones held seals.
    expect(seals).toBeGreaterThan(0);
    expect(members).toBeGreaterThan(0);
  });
});
