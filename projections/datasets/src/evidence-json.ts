// Decision evidence as stored (jsonb): positions become decimal strings, since JSON has no
// 64-bit integers, and come back as bigint when read.
//
// Stored compactly: a row is written for every member of every version, and most CFs have no
// votes, labels, assets, replacement, deprecation or duplicate, so the lists that are empty and
// the references that are null are left out, as is the CF's own event id (the row's cf_id). Read
// back, they are put again where jsonb keeps them, so the evidence is the object a full row gave.
import type { DecisionEvidence, EventRef } from '@cairn/assembly';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Lists left out of a stored row when empty. */
const EMPTY_WHEN_ABSENT = ['approvals', 'rejections', 'labels', 'labelTypes', 'assets'] as const;
/** Fields left out of a stored row when null (erasedBy is not one: absent and null differ there). */
const NULL_WHEN_ABSENT = ['agreement', 'replacedBy', 'replaces', 'deprecatedBy', 'duplicateOf'] as const;

/** `evidence` of the decision on `cfId`, as stored. */
export function evidenceToJson(evidence: DecisionEvidence, cfId: string): Json {
  // the amendment fields only where an amendment is involved: every other decision is stored as before them
  const { carriedFrom, notCarried, cf, ...rest } = evidence;
  const stored: Record<string, unknown> = {
    ...rest,
    cf: cf.eventId === cfId ? { position: cf.position } : cf,
    ...(carriedFrom.length > 0 ? { carriedFrom } : {}),
    ...(notCarried !== null ? { notCarried } : {}),
  };
  for (const key of EMPTY_WHEN_ABSENT) if ((stored[key] as readonly unknown[]).length === 0) delete stored[key];
  for (const key of NULL_WHEN_ABSENT) if (stored[key] === null) delete stored[key];
  return JSON.parse(JSON.stringify(stored, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Json;
}

/** jsonb's order of an object's keys: shorter first, then by their bytes. */
const byJsonbKeyOrder = (a: string, b: string): number =>
  Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The full stored form of a compact row, keys in jsonb's order (a row stored in full comes back as it was). */
function expanded(json: Record<string, unknown>, cfId: string): Record<string, unknown> {
  const full: Record<string, unknown> = { ...json };
  for (const key of EMPTY_WHEN_ABSENT) if (!(key in full)) full[key] = [];
  for (const key of NULL_WHEN_ABSENT) if (!(key in full)) full[key] = null;
  const cf = full.cf as { eventId?: string; position: string };
  if (cf.eventId === undefined) full.cf = { eventId: cfId, position: cf.position };
  return Object.fromEntries(
    Object.keys(full)
      .sort(byJsonbKeyOrder)
      .map((key) => [key, full[key]]),
  );
}

const ref = (r: { eventId: string; position: string }): EventRef => ({ eventId: r.eventId, position: BigInt(r.position) });

/** The evidence of the decision on `cfId` from its stored row. */
export function evidenceFromJson(json: unknown, cfId: string): DecisionEvidence {
  type Stored = Record<string, unknown> & { [key: string]: never };
  const e = expanded(json as Record<string, unknown>, cfId) as Stored;
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
