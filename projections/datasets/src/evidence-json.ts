// Decision evidence as stored (jsonb): positions become decimal strings, since JSON has no
// 64-bit integers, and come back as bigint when read.
import type { DecisionEvidence, EventRef } from '@cairn/assembly';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function evidenceToJson(evidence: DecisionEvidence): Json {
  // the amendment fields only where an amendment is involved: every other decision is stored as before them
  const { carriedFrom, notCarried, ...rest } = evidence;
  const stored = { ...rest, ...(carriedFrom.length > 0 ? { carriedFrom } : {}), ...(notCarried !== null ? { notCarried } : {}) };
  return JSON.parse(JSON.stringify(stored, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Json;
}

const ref = (r: { eventId: string; position: string }): EventRef => ({ eventId: r.eventId, position: BigInt(r.position) });

export function evidenceFromJson(json: unknown): DecisionEvidence {
  type Stored = Record<string, unknown> & { [key: string]: never };
  const e = json as Stored;
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
