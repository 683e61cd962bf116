// GradientsRecorded declares what its rows are (kind) and may carry per-row weights; events
// recorded before either existed must still decode unchanged. The codec and the generated JSON
// Schema must agree on every case.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decodeEvent } from '../decode/decode.js';
import { examplePayload } from '../examples.js';
import { jsonSchemaDocuments } from '../json-schema/documents.js';

const envelope = (payload: unknown) => ({ type: 'GradientsRecorded', payload, signer: 'c'.repeat(64), signature: 'ab'.repeat(64) });
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
for (const doc of jsonSchemaDocuments()) ajv.addSchema(doc.schema);
const schemaAccepts = ajv.getSchema('urn:cairn:schema:v1:GradientsRecorded')!;

const weights = (rows: number) => ({ contentHash: 'e'.repeat(64), format: 'npy', rows, dtype: 'float32' });
const payload = (extra: Record<string, unknown>) => ({ ...examplePayload('GradientsRecorded'), ...extra });

function problemsOf(p: unknown): string[] {
  const decoded = decodeEvent(envelope(p));
  return E.isLeft(decoded) ? decoded.left.problems.map((x) => x.message) : [];
}

describe('GradientsRecorded kind and weights', () => {
  it.each([
    ['no kind (an event recorded before kinds existed)', {}],
    ['output gradients', { kind: 'output-gradients' }],
    ['output gradients with one weight per row', { kind: 'output-gradients', weights: weights(2) }],
    ['loss gradients', { kind: 'loss-gradients' }],
    ['output gradients on the query split', { split: 'query', kind: 'output-gradients' }],
  ])('given %s, then the codec and the JSON Schema both accept it unchanged', (_what, extra) => {
    const input = envelope(payload(extra));
    expect(decodeEvent(input)).toEqual(E.right(input));
    expect(schemaAccepts(input)).toBe(true);
  });

  it.each([
    [
      'an unknown kind',
      { kind: 'features' },
      'GradientsRecorded.payload.kind: expected one of "output-gradients", "loss-gradients", got "features"',
    ],
    [
      'loss gradients on the query split',
      { split: 'query', kind: 'loss-gradients' },
      'GradientsRecorded.payload.kind: expected absent or "output-gradients" on the query split',
    ],
    [
      'weights with loss gradients',
      { kind: 'loss-gradients', weights: weights(2) },
      'GradientsRecorded.payload.weights: expected absent unless split is "train" and kind is "output-gradients"',
    ],
    [
      'weights without a kind',
      { weights: weights(2) },
      'GradientsRecorded.payload.weights: expected absent unless split is "train" and kind is "output-gradients"',
    ],
    [
      'weights on the query split',
      { split: 'query', kind: 'output-gradients', weights: weights(2) },
      'GradientsRecorded.payload.weights: expected absent unless',
    ],
    [
      'one weight too few',
      { kind: 'output-gradients', weights: weights(1) },
      'GradientsRecorded.payload.weights.rows: expected 2, one weight per artifact row',
    ],
  ])('given %s, then the codec names the field and why', (_what, extra, message) => {
    const problems = problemsOf(payload(extra));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it.each([
    ['an unknown kind', { kind: 'features' }],
    ['loss gradients on the query split', { split: 'query', kind: 'loss-gradients' }],
    ['weights with loss gradients', { kind: 'loss-gradients', weights: weights(2) }],
    ['weights without a kind', { weights: weights(2) }],
    ['weights on the query split', { split: 'query', kind: 'output-gradients', weights: weights(2) }],
  ])('given %s, then the JSON Schema refuses it too', (_what, extra) => {
    expect(schemaAccepts(envelope(payload(extra)))).toBe(false);
  });
});
