// The lineage projection's specification, run on PGlite (lineage.unit.spec.ts) and on Postgres
// (lineage.int.spec.ts) through the same given/when/then helpers users get.
import { describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import type { ProjectionStore } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import {
  projectionSpecification,
  labelPayload,
  samplePayload,
  testContributorId,
  testDigest,
  validationPayload,
  envelopeEvent,
  type TestEnvelope,
} from '@cairn/projector';
import { lineageProjection } from '../projection.js';
import { history } from '../history.js';
import { trace } from '../trace.js';
import { renderLineage } from '../render.js';

const alice = testContributorId('alice');
const bob = testContributorId('bob');

function ok<E extends { message: string }, A>(r: Either<E, A>): A {
  if (isLeft(r)) throw new Error(r.left.message);
  return r.right;
}

const id = (e: TestEnvelope) => envelopeEvent(e).id;

// The story: alice contributes two samples, bob labels and approves the first, alice amends it,
// takes the second down, bundles an asset, and a run trains a model on a dataset version.
const registerAlice: TestEnvelope = {
  type: 'ContributorRegistered',
  payload: { publicKey: testDigest('alice-key'), name: 'Alice' },
  signer: alice,
};
const registerBob: TestEnvelope = {
  type: 'ContributorRegistered',
  payload: { publicKey: testDigest('bob-key'), name: 'Bob' },
  signer: bob,
};
const s1: TestEnvelope = { type: 'SampleContributed', payload: samplePayload(1), signer: alice };
const s2: TestEnvelope = { type: 'SampleContributed', payload: samplePayload(2), signer: alice };
const l1: TestEnvelope = { type: 'LabelContributed', payload: labelPayload([id(s1)], 'cat'), signer: bob };
const v1: TestEnvelope = { type: 'ValidationContributed', payload: validationPayload([id(s1)], 'approve'), signer: bob };
const s1b: TestEnvelope = { type: 'SampleContributed', payload: samplePayload('1b', { amends: id(s1) }), signer: alice };
const takedown: TestEnvelope = {
  type: 'ContributionDeprecated',
  payload: { target: id(s2), reason: 'takedown', note: 'DMCA 17' },
  signer: alice,
};
const asset: TestEnvelope = {
  type: 'AssetAssembled',
  payload: { name: 'cats-v1', members: [id(s1b), id(s2)], transformations: [{ kind: 'dedup', params: { by: 'commitment' } }] },
  signer: alice,
};
const versionId = testDigest('cats-version-1');
const modelHash = testDigest('model-weights');
const run: TestEnvelope = {
  type: 'TrainingRunRecorded',
  payload: {
    runId: 'run-1',
    dataset: { name: 'cats', versionId },
    codeVersion: 'git:abc',
    seeds: { data: 1 },
    hyperparameters: { lr: 0.1 },
    environment: { torch: '2.3.0' },
    modelHash,
  },
  signer: bob,
};

export function lineageSuite(name: string, openStore: () => Promise<ProjectionStore>): void {
  const spec = projectionSpecification({ projections: [lineageProjection], store: openStore });
  const story = () => spec.given([registerAlice, registerBob, s1, s2, l1, v1]).when([s1b, takedown, asset, run]);

  describe(`lineage projection (${name})`, () => {
    it('given the story, then every fact is an edge carrying its event id and position', () =>
      story().then(async ({ db, events }) => {
        const edges = await sql<{ edge_type: string; from_id: string; to_id: string; event_id: string; position: string }>`
          select edge_type, from_id, to_id, coalesce(event_id, from_id) as event_id, position
          from (select edge_type, from_id, to_id, event_id, position from lineage_edges
            union all select edge_type, from_id, to_id, event_id, position from lineage_contributed_by) e order by position, edge_type, to_id`.execute(
          db,
        );
        const positionOf = new Map<string, string>(events.map((e) => [e.id, e.position.toString()]));
        const got = edges.rows.map((r) => [r.edge_type, r.from_id, r.to_id, r.event_id, r.position]);
        const edge = (type: string, from: string, to: string, event: string) => [type, from, to, event, positionOf.get(event)];
        expect(got).toEqual(
          expect.arrayContaining([
            edge('contributed-by', id(s1), alice, id(s1)),
            edge('labels', id(l1), id(s1), id(l1)),
            edge('validates', id(v1), id(s1), id(v1)),
            edge('amends', id(s1b), id(s1), id(s1b)),
            edge('deprecates', alice, id(s2), id(takedown)),
            edge('derived-from', id(asset), id(s1b), id(asset)),
            edge('derived-from', id(asset), id(s2), id(asset)),
            edge('trained-on', 'run-1', versionId, id(run)),
            edge('derived-from', modelHash, 'run-1', id(run)),
          ]),
        );
        expect(got).toHaveLength(15);
      }));

    it('given an amended CF, when its history is asked, then the chain shows the amendment and what stands now', () =>
      story().then(async ({ db, events }) => {
        const h = ok(await history(db, id(s1)));
        expect(h.family.map((n) => n.id)).toEqual([id(s1), id(s1b)]);
        expect(h.standing).toEqual([id(s1b)]);
        expect(h.node.state).toBe('amended');
        const amend = h.steps.find((s) => s.action === 'amends');
        expect(amend).toMatchObject({
          cfId: id(s1b),
          target: id(s1),
          eventId: id(s1b),
          position: events.find((e) => e.id === id(s1b))?.position,
        });
      }));

    it('given a deprecated CF, then history shows who took it down and why, and as of before the takedown it was active', () =>
      story().then(async ({ db, events }) => {
        const now = ok(await history(db, id(s2)));
        expect(now.node.state).toBe('deprecated');
        expect(now.steps.find((s) => s.action === 'deprecated')).toMatchObject({ by: alice, reason: 'takedown', eventId: id(takedown) });
        const takedownAt = events.find((e) => e.id === id(takedown))!.position;
        const before = ok(await history(db, id(s2), { asOf: takedownAt - 1n }));
        expect(before.node.state).toBeNull();
        expect(before.steps.map((s) => s.action)).toEqual(['contributed']);
        const byTime = ok(await history(db, id(s2), { asOf: { time: new Date(Date.now() + 60_000) } }));
        expect(byTime.node.state).toBe('deprecated');
      }));

    it('given a CF not yet in the log as of a position, then history says it is not found there', () =>
      story().then(async ({ db, events }) => {
        const s1bAt = events.find((e) => e.id === id(s1b))!.position;
        const r = await history(db, id(s1b), { asOf: s1bAt - 1n });
        expect(isLeft(r) && r.left._tag).toBe('NodeNotFound');
      }));

    it('given the story, when a sample is traced down, then its labels, validations, amendment and asset appear with edge types', () =>
      story().then(async ({ db }) => {
        const t = ok(await trace(db, id(s1), { direction: 'down' }));
        const ids = t.nodes.map((n) => n.id);
        expect(ids).toEqual(expect.arrayContaining([id(s1), id(l1), id(v1), id(s1b), id(asset)]));
        expect(ids).not.toContain(alice);
        expect(t.edges.map((e) => e.type)).toEqual(expect.arrayContaining(['labels', 'validates', 'amends', 'derived-from']));
      }));

    it('given the story, when the model is traced up, then the walk reaches the run, the dataset version and its contributor', () =>
      story().then(async ({ db }) => {
        const t = ok(await trace(db, modelHash, { direction: 'up' }));
        const byId = new Map(t.nodes.map((n) => [n.id, n]));
        expect(byId.get('run-1')?.kind).toBe('training-run');
        expect(byId.get(versionId)).toMatchObject({ kind: 'dataset-version', known: false, depth: -2 });
        expect(byId.get(bob)?.kind).toBe('contributor');
      }));

    it('given a contributor with more CFs than a page of the walk, when traced with little room, then the first come in and edges between them still count', () => {
      const first: TestEnvelope = { type: 'SampleContributed', payload: samplePayload('many-0'), signer: alice };
      const second: TestEnvelope = { type: 'SampleContributed', payload: samplePayload('many-1', { amends: id(first) }), signer: alice };
      const more = Array.from({ length: 70 }, (_, i): TestEnvelope => ({
        type: 'SampleContributed',
        payload: samplePayload(`many-${i + 2}`),
        signer: alice,
      }));
      return spec
        .given([registerAlice, first, second])
        .when(more)
        .then(async ({ db }) => {
          const t = ok(await trace(db, alice, { direction: 'down', maxNodes: 3 }));
          expect(t.truncated).toBe(true);
          expect(t.nodes.map((n) => [n.id, n.depth])).toEqual([
            [alice, 0],
            ...[
              [id(first), 1],
              [id(second), 1],
            ].sort(),
          ]);
          expect(t.edges.map((e) => [e.type, e.from, e.to])).toEqual([
            ['contributed-by', id(first), alice],
            // the amendment's two edges share its position: by type then
            ['amends', id(second), id(first)],
            ['contributed-by', id(second), alice],
          ]);
          const all = ok(await trace(db, alice, { direction: 'down' }));
          expect(all.truncated).toBe(false);
          expect(all.nodes).toHaveLength(73);
          expect(all.edges).toHaveLength(73);
        });
    });

    it('given a trace, then DOT, Mermaid and SVG pictures name the nodes and the edge types', () =>
      story().then(async ({ db }) => {
        const t = ok(await trace(db, id(asset), { direction: 'up' }));
        const dot = await renderLineage(t, 'dot');
        expect(dot).toContain('digraph lineage');
        expect(dot).toContain('derived-from @');
        expect(dot).toContain('[deprecated: takedown]');
        const mermaid = await renderLineage(t, 'mermaid');
        expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
        expect(mermaid).toContain('asset: cats-v1');
        const svg = await renderLineage(t, 'svg');
        expect(svg).toContain('<svg');
        expect(svg).toContain('asset: cats'); // Graphviz writes '-' as &#45;
      }));
  });
}
