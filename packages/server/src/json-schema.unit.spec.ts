// The io-ts -> JSON Schema converter, checked against the codecs the server decodes with: for
// sample values, the generated schema (under a real JSON Schema 2020-12 validator) accepts
// exactly what the codec accepts, strictly (unknown fields refused by both).
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { BatchAccepted, DiffQuery, EventBatch, MembersQuery, Problem, TraceQuery, WhyQuery } from './codecs.js';
import { decodeStrict } from './decode.js';
import { toJsonSchema } from './json-schema.js';

const ajv = new Ajv2020({ strict: false });
const hex = 'a'.repeat(64);
const envelope = { type: 'LabelContributed', payload: { any: ['thing'] }, signer: hex, signature: 'sig' };

const cases: readonly (readonly [string, t.Mixed, readonly unknown[]])[] = [
  [
    'EventBatch',
    EventBatch,
    [
      { events: [{ envelope }] },
      { events: [{ envelope, sample: { bytes: 'aGVsbG8=' } }] },
      { events: [{ envelope, sample: { bytes: 'aGVsbG8=', salt: 'AA==' } }] },
      { events: [] },
      { events: [{ envelope: { ...envelope, extra: 1 } }] },
      { events: [{ envelope: { ...envelope, signer: 'xyz' } }] },
      { events: [{ envelope, sample: { bytes: 'not base64!' } }] },
      { events: [{ envelope, sample: {} }] },
      { events: [{}] },
      { events: 'all' },
      {},
      null,
    ],
  ],
  [
    'MembersQuery',
    MembersQuery,
    [
      {},
      { limit: '10' },
      { limit: 'ten' },
      { cursor: 'abc', asOf: '12' },
      { asOf: '2026-01-02T03:04:05Z' },
      { asOf: 'now' },
      { page: '2' },
    ],
  ],
  ['WhyQuery', WhyQuery, [{ in: 'd@1' }, { in: 'd@1', asOf: '3' }, {}, { in: 3 }, { in: 'd@1', extra: 'x' }]],
  ['DiffQuery', DiffQuery, [{ from: 'a', to: 'b' }, { from: 'a' }, { from: 'a', to: 'b', asOf: 'x' }]],
  ['TraceQuery', TraceQuery, [{}, { direction: 'up', depth: '3' }, { direction: 'sideways' }, { depth: '-1' }]],
  [
    'BatchAccepted',
    BatchAccepted,
    [
      { receipts: [{ id: 'a'.repeat(64), type: 't', stream: 's', position: '3', alreadyAppended: false }], head: '3' },
      { receipts: [{ id: 'a'.repeat(64), type: 't', stream: 's', position: 3, alreadyAppended: false }], head: '3' },
      { receipts: [{ id: 'i', type: 't', stream: 's', position: '3', alreadyAppended: false }], head: '3' },
    ],
  ],
  [
    'Problem',
    Problem,
    [
      { type: 'u', title: 't', status: 400, detail: 'd' },
      { type: 'u', title: 't', status: 400, detail: 'd', errors: [{ field: 'f', reason: 'r' }], index: 1 },
      { type: 'u', title: 't', status: '400', detail: 'd' },
    ],
  ],
];

describe('toJsonSchema', () => {
  for (const [name, codec, values] of cases)
    it(`given the ${name} codec, then its schema accepts and refuses the same values the strict decoder does`, () => {
      const validate = ajv.compile(toJsonSchema(codec));
      for (const value of values) {
        const byCodec = E.isRight(decodeStrict(codec, value, 'v'));
        expect({ value, valid: validate(value) }).toEqual({ value, valid: byCodec });
      }
      // the sample values are not all of one kind: each case has something accepted and something refused
      const verdicts = new Set(values.map((v) => E.isRight(decodeStrict(codec, v, 'v'))));
      expect(verdicts.size).toBe(2);
    });

  it('given a codec it has no schema for, then it refuses at once rather than describing it as anything', () => {
    expect(() => toJsonSchema(t.record(t.string, t.number))).toThrow(/no JSON Schema/);
  });

  it('given an exact intersection, then it is one object with the required fields of its parts and no others', () => {
    expect(toJsonSchema(WhyQuery)).toMatchObject({ type: 'object', required: ['in'], additionalProperties: false });
  });
});

describe('decodeStrict', () => {
  it('names an unknown field and a wrong type by their path through arrays and intersections', () => {
    const unknown = decodeStrict(EventBatch, { events: [{ envelope, sample: { bytes: '', pepper: 1 } }] }, 'body');
    expect(unknown).toEqual(E.left([{ field: 'body.events[0].sample.pepper', reason: 'unknown field' }]));
    const wrong = decodeStrict(EventBatch, { events: [{ envelope: { ...envelope, signature: 7 } }] }, 'body');
    expect(E.isLeft(wrong) && wrong.left.map((p) => p.field)).toEqual(['body.events[0].envelope.signature']);
  });

  it('tells a union member by its keys: a sealed envelope is held to the sealed form alone, for unknown fields and for failures', () => {
    const { signature: _signature, ...unsigned } = envelope;
    const sealed = { ...unsigned, seal: { id: 'a'.repeat(64), index: 0 } };
    expect(E.isRight(decodeStrict(EventBatch, { events: [{ envelope: sealed }] }, 'body'))).toBe(true);
    const extra = decodeStrict(EventBatch, { events: [{ envelope: { ...sealed, seal: { ...sealed.seal, pepper: 1 } } }] }, 'body');
    expect(extra).toEqual(E.left([{ field: 'body.events[0].envelope.seal.pepper', reason: 'unknown field' }]));
    const wrong = decodeStrict(EventBatch, { events: [{ envelope: { ...sealed, seal: { ...sealed.seal, index: 'first' } } }] }, 'body');
    expect(E.isLeft(wrong) && wrong.left.map((p) => p.field)).toEqual(['body.events[0].envelope.seal.index']);
  });
});
