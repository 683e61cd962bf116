// The node reads status, labels and the report's erasure count rely on, through the given/when/then
// kit: given registered contributors and their CFs, then the graph counts its nodes by kind, names
// the nodes it knows, and counts erasures up to a position.
import { describe, expect, it } from '@jest/globals';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import {
  envelopeEvent,
  labelPayload,
  projectionSpecification,
  samplePayload,
  testContributorId,
  testDigest,
  validationPayload,
  type TestEnvelope,
} from '@cairn/projector';
import { lineageProjection } from './projection.js';
import { contributorsByName, erasedNodeCount, nodeCountsByKind, nodeLabels } from './node-reads.js';

const alice = testContributorId('alice');
const bob = testContributorId('bob');
const id = (e: TestEnvelope) => envelopeEvent(e).id;

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
const erase2: TestEnvelope = { type: 'SampleErased', payload: { sample: id(s2), reason: 'GDPR article 17 request' }, signer: alice };

const spec = projectionSpecification({ projections: [lineageProjection] });

describe('lineage node reads (PGlite)', () => {
  it('given two contributors, two samples, a label and a validation, then the nodes are counted by kind, every kind present', () =>
    spec.given([registerAlice, registerBob, s1, s2, l1, v1]).then(async ({ db }) => {
      expect(await nodeCountsByKind(db)).toEqual({
        contributor: 2,
        sample: 2,
        label: 1,
        validation: 1,
        asset: 0,
        'dataset-version': 0,
        'training-run': 0,
        model: 0,
      });
    }));

  it('given nothing, then every kind counts zero', () =>
    spec.given([]).then(async ({ db }) => {
      expect(Object.values(await nodeCountsByKind(db))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }));

  it('given registered contributors, then their labels are their names, an id twice is answered once, and an unknown id is left out', async () =>
    spec.given([registerAlice, registerBob, s1]).then(async ({ db }) => {
      const labels = await nodeLabels(db, [alice, bob, alice, testDigest('nobody')]);
      expect([...labels].sort()).toEqual(
        [
          [alice, 'Alice'],
          [bob, 'Bob'],
        ].sort(),
      );
      expect(await nodeLabels(db, [])).toEqual(new Map());
    }));

  it('given a sample erased at position P, then the erasure is counted up to P and not before', () =>
    spec
      .given([registerAlice, s1, s2])
      .when([erase2])
      .then(async ({ db, events }) => {
        const at = events.at(-1)!.position;
        expect(await erasedNodeCount(db, at)).toBe(1);
        expect(await erasedNodeCount(db, at - 1n)).toBe(0);
      }));

  it('given Alice, Bob and an "Al_x" registered, when contributors are searched by a name or id prefix, then those registered by then match, by name, in any case', () => {
    const al = testContributorId('al_x');
    const registerAlx: TestEnvelope = {
      type: 'ContributorRegistered',
      payload: { publicKey: testDigest('alx-key'), name: 'Al_x' },
      signer: al,
    };
    return spec.given([registerAlice, registerBob, s1, registerAlx]).then(async ({ db, events }) => {
      const names = async (prefix: string, limit = 10, upTo?: bigint) =>
        (await contributorsByName(db, prefix, limit, upTo)).map((c) => c.name);
      expect(await names('al')).toEqual(['Al_x', 'Alice']);
      expect(await names('AL', 1)).toEqual(['Al_x']);
      // `_` is a letter here, not LIKE's any-character.
      expect(await names('Al_')).toEqual(['Al_x']);
      expect(await names(bob.slice(0, 10).toUpperCase())).toEqual(['Bob']);
      expect(await names('zed')).toEqual([]);
      // Before Al_x registered, only Alice answers.
      expect(await names('al', 10, events.at(-1)!.position - 1n)).toEqual(['Alice']);
      const [alice0] = await contributorsByName(db, 'alice', 1);
      expect(alice0).toEqual({ contributorId: alice, name: 'Alice', eventId: events[0]!.id, position: events[0]!.position });
    });
  });
});
