// Decision evidence as stored (jsonb): positions become decimal strings, since JSON has no
// 64-bit integers, and come back as bigint when read.
//
// Stored compactly: a row is written for every member of every version, and most CFs have no
// votes, labels, assets, replacement, deprecation or duplicate, so the lists that are empty and
// the references that are null are left out. So are the CF's own facts (its event id, position,
// kind, author, source and license): its datasets_cfs row holds them, once, and they never
// change. Read back, all are put again where jsonb keeps them, so the evidence is the object a
// full row gave.
import type { DecisionEvidence, EventRef } from '@cairn/assembly';
import { idHexOrNull } from '@cairn/projector';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Lists left out of a stored row when empty. */
const EMPTY_WHEN_ABSENT = ['approvals', 'rejections', 'labels', 'labelTypes', 'assets'] as const;
/** Fields left out of a stored row when null (erasedBy is not one: absent and null differ there). */
const NULL_WHEN_ABSENT = ['agreement', 'replacedBy', 'replaces', 'deprecatedBy', 'duplicateOf'] as const;

/** The CF a decision is about, as its datasets_cfs row has it. */
export interface StoredCf {
  readonly cf_id: string;
  readonly kind: string;
  readonly author: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly valid_from: string;
}

/**
 * What a read joins to a decision row (datasets_cfs as c, left joined on cf_id) for evidenceFromJson;
 * the author as the contributor id's hex, as the event named it.
 */
export const STORED_CF_COLUMNS = ['c.kind', idHexOrNull('c.author').as('author'), 'c.source', 'c.license', 'c.valid_from'] as const;

/**
 * The CF of a decision row read with STORED_CF_COLUMNS. A decision is only ever cut about a CF
 * the projection holds, so a row without one is a broken store, said so rather than guessed at.
 */
export function storedCfOf(row: {
  readonly cf_id: string;
  readonly kind: string | null;
  readonly author: string | null;
  readonly source: string | null;
  readonly license: string | null;
  readonly valid_from: string | null;
}): StoredCf {
  if (row.kind === null || row.author === null || row.valid_from === null)
    throw new Error(`datasets: a decision names CF ${row.cf_id}, which datasets_cfs does not hold; rebuild the datasets projection`);
  return { cf_id: row.cf_id, kind: row.kind, author: row.author, source: row.source, license: row.license, valid_from: row.valid_from };
}

/** The CF's own facts in evidence, left out of a stored row about it (its cf_id). */
const OWN_FACTS = ['kind', 'author', 'source', 'license'] as const;

/** `evidence` of the decision on `cfId`, as stored. */
export function evidenceToJson(evidence: DecisionEvidence, cfId: string): Json {
  return JSON.parse(evidenceJsonText(evidence, cfId)) as Json;
}

/** The fields the stored form puts after the rest, each only when it says something. */
const AMENDMENT_FIELDS: ReadonlySet<string> = new Set(['carriedFrom', 'notCarried']);
const OWN_FIELDS: ReadonlySet<string> = new Set(['cf', ...OWN_FACTS]);
const EMPTY_WHEN_ABSENT_SET: ReadonlySet<string> = new Set(EMPTY_WHEN_ABSENT);
const NULL_WHEN_ABSENT_SET: ReadonlySet<string> = new Set(NULL_WHEN_ABSENT);

/**
 * `value` with its bigints (positions) as decimal text, as a JSON.stringify replacer turning them
 * into strings gives it; a replacer would be called for every value of every member's evidence,
 * where most fields stored are plain values already.
 */
function withBigintsAsText(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(withBigintsAsText);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = withBigintsAsText((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * `evidence` of the decision on `cfId`, as stored, as JSON text: evidenceToJson's object as
 * JSON.stringify writes it. A cut writes one for every member, so the object is built once, with
 * the fields left out never put in (an object that loses keys serializes slowly), and serialized
 * once. Its keys in order: the evidence's own, but for the CF's facts and the amendment fields;
 * then the CF's facts when the decision is about another CF; then the amendment fields.
 */
export function evidenceJsonText(evidence: DecisionEvidence, cfId: string): string {
  const own = evidence.cf.eventId === cfId;
  const fields = evidence as unknown as Record<string, unknown>;
  const stored: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    if (AMENDMENT_FIELDS.has(key) || OWN_FIELDS.has(key)) continue;
    const value = fields[key];
    if (EMPTY_WHEN_ABSENT_SET.has(key) && (value as readonly unknown[]).length === 0) continue;
    if (NULL_WHEN_ABSENT_SET.has(key) && value === null) continue;
    stored[key] = withBigintsAsText(value);
  }
  if (!own) for (const key of ['cf', ...OWN_FACTS]) stored[key] = withBigintsAsText(fields[key]);
  if (evidence.carriedFrom.length > 0) stored.carriedFrom = withBigintsAsText(evidence.carriedFrom);
  if (evidence.notCarried !== null) stored.notCarried = withBigintsAsText(evidence.notCarried);
  return JSON.stringify(stored);
}

/** jsonb's order of an object's keys: shorter first, then by their bytes. */
const byJsonbKeyOrder = (a: string, b: string): number =>
  Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The full stored form of a compact row, keys in jsonb's order (a row stored in full comes back as it was). */
function expanded(json: Record<string, unknown>, cf: StoredCf): Record<string, unknown> {
  const full: Record<string, unknown> = { ...json };
  for (const key of EMPTY_WHEN_ABSENT) if (!(key in full)) full[key] = [];
  for (const key of NULL_WHEN_ABSENT) if (!(key in full)) full[key] = null;
  if (!('cf' in full)) {
    full.cf = { eventId: cf.cf_id, position: cf.valid_from };
    for (const key of OWN_FACTS) full[key] = cf[key];
  }
  return Object.fromEntries(
    Object.keys(full)
      .sort(byJsonbKeyOrder)
      .map((key) => [key, full[key]]),
  );
}

const ref = (r: { eventId: string; position: string }): EventRef => ({ eventId: r.eventId, position: BigInt(r.position) });

/** The evidence of the decision on `cf` from its stored row. */
export function evidenceFromJson(json: unknown, cf: StoredCf): DecisionEvidence {
  type Stored = Record<string, unknown> & { [key: string]: never };
  const e = expanded(json as Record<string, unknown>, cf) as Stored;
  const asRef = (v: unknown) => (v === null ? null : { ...(v as object), ...ref(v as { eventId: string; position: string }) });
  const refs = (v: unknown) => (v as { eventId: string; position: string }[]).map((r) => ({ ...r, ...ref(r) }));
  return {
    ...(e as unknown as DecisionEvidence),
    cf: ref(e.cf as unknown as { eventId: string; position: string }),
    approvals: refs(e.approvals) as unknown as DecisionEvidence['approvals'],
    rejections: refs(e.rejections) as unknown as DecisionEvidence['rejections'],
    labels: refs(e.labels),
    replacedBy: asRef(e.replacedBy) as DecisionEvidence['replacedBy'],
    replaces: asRef(e.replaces) as DecisionEvidence['replaces'],
    deprecatedBy: asRef(e.deprecatedBy) as DecisionEvidence['deprecatedBy'],
    duplicateOf: asRef(e.duplicateOf) as DecisionEvidence['duplicateOf'],
    ...(e.erasedBy === undefined ? {} : { erasedBy: asRef(e.erasedBy) as DecisionEvidence['erasedBy'] }),
    // absent when no amendment is involved (and in decisions stored before they existed)
    carriedFrom: e.carriedFrom === undefined ? [] : refs(e.carriedFrom),
    notCarried: e.notCarried === undefined ? null : (asRef(e.notCarried) as DecisionEvidence['notCarried']),
  };
}
