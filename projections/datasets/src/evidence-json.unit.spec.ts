// Decision evidence is stored compactly (one row per member per version) and read back as the
// very object a full row gave: same fields, same values, same key order (answers print it).
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DecisionEvidence } from '@cairn/assembly';
import { evidenceFromJson, evidenceToJson, type StoredCf } from './evidence-json.js';

const hex = (c: string) => c.repeat(64);
const CF = hex('a');

/** A sample with no votes, labels, assets, replacement, deprecation or duplicate: most members. */
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

/** Every field set, erasure and amendment included. */
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

/** The evidence as a row stored in full gave it: every field, positions as strings. */
const fullRow = (e: DecisionEvidence): string => {
  const { carriedFrom, notCarried, ...rest } = e;
  const row = { ...rest, ...(carriedFrom.length > 0 ? { carriedFrom } : {}), ...(notCarried !== null ? { notCarried } : {}) };
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
};

/** The CF's datasets_cfs row, as a read joins it. */
const row: StoredCf = { cf_id: CF, kind: 'sample', author: hex('b'), source: 'bench', license: 'CC-BY-4.0', valid_from: '10463' };

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db.close();
});

/** `text` through a jsonb column, as a member row keeps and returns it: its value and its size. */
async function throughJsonb(text: string): Promise<{ value: unknown; bytes: number }> {
  const { rows } = await db.query<{ value: unknown; bytes: number }>('select $1::jsonb as value, pg_column_size($1::jsonb) as bytes', [
    text,
  ]);
  return rows[0]!;
}

/** bigint-safe text of an answer, keys in order: two answers that print alike. */
const printed = (e: DecisionEvidence) => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('stored decision evidence', () => {
  it.each([
    ['a plain sample', plain],
    ['a CF with every field set', busy],
  ])('given %s, when its evidence is stored compactly and read back, then it prints as a full row did', async (_name, evidence) => {
    const compact = await throughJsonb(JSON.stringify(evidenceToJson(evidence, CF)));
    const full = await throughJsonb(fullRow(evidence));
    expect(printed(evidenceFromJson(compact.value, row))).toBe(printed(evidenceFromJson(full.value, row)));
    expect(evidenceFromJson(compact.value, row)).toEqual(evidence);
  });

  it('given a plain sample, when its evidence is stored, then the row keeps less than a tenth of what a full row kept', async () => {
    const compact = await throughJsonb(JSON.stringify(evidenceToJson(plain, CF)));
    const full = await throughJsonb(fullRow(plain));
    expect(compact.bytes).toBeLessThan(full.bytes / 10);
  });

  it('given evidence of another CF than the row names, when it is stored and read back, then its own facts are kept', async () => {
    const other = { ...row, cf_id: hex('9'), author: hex('8'), valid_from: '1' };
    const compact = await throughJsonb(JSON.stringify(evidenceToJson(plain, other.cf_id)));
    expect(evidenceFromJson(compact.value, other)).toEqual(plain);
  });
});
