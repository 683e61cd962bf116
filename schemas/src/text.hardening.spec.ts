// Cairn hardening #13, item 3: one U+0000 in any text of an event stopped every projection for
// good (Postgres text and jsonb cannot hold it). Every string an event or a manifest carries,
// nested JSON and dictionary keys included, must refuse it at decode time, naming the field and
// the reason; lone surrogates likewise (no UTF-8, no canonical JSON).
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { EVENT_TYPES, type EventType } from './catalogue.js';
import { decodeEvent, decodeManifest, decodePayload, type DecodeFailure } from './decode/decode.js';
import { examplePayload, exampleManifest } from './examples.js';
import { jsonSchemaDocuments } from './json-schema/documents.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

const NUL = '\u0000';
const LONE = '\uD800';

/** Examples with text everywhere a payload can carry it: nested JSON, lists, dictionary keys. */
function richPayload(type: EventType): Json {
  const p = structuredClone(examplePayload(type)) as unknown as { [key: string]: Json };
  switch (type) {
    case 'SampleContributed':
      p['commitment'] = { scheme: 'hmac-sha256', value: 'a'.repeat(64), keyId: 'key-1' };
      p['attributes'] = { language: 'en', tags: ['a', { deep: ['b'] }], meta: { note: 'c' } };
      break;
    case 'LabelContributed':
      p['value'] = { box: [1, 2], names: ['cat', { alias: 'kitty' }] };
      break;
    case 'ValidationContributed':
      p['evidence'] = [{ description: 'report', uri: 'https://example.org/r' }];
      break;
    case 'AssetAssembled':
      p['transformations'] = [{ kind: 'filter', params: { by: ['lang', { eq: 'en' }] }, description: 'english only' }];
      break;
    case 'ManifestDefined':
      (p['manifest'] as { [key: string]: Json })['candidates'] = { kinds: ['sample'], sources: ['web', 'books'], assets: 'any' };
      break;
    case 'TrainingRunRecorded':
      p['hyperparameters'] = { optimizer: { name: 'adam', betas: [0.9, 0.99] }, schedule: 'cosine' };
      break;
    case 'ContributorRoleRevoked':
      p['note'] = 'left the team';
      break;
    case 'LogCheckpointed':
      p['timestamp'] = '2024-05-01T12:00:00Z';
      break;
    default:
      break;
  }
  return p;
}

function richManifest(): Json {
  const m = structuredClone(exampleManifest()) as unknown as { [key: string]: Json };
  m['candidates'] = { kinds: ['sample', 'label'], sources: ['web', 'books'], assets: 'any' };
  return m;
}

/** Every string leaf of a JSON value, with its path. */
function stringLeaves(value: Json, path: Path = []): Path[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function setAt(value: Json, path: Path, leaf: Json): Json {
  const copy = structuredClone(value);
  let node = copy as { [key: string | number]: Json };
  for (const key of path.slice(0, -1)) node = node[key] as { [key: string | number]: Json };
  node[path[path.length - 1]!] = leaf;
  return copy;
}

function getAt(value: Json, path: Path): Json {
  let node = value;
  for (const key of path) node = (node as { [key: string | number]: Json })[key]!;
  return node;
}

/** A path as the decode errors spell it: `attributes.tags[1].deep[0]`. */
function rendered(path: Path): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`))
    .join('')
    .replace(/^\./, '');
}

interface Subject {
  readonly name: string;
  readonly value: Json;
  readonly decode: (u: unknown) => E.Either<DecodeFailure, unknown>;
}

const subjects: Subject[] = [
  ...EVENT_TYPES.map((type) => ({ name: type, value: richPayload(type), decode: (u: unknown) => decodePayload(type, u) })),
  { name: 'Manifest', value: richManifest(), decode: decodeManifest },
];

const problemsOf = (result: E.Either<DecodeFailure, unknown>) => (E.isLeft(result) ? result.left.problems : []);

describe('hardening: text the ledger cannot store is refused at decode time', () => {
  it.each(subjects.map((s) => [s.name, s] as const))(
    'given the rich %s example, then it decodes (the cases below start from a valid value)',
    (_name, subject) => {
      expect(problemsOf(subject.decode(subject.value))).toEqual([]);
    },
  );

  const leafCases = subjects.flatMap((subject) =>
    stringLeaves(subject.value).map((path) => [subject.name, rendered(path), subject, path] as const),
  );

  it.each(leafCases)(
    'given a NUL inside %s %s, when decoded, then it is refused with a problem at that field',
    (_name, field, subject, path) => {
      const original = getAt(subject.value, path) as string;
      const withNul = `${original.slice(0, 1)}${NUL}${original.slice(1)}`;
      const problems = problemsOf(subject.decode(setAt(subject.value, path, withNul)));
      expect(problems.map((p) => p.path)).toContain(field);
      // Free text (anything that would take "free text" in its place) must say why it was refused:
      // the NUL is invisible in most renderings of the value.
      const freeText = problemsOf(subject.decode(setAt(subject.value, path, 'free text'))).length === 0;
      if (freeText) expect(problems.find((p) => p.path === field)?.message).toMatch(/U\+0000 \(NUL\)/);
    },
  );

  const freeTextCases = leafCases.filter(
    ([, , subject, path]) => problemsOf(subject.decode(setAt(subject.value, path, 'free text'))).length === 0,
  );

  it('given the rich examples, then the free-text fields under test include every kind the issue names', () => {
    const fields = freeTextCases.map(([name, field]) => `${name}.${field}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'SampleContributed.source',
        'SampleContributed.attributes.tags[1].deep[0]',
        'LabelContributed.labelType',
        'LabelContributed.value.names[1].alias',
        'Manifest.candidates.sources[0]',
        'Manifest.labels.required[0]',
        'TrainingRunRecorded.environment.python',
        'TrainingRunRecorded.hyperparameters.optimizer.name',
        'AssetAssembled.transformations[0].params.by[1].eq',
      ]),
    );
  });

  it.each(freeTextCases)(
    'given a lone surrogate inside %s %s, when decoded, then it is refused with the reason',
    (_name, field, subject, path) => {
      const problems = problemsOf(subject.decode(setAt(subject.value, path, `x${LONE}`)));
      expect(problems.find((p) => p.path === field)?.message).toMatch(/lone UTF-16 surrogates/);
    },
  );

  const keyCases: readonly (readonly [string, EventType, Path])[] = [
    ['an attributes key', 'SampleContributed', ['attributes']],
    ['a nested attributes key', 'SampleContributed', ['attributes', 'meta']],
    ['a label value key', 'LabelContributed', ['value']],
    ['a transformation params key', 'AssetAssembled', ['transformations', 0, 'params']],
    ['a hyperparameters key', 'TrainingRunRecorded', ['hyperparameters', 'optimizer']],
    ['an environment key', 'TrainingRunRecorded', ['environment']],
    ['a seeds key', 'TrainingRunRecorded', ['seeds']],
  ];

  it.each(keyCases)('given a NUL in %s of a %s payload, when decoded, then the key is refused with the reason', (_what, type, path) => {
    const payload = richPayload(type);
    const object = getAt(payload, path) as { [key: string]: Json };
    const key = `bad${NUL}key`;
    const changed = setAt(payload, path, { ...object, [key]: 'v' });
    const problems = problemsOf(decodePayload(type, changed));
    expect(problems.map((p) => [p.path, p.message.includes('U+0000 (NUL)')])).toContainEqual([rendered([...path, key]), true]);
  });

  it('given a SampleContributed envelope with a NUL source, when decoded as a log event, then the one-line error names the field and the reason', () => {
    const payload = { ...(richPayload('SampleContributed') as object), source: `web${NUL}` };
    const result = decodeEvent({ type: 'SampleContributed', payload, signer: 'c'.repeat(64), signature: 'ab'.repeat(64) });
    expect(problemsOf(result).map((p) => p.message)).toEqual([
      'SampleContributed.payload.source: expected text without U+0000 (NUL), which Postgres text and jsonb cannot store, got "web\\u0000"',
    ]);
  });

  it('given the generated JSON Schema, when a NUL source is validated, then the schema refuses it too', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false });
    for (const doc of jsonSchemaDocuments()) ajv.addSchema(doc.schema);
    const validate = ajv.getSchema('urn:cairn:schema:v1:SampleContributed')!;
    const envelope = (source: string) => ({
      type: 'SampleContributed',
      payload: { ...(richPayload('SampleContributed') as object), source },
      signer: 'c'.repeat(64),
      signature: 'ab'.repeat(64),
    });
    expect([validate(envelope('web')), validate(envelope(`web${NUL}`)), validate(envelope(`${NUL} `))]).toEqual([true, false, false]);
  });
});
