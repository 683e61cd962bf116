// A cut writes its decisions' evidence as text (evidenceJsonText), and the text is what the
// decision's key digests and what the stored row holds: so it must stay, character for character,
// the text the cut wrote before, JSON.stringify of the compact object built by spreading the
// evidence and deleting the fields that say nothing (kept below as the reference).
import { describe, expect, it } from '@jest/globals';
import type { DecisionEvidence } from '@cairn/assembly';
import { evidenceJsonText, evidenceToJson } from './evidence-json.js';

const hex = (c: string) => c.repeat(64);
const CF = hex('a');

const plain: DecisionEvidence = {
  cf: { eventId: CF, position: 10463n },
  kind: 'sample',
  author: hex('b'),
  source: 'bench',
  license: 'CC-BY-4.0',
  licenseAllowed: true,
  approvals: [],
  rejections: [],
  agreement: null,
  labels: [],
  labelTypes: [],
  assets: [],
  replacedBy: null,
  replaces: null,
  deprecatedBy: null,
  duplicateOf: null,
  carriedFrom: [],
  notCarried: null,
};

const busy: DecisionEvidence = {
  ...plain,
  approvals: [{ validator: hex('c'), eventId: hex('d'), position: 11n }],
  rejections: [{ validator: hex('e'), eventId: hex('f'), position: 12n }],
  agreement: 0.5,
  labels: [{ eventId: hex('1'), position: 13n }],
  labelTypes: ['class'],
  assets: ['asset-1'],
  replacedBy: { eventId: hex('2'), position: 14n },
  replaces: { eventId: hex('3'), position: 9n },
  deprecatedBy: { eventId: hex('4'), position: 15n, reason: 'stale' },
  duplicateOf: { eventId: hex('5'), position: 8n, commitment: hex('6') },
  erasedBy: { eventId: hex('7'), position: 16n, sample: CF },
  carriedFrom: [{ eventId: hex('3'), position: 9n }],
  notCarried: { eventId: hex('8'), position: 7n, why: 'new-content', labels: 1, validations: 2 },
};

/** The text a cut wrote before evidenceJsonText: the reference it must equal. */
function referenceText(evidence: DecisionEvidence, cfId: string): string {
  const { carriedFrom, notCarried, cf, kind, author, source, license, ...rest } = evidence;
  const own = cf.eventId === cfId;
  const stored: Record<string, unknown> = {
    ...rest,
    ...(own ? {} : { cf, kind, author, source, license }),
    ...(carriedFrom.length > 0 ? { carriedFrom } : {}),
    ...(notCarried !== null ? { notCarried } : {}),
  };
  for (const key of ['approvals', 'rejections', 'labels', 'labelTypes', 'assets'])
    if ((stored[key] as readonly unknown[]).length === 0) delete stored[key];
  for (const key of ['agreement', 'replacedBy', 'replaces', 'deprecatedBy', 'duplicateOf']) if (stored[key] === null) delete stored[key];
  return JSON.stringify(
    JSON.parse(JSON.stringify(stored, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))),
  );
}

const cases: [string, DecisionEvidence, string][] = [
  ['a plain member about itself', plain, CF],
  ['a plain decision about another CF', plain, hex('9')],
  ['every field set, about itself', busy, CF],
  ['every field set, about another CF', busy, hex('9')],
  ['an erasure that is null, not absent', { ...plain, erasedBy: null }, CF],
  ['only an amendment carried from', { ...plain, carriedFrom: [{ eventId: hex('3'), position: 9n }] }, CF],
  ['only votes, with no agreement', { ...plain, approvals: busy.approvals, agreement: null }, CF],
  ['a license not allowed and no source', { ...plain, source: null, license: null, licenseAllowed: false }, hex('9')],
];

describe('the evidence text a cut writes', () => {
  it.each(cases)('given %s, when written, then the text is the one the cut wrote before', (_name, evidence, cfId) => {
    expect(evidenceJsonText(evidence, cfId)).toBe(referenceText(evidence, cfId));
  });

  it.each(cases)('given %s, when written as an object, then it is the text parsed', (_name, evidence, cfId) => {
    expect(evidenceToJson(evidence, cfId)).toEqual(JSON.parse(referenceText(evidence, cfId)));
  });
});
