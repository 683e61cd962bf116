import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from 'io-ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { EVENT_TYPES, payloadCodecs } from '../catalogue.js';
import { examplePayload, exampleManifest } from '../examples.js';
import { jsonSchemaDocuments, jsonSchemaOf } from './documents.js';

const jsonDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../json');
const documents = jsonSchemaDocuments();

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
for (const doc of documents) ajv.addSchema(doc.schema);
const validatorOf = (name: string) => {
  const validate = ajv.getSchema(`urn:cairn:schema:v1:${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
};

const SIGNER = 'c'.repeat(64);
const SIGNATURE = 'ab'.repeat(64);
const envelope = (type: string, payload: unknown) => ({ type, payload, signer: SIGNER, signature: SIGNATURE });

describe('schemas/json', () => {
  it('given the codecs, when regenerated in memory, then every committed file is identical', () => {
    const onDisk = readdirSync(jsonDir)
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    const stale =
      JSON.stringify(onDisk) !== JSON.stringify(documents.map((d) => d.fileName).sort()) ||
      documents.some((d) => readFileSync(path.join(jsonDir, d.fileName), 'utf8') !== d.text);
    if (stale) throw new Error('schemas/json is stale, run npm run generate -w @cairn/schemas');
    expect(stale).toBe(false);
  });

  it('given every document, then it is a valid draft 2020-12 schema that ajv compiles in strict mode', () => {
    for (const doc of documents) expect(ajv.validateSchema(doc.schema)).toBe(true);
    expect(documents.map((d) => d.name)).toEqual([...EVENT_TYPES, 'Manifest', 'CairnEvent']);
  });
});

describe('JSON Schema agrees with the codecs', () => {
  it.each(EVENT_TYPES)('given a valid %s, then its own schema and the CairnEvent schema accept it', (type) => {
    const event = envelope(type, examplePayload(type));
    expect(validatorOf(type)(event)).toBe(true);
    expect(validatorOf('CairnEvent')(event)).toBe(true);
  });

  /** The required and optional field names of a payload codec, read off its io-ts structure. */
  function fieldsOf(codec: t.Any): { required: string[]; all: string[] } {
    type Node = t.Any & { _tag?: string; type?: Node; types?: Node[]; props?: t.Props };
    let node = codec as Node;
    while (node._tag !== 'ExactType') node = node.type!;
    const parts = node.type!._tag === 'IntersectionType' ? node.type!.types! : [node.type!];
    const required = parts.filter((p) => p._tag === 'InterfaceType').flatMap((p) => Object.keys(p.props!));
    return { required, all: parts.flatMap((p) => Object.keys(p.props!)) };
  }

  it.each(EVENT_TYPES)("given a %s payload, then the schema's required fields and properties are exactly the codec's", (type) => {
    type EnvelopeSchema = { properties: { payload: { properties: object; required?: string[]; additionalProperties: boolean } } };
    const document = documents.find((d) => d.name === type)!.schema as EnvelopeSchema & { $defs?: Record<string, EnvelopeSchema> };
    // A CF's schema is either form of its envelope (signed or sealed); both carry the same payload.
    const schema = document.properties ? document : document.$defs![`${type}Event`]!;
    const fields = fieldsOf(payloadCodecs[type] as unknown as t.Any);
    expect(schema.properties.payload.required ?? []).toEqual(fields.required);
    expect(Object.keys(schema.properties.payload.properties)).toEqual(fields.all);
    expect(schema.properties.payload.additionalProperties).toBe(false);
  });

  it('given a valid manifest, then the Manifest schema accepts it', () => {
    expect(validatorOf('Manifest')(exampleManifest())).toBe(true);
  });

  const rejected: ReadonlyArray<[string, string, (p: Record<string, unknown>) => void]> = [
    ['an unknown field', 'SampleContributed', (p) => (p['licence'] = 'MIT')],
    ['an uppercase id', 'SampleErased', (p) => (p['sample'] = 'A'.repeat(64))],
    ['a missing field', 'ContributorRegistered', (p) => delete p['name']],
    ['an empty target list', 'LabelContributed', (p) => (p['targets'] = [])],
    ['a repeated target', 'ValidationContributed', (p) => (p['targets'] = ['a'.repeat(64), 'a'.repeat(64)])],
    ['a score verdict without score', 'ValidationContributed', (p) => delete p['score']],
    ['an approval with a score', 'ValidationContributed', (p) => (p['verdict'] = 'approve')],
    ['personal data with a plain hash', 'SampleContributed', (p) => (p['personalData'] = true)],
    ['hmac without a key id', 'SampleContributed', (p) => (p['commitment'] = { scheme: 'hmac-sha256', value: 'a'.repeat(64) })],
    ['a negative size', 'SampleContributed', (p) => (p['size'] = -1)],
    ['a fractional size', 'SampleContributed', (p) => (p['size'] = 0.5)],
    ['a proof without previous size', 'LogCheckpointed', (p) => delete p['previousSize']],
    ['an unknown enum value', 'ContributionDeprecated', (p) => (p['reason'] = 'spite')],
    ['a bad dataset name', 'DatasetDefined', (p) => (p['name'] = 'Cats!')],
    ['a bad seed', 'TrainingRunRecorded', (p) => (p['seeds'] = { data: -1 })],
    ['an empty environment key', 'TrainingRunRecorded', (p) => (p['environment'] = { '': 'x' })],
  ];

  it.each(rejected)('given %s in %s, then both the codec and the schema reject it', (_what, type, change) => {
    const payload = examplePayload(type as (typeof EVENT_TYPES)[number]) as unknown as Record<string, unknown>;
    change(payload);
    const event = envelope(type, payload);
    expect(validatorOf(type)(event)).toBe(false);
    expect(validatorOf('CairnEvent')(event)).toBe(false);
    expect(payloadCodecs[type as (typeof EVENT_TYPES)[number]].is(payload)).toBe(false);
  });

  it('given an unknown event type, then the union schema rejects it', () => {
    expect(validatorOf('CairnEvent')(envelope('Nope', {}))).toBe(false);
  });
});

describe('jsonSchemaOf', () => {
  it('given a codec it has no rule for, then it refuses rather than emit a permissive schema', () => {
    const opaque = new t.Type<string>(
      'Opaque',
      (u): u is string => typeof u === 'string',
      (u, c) => t.failure(u, c),
      t.identity,
    );
    expect(() => jsonSchemaOf(opaque, 'Opaque', '')).toThrow('no JSON Schema rule for codec Opaque');
  });

  it('given plain io-ts codecs, then it maps each tag to its JSON Schema', () => {
    const codec = t.type({
      a: t.union([t.string, t.null]),
      b: t.partial({ c: t.array(t.number) }),
      d: t.keyof({ x: null, y: null }),
      e: t.union([t.literal(1), t.literal(2)]),
      f: t.record(t.string, t.boolean),
    });
    expect(jsonSchemaOf(codec, 'T', 'test')).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:cairn:schema:v1:T',
      title: 'T',
      description: 'test',
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        b: { type: 'object', properties: { c: { type: 'array', items: { type: 'number' } } } },
        d: { type: 'string', enum: ['x', 'y'] },
        e: { enum: [1, 2] },
        f: { type: 'object', additionalProperties: { type: 'boolean' } },
      },
      required: ['a', 'b', 'd', 'e', 'f'],
    });
  });
});
