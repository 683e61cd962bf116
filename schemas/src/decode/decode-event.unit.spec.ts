import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { EVENT_TYPES, type EventType } from '../catalogue.js';
import { examplePayload } from '../examples.js';
import { decodeEvent, decodeEventOf, decodePayload, formatDecodeFailure, type DecodeFailure } from './decode.js';

const SIGNER = 'c'.repeat(64);
const SIGNATURE = 'ab'.repeat(64);
const CF = 'a'.repeat(64);

function envelope(type: string, payload: unknown): Record<string, unknown> {
  return { type, payload, signer: SIGNER, signature: SIGNATURE };
}

function failureOf(u: unknown): DecodeFailure {
  const result = decodeEvent(u);
  if (E.isRight(result)) throw new Error(`expected a failure, decoded ${JSON.stringify(u)}`);
  return result.left;
}

function linesFor(type: EventType, change: (payload: Record<string, unknown>) => void): string[] {
  const payload = examplePayload(type) as unknown as Record<string, unknown>;
  change(payload);
  return failureOf(envelope(type, payload)).problems.map((p) => p.message);
}

describe('decodeEvent', () => {
  it.each(EVENT_TYPES)('given a valid %s envelope, when decoded, then it comes back unchanged', (type) => {
    const input = envelope(type, examplePayload(type));
    const result = decodeEvent(input);
    expect(result).toEqual(E.right(input));
    // Identity, not a copy with fields dropped or added: what was signed is what was decoded.
    expect(E.isRight(result) && result.right).toBe(input);
  });

  it('given a sealed CF (seal in place of a signature), then it decodes unchanged; a non-CF cannot be sealed', () => {
    const sealed = { type: 'LabelContributed', payload: examplePayload('LabelContributed'), signer: SIGNER, seal: { id: CF, index: 3 } };
    expect(E.isRight(decodeEvent(sealed)) && decodeEvent(sealed)).toEqual(E.right(sealed));
    const asset = { type: 'AssetAssembled', payload: examplePayload('AssetAssembled'), signer: SIGNER, seal: { id: CF, index: 0 } };
    expect(formatDecodeFailure(failureOf(asset))).toMatch(/AssetAssembled: unexpected field "seal"/);
  });

  it('given a CF with both a signature and a seal, or a seal with a negative index, then the field is named', () => {
    const both = { ...envelope('SampleContributed', examplePayload('SampleContributed')), seal: { id: CF, index: 0 } };
    expect(formatDecodeFailure(failureOf(both))).toBe('SampleContributed: unexpected field "signature"');
    const negative = {
      type: 'SampleContributed',
      payload: examplePayload('SampleContributed'),
      signer: SIGNER,
      seal: { id: CF, index: -1 },
    };
    expect(formatDecodeFailure(failureOf(negative))).toMatch(/^SampleContributed\.seal\.index: expected /);
  });

  it('given an unknown type, then one line names it and lists the known types', () => {
    const failure = failureOf(envelope('SampleContributedd', {}));
    expect(failure.type).toBeNull();
    expect(failure.problems).toHaveLength(1);
    expect(failure.problems[0]).toMatchObject({ path: 'type', actual: 'SampleContributedd' });
    expect(formatDecodeFailure(failure)).toBe(`unknown event type "SampleContributedd", expected one of ${EVENT_TYPES.join(', ')}`);
  });

  it('given no type at all, then it says the type is undefined', () => {
    expect(formatDecodeFailure(failureOf({ payload: {} }))).toMatch(
      /^unknown event type undefined, expected one of ContributorRegistered, /,
    );
  });

  it('given something that is not an object, then the event as a whole is rejected', () => {
    expect(formatDecodeFailure(failureOf(42))).toBe('event: expected an event envelope object (type, payload, signer, signature), got 42');
    expect(formatDecodeFailure(failureOf([1]))).toBe(
      'event: expected an event envelope object (type, payload, signer, signature), got [1]',
    );
  });

  it('given a bad license, then the line names type, path, expectation and value', () => {
    const failure = failureOf(envelope('SampleContributed', { ...examplePayload('SampleContributed'), license: 'MIT or whatever' }));
    expect(failure).toEqual({
      _tag: 'DecodeFailure',
      type: 'SampleContributed',
      problems: [
        {
          path: 'payload.license',
          expected: 'an SPDX expression',
          actual: 'MIT or whatever',
          message: 'SampleContributed.payload.license: expected an SPDX expression, got "MIT or whatever"',
        },
      ],
    });
  });

  it('given a misspelt field, then it is an unexpected field, not silently dropped', () => {
    const failure = failureOf(envelope('SampleContributed', { ...examplePayload('SampleContributed'), licence: 'MIT' }));
    expect(failure.problems).toEqual([
      {
        path: 'payload',
        expected: 'only the fields commitment, mediaType, size, license, source, personalData, amends, supersedes, attributes',
        actual: 'licence',
        message: 'SampleContributed.payload: unexpected field "licence"',
      },
    ]);
  });

  it('given an unexpected field on the envelope, then it is reported at the root', () => {
    const failure = failureOf({ ...envelope('DatasetDefined', examplePayload('DatasetDefined')), id: CF });
    expect(formatDecodeFailure(failure)).toBe('DatasetDefined: unexpected field "id"');
  });

  it('given several problems, then each gets its own line in field order', () => {
    const failure = failureOf({ type: 'SampleContributed', signature: 'AB' });
    expect(formatDecodeFailure(failure).split('\n')).toEqual([
      'SampleContributed.payload: expected an object, got undefined',
      'SampleContributed.signer: expected a ContributorId (64 lowercase hex), got undefined',
      'SampleContributed.signature: expected an Ed25519 signature (128 lowercase hex), got "AB"',
    ]);
  });

  const cases: ReadonlyArray<[string, EventType, (p: Record<string, unknown>) => void, string[]]> = [
    [
      'a missing reference',
      'ContributionDeprecated',
      (p) => delete p['target'],
      ['ContributionDeprecated.payload.target: expected a CfId (64 lowercase hex), got undefined'],
    ],
    [
      'an uppercase id',
      'SampleErased',
      (p) => (p['sample'] = CF.toUpperCase()),
      [`SampleErased.payload.sample: expected a CfId (64 lowercase hex), got "${CF.toUpperCase()}"`],
    ],
    [
      'a short public key',
      'ContributorRegistered',
      (p) => (p['publicKey'] = 'abc'),
      ['ContributorRegistered.payload.publicKey: expected an Ed25519 public key (64 lowercase hex), got "abc"'],
    ],
    [
      'a blank name',
      'ContributorRegistered',
      (p) => (p['name'] = '  '),
      ['ContributorRegistered.payload.name: expected a non-empty string, got "  "'],
    ],
    [
      'a lone surrogate',
      'ContributorRegistered',
      (p) => (p['name'] = 'Ada\uD800'),
      [
        'ContributorRegistered.payload.name: expected text without lone UTF-16 surrogates, which have no UTF-8 or canonical JSON form, got "Ada\\ud800"',
      ],
    ],
    [
      'an unknown role',
      'ContributorRoleGranted',
      (p) => (p['role'] = 'owner'),
      ['ContributorRoleGranted.payload.role: expected one of "curator", "admin", "reader", "steward", "maintainer", got "owner"'],
    ],
    [
      'a maintainer grant without its dataset',
      'ContributorRoleGranted',
      (p) => (p['role'] = 'maintainer'),
      [
        'ContributorRoleGranted.payload.dataset: expected the dataset the maintainer role is for (required when role is "maintainer"), got undefined',
      ],
    ],
    [
      'a ledger-wide role scoped to a dataset',
      'ContributorRoleGranted',
      (p) => (p['dataset'] = 'corpus'),
      [
        'ContributorRoleGranted.payload.dataset: expected no dataset (only the maintainer role is scoped to one; curator is ledger-wide), got "corpus"',
      ],
    ],
    [
      'an unknown revocation reason',
      'ContributorKeyRevoked',
      (p) => (p['reason'] = 'bored'),
      ['ContributorKeyRevoked.payload.reason: expected one of "compromised", "retired", "lost", "other", got "bored"'],
    ],
    [
      'a media type with capitals',
      'SampleContributed',
      (p) => (p['mediaType'] = 'Text/Plain'),
      [
        'SampleContributed.payload.mediaType: expected a media type (RFC 6838 type/subtype in lowercase, e.g. "text/plain"), got "Text/Plain"',
      ],
    ],
    [
      'a negative size',
      'SampleContributed',
      (p) => (p['size'] = -1),
      ['SampleContributed.payload.size: expected a non-negative integer, got -1'],
    ],
    [
      'a fractional size',
      'SampleContributed',
      (p) => (p['size'] = 1.5),
      ['SampleContributed.payload.size: expected a non-negative integer, got 1.5'],
    ],
    [
      'personal data with a plain hash',
      'SampleContributed',
      (p) => (p['personalData'] = true),
      [
        'SampleContributed.payload.commitment.scheme: expected "hmac-sha256" (a personal-data sample needs a keyed commitment), got "sha256"',
      ],
    ],
    [
      'an hmac commitment without a key id',
      'SampleContributed',
      (p) => (p['commitment'] = { scheme: 'hmac-sha256', value: CF }),
      [
        'SampleContributed.payload.commitment.keyId: expected the id of the HMAC key (required when scheme is "hmac-sha256"), got undefined',
      ],
    ],
    [
      'a sha256 commitment with a key id',
      'SampleContributed',
      (p) => (p['commitment'] = { scheme: 'sha256', value: CF, keyId: 'k1' }),
      ['SampleContributed.payload.commitment.keyId: expected no keyId (a plain sha256 commitment has no key), got "k1"'],
    ],
    [
      'an unknown commitment scheme',
      'SampleContributed',
      (p) => (p['commitment'] = { scheme: 'md5', value: CF }),
      ['SampleContributed.payload.commitment.scheme: expected one of "sha256", "hmac-sha256", got "md5"'],
    ],
    [
      'attributes that are not an object',
      'SampleContributed',
      (p) => (p['attributes'] = [1]),
      ['SampleContributed.payload.attributes: expected a JSON object, got [1]'],
    ],
    [
      'no targets',
      'LabelContributed',
      (p) => (p['targets'] = []),
      ['LabelContributed.payload.targets: expected a non-empty list of distinct CfIds, got []'],
    ],
    [
      'a repeated target',
      'LabelContributed',
      (p) => (p['targets'] = [CF, CF]),
      [`LabelContributed.payload.targets: expected a non-empty list of distinct CfIds, got ["${CF}","aaaaaaaaaa…`],
    ],
    [
      'a bad target among good ones',
      'LabelContributed',
      (p) => (p['targets'] = [CF, 'nope']),
      ['LabelContributed.payload.targets[1]: expected a CfId (64 lowercase hex), got "nope"'],
    ],
    [
      'a non-JSON label value',
      'LabelContributed',
      (p) => (p['value'] = { box: [1, Number.NaN], 'x y': 2 ** 60 }),
      [
        'LabelContributed.payload.value.box[1]: expected a finite number, got NaN',
        'LabelContributed.payload.value["x y"]: expected an integer within ±(2^53 - 1), got 1152921504606847000',
      ],
    ],
    [
      'a missing label value',
      'LabelContributed',
      (p) => delete p['value'],
      ['LabelContributed.payload.value: expected a JSON value (null, boolean, number, string, list or object), got undefined'],
    ],
    [
      'a score verdict without a score',
      'ValidationContributed',
      (p) => delete p['score'],
      ['ValidationContributed.payload.score: expected a probability (a number from 0 to 1) when verdict is "score", got undefined'],
    ],
    [
      'an approval with a score',
      'ValidationContributed',
      (p) => (p['verdict'] = 'approve'),
      ['ValidationContributed.payload.score: expected no score when verdict is "approve", got 0.9'],
    ],
    [
      'a score above one',
      'ValidationContributed',
      (p) => (p['score'] = 1.5),
      ['ValidationContributed.payload.score: expected a probability (a number from 0 to 1), got 1.5'],
    ],
    [
      'evidence without a description',
      'ValidationContributed',
      (p) => (p['evidence'] = [{ uri: 'https://x' }]),
      ['ValidationContributed.payload.evidence[0].description: expected a non-empty string, got undefined'],
    ],
    [
      'an unknown deprecation reason',
      'ContributionDeprecated',
      (p) => (p['reason'] = 'spite'),
      ['ContributionDeprecated.payload.reason: expected one of "dispute", "takedown", "erasure", "quality", "other", got "spite"'],
    ],
    [
      'a transformation with extra fields',
      'AssetAssembled',
      (p) => (p['transformations'] = [{ kind: 'filter', params: {}, by: 'me' }]),
      ['AssetAssembled.payload.transformations[0]: unexpected field "by"'],
    ],
    [
      'an unknown transformation kind',
      'AssetAssembled',
      (p) => (p['transformations'] = [{ kind: 'magic', params: {} }]),
      [
        'AssetAssembled.payload.transformations[0].kind: expected one of "filter", "dedup", "redaction", "normalization", "augmentation", "other", got "magic"',
      ],
    ],
    [
      'an incomplete manifest',
      'ManifestDefined',
      (p) => delete (p['manifest'] as Record<string, unknown>)['dedup'],
      ['ManifestDefined.payload.manifest.dedup: expected one of "content-commitment", "none", got undefined'],
    ],
    [
      'a dataset name with capitals',
      'DatasetDefined',
      (p) => (p['name'] = 'Cats'),
      [
        'DatasetDefined.payload.name: expected a dataset name (lowercase slug of a-z, 0-9, ".", "_", "-", 1 to 64 characters, starting and ending with a letter or digit), got "Cats"',
      ],
    ],
    [
      'a build without a manifest id',
      'DatasetBuildRequested',
      (p) => delete p['manifestId'],
      ['DatasetBuildRequested.payload.manifestId: expected a SHA-256 digest (64 lowercase hex), got undefined'],
    ],
    [
      'a run id with a slash',
      'TrainingRunRecorded',
      (p) => (p['runId'] = 'a/b'),
      [
        'TrainingRunRecorded.payload.runId: expected a run id (A-Z, a-z, 0-9, ".", "_", "-", 1 to 128 characters, starting and ending with a letter or digit), got "a/b"',
      ],
    ],
    [
      'a seed beyond 2^53',
      'TrainingRunRecorded',
      (p) => (p['seeds'] = { data: 2 ** 64 }),
      ['TrainingRunRecorded.payload.seeds.data: expected a non-negative integer, got 18446744073709552000'],
    ],
    [
      'an empty environment key',
      'TrainingRunRecorded',
      (p) => (p['environment'] = { '': 'x' }),
      ['TrainingRunRecorded.payload.environment[""]: expected a key that is a non-empty string, got ""'],
    ],
    [
      'a dataset reference without version',
      'TrainingRunRecorded',
      (p) => (p['dataset'] = { name: 'cats' }),
      ['TrainingRunRecorded.payload.dataset.versionId: expected a SHA-256 digest (64 lowercase hex), got undefined'],
    ],
    [
      'a float64 artifact',
      'GradientsRecorded',
      (p) => ((p['artifact'] as Record<string, unknown>)['dtype'] = 'float64'),
      ['GradientsRecorded.payload.artifact.dtype: expected "float32", got "float64"'],
    ],
    [
      'a row map shorter than the artifact',
      'GradientsRecorded',
      (p) => (p['rowMap'] = [CF]),
      [`GradientsRecorded.payload.rowMap: expected 2 CfIds, one per artifact row, got ["${CF}"]`],
    ],
    [
      'a zero-row artifact',
      'GradientsRecorded',
      (p) => ((p['artifact'] as Record<string, unknown>)['rows'] = 0),
      ['GradientsRecorded.payload.artifact.rows: expected a positive integer, got 0'],
    ],
    [
      'a proof without the previous size',
      'LogCheckpointed',
      (p) => delete p['previousSize'],
      ['LogCheckpointed.payload.previousSize: expected the previous checkpoint size (required with a consistencyProof), got undefined'],
    ],
    [
      'a previous size beyond the size',
      'LogCheckpointed',
      (p) => (p['previousSize'] = 1001),
      ['LogCheckpointed.payload.previousSize: expected a size no greater than size (1000), got 1001'],
    ],
    [
      'a local-time timestamp',
      'LogCheckpointed',
      (p) => (p['timestamp'] = '2024-05-01T12:00:00+02:00'),
      [
        'LogCheckpointed.payload.timestamp: expected an RFC 3339 UTC timestamp (e.g. "2024-05-01T12:00:00Z"), got "2024-05-01T12:00:00+02:00"',
      ],
    ],
  ];

  it.each(cases)('given %s in a %s payload, then the failure reads exactly as expected', (_what, type, change, lines) => {
    expect(linesFor(type, change)).toEqual(lines);
  });
});

describe('decodeEventOf', () => {
  it('given an envelope of another type, then the type field is what is wrong', () => {
    const result = decodeEventOf('DatasetDefined', envelope('SampleErased', examplePayload('SampleErased')));
    expect(E.isLeft(result) && result.left.problems[0]?.message).toBe('DatasetDefined.type: expected "DatasetDefined", got "SampleErased"');
  });
});

describe('decodePayload', () => {
  it('given a payload before signing, then errors are relative to the payload', () => {
    const result = decodePayload('DatasetDefined', { name: 'cats', descripton: 'typo' });
    expect(E.isLeft(result) && formatDecodeFailure(result.left)).toBe('DatasetDefined.payload: unexpected field "descripton"');
  });

  it('given a valid payload, then it decodes to the same object', () => {
    const payload = examplePayload('AssetAssembled');
    expect(decodePayload('AssetAssembled', payload)).toEqual(E.right(payload));
  });
});
