// Size limits: how large each free-form field of an event, and a whole event, may be when it is
// admitted to the log. Every reader of the log (projections, verify, exports, the explorer) holds
// whole events in memory, so the ledger refuses what it cannot serve; a ledger may tighten or
// loosen its own limits, but never beyond the hard caps here.
//
// Limits are an admission policy, not a property of the log: the SDK checks them before append,
// and `cairn verify` does not fail a log that holds events admitted under other limits.
// Text is measured in UTF-8 bytes; JSON values (attributes, a label's value, a row map) as the
// bytes of their RFC 8785 canonical form, which is what the log stores and the signature covers.
import { canonicalize } from '@cairn/core';
import type { CairnEvent } from '../catalogue.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every limit a ledger can configure, by the name its configuration uses. */
export const LIMIT_NAMES = [
  'event',
  'source',
  'license',
  'mediaType',
  'attributes',
  'labelType',
  'labelValue',
  'rationale',
  'evidenceDescription',
  'uri',
  'name',
  'note',
  'rowMap',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** A byte limit per name. */
export type SizeLimits = { readonly [TName in LimitName]: number };

export interface LimitDoc {
  readonly default: number;
  /** No ledger may configure more: past this, a single event burdens every reader. */
  readonly hardCap: number;
  /** The fields it holds, as people read them. */
  readonly fields: string;
}

/** The hard cap of a whole event; a field cannot be larger than the event it is in. */
export const EVENT_HARD_CAP = 16 * MiB;

export const LIMIT_DOCS: { readonly [TName in LimitName]: LimitDoc } = {
  event: {
    default: 1 * MiB,
    hardCap: EVENT_HARD_CAP,
    fields: "a whole event's canonical JSON (envelope included; a GradientsRecorded row map is counted under rowMap instead)",
  },
  source: { default: 2 * KiB, hardCap: EVENT_HARD_CAP, fields: 'SampleContributed.payload.source' },
  license: { default: 1 * KiB, hardCap: EVENT_HARD_CAP, fields: 'SampleContributed.payload.license' },
  mediaType: { default: 255, hardCap: EVENT_HARD_CAP, fields: 'SampleContributed.payload.mediaType' },
  attributes: { default: 64 * KiB, hardCap: EVENT_HARD_CAP, fields: 'SampleContributed.payload.attributes (canonical JSON)' },
  labelType: { default: 255, hardCap: EVENT_HARD_CAP, fields: 'LabelContributed.payload.labelType' },
  labelValue: { default: 64 * KiB, hardCap: EVENT_HARD_CAP, fields: 'LabelContributed.payload.value (canonical JSON)' },
  rationale: { default: 16 * KiB, hardCap: EVENT_HARD_CAP, fields: 'LabelContributed / ValidationContributed .payload.rationale' },
  evidenceDescription: { default: 4 * KiB, hardCap: EVENT_HARD_CAP, fields: 'ValidationContributed.payload.evidence[i].description' },
  uri: { default: 2 * KiB, hardCap: EVENT_HARD_CAP, fields: 'ValidationContributed.payload.evidence[i].uri' },
  name: {
    default: 255,
    hardCap: EVENT_HARD_CAP,
    fields: 'ContributorRegistered.payload.name, AssetAssembled.payload.name, SampleContributed.payload.commitment.keyId',
  },
  note: {
    default: 4 * KiB,
    hardCap: EVENT_HARD_CAP,
    fields: 'every note, description and free-text reason (key and role revocations, deprecations, erasures, datasets, transformations)',
  },
  // A run's row map names one CF per training row (67 bytes each), so it grows with the dataset:
  // it has its own limit (about 250,000 rows by default) and is not counted in the event's.
  rowMap: { default: 16 * MiB, hardCap: 64 * MiB, fields: 'GradientsRecorded.payload.rowMap (canonical JSON)' },
};

export const DEFAULT_LIMITS: SizeLimits = Object.fromEntries(LIMIT_NAMES.map((n) => [n, LIMIT_DOCS[n].default])) as SizeLimits;
export const HARD_CAPS: SizeLimits = Object.fromEntries(LIMIT_NAMES.map((n) => [n, LIMIT_DOCS[n].hardCap])) as SizeLimits;

export function isLimitName(name: string): name is LimitName {
  return (LIMIT_NAMES as readonly string[]).includes(name);
}

/** UTF-8 length without encoding (the codecs admit only well-formed text). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Bytes of a JSON value's canonical form (a decoded event's values always have one). */
export function canonicalByteLength(value: unknown): number {
  const text = canonicalize(value);
  return utf8ByteLength(text._tag === 'Right' ? text.right : JSON.stringify(value));
}

/** A field (or the whole event) past its limit. */
export interface LimitExcess {
  readonly limit: LimitName;
  /** e.g. `SampleContributed.payload.source`; the event's type alone for the whole event. */
  readonly field: string;
  readonly bytes: number;
  readonly max: number;
}

interface Measured {
  readonly limit: LimitName;
  readonly path: string;
  readonly bytes: number;
}

const text = (limit: LimitName, path: string, value: string | undefined): Measured[] =>
  value === undefined ? [] : [{ limit, path, bytes: utf8ByteLength(value) }];
const json = (limit: LimitName, path: string, value: unknown): Measured[] =>
  value === undefined ? [] : [{ limit, path, bytes: canonicalByteLength(value) }];

/** The limited fields of one event, measured. Types not named here are held by the event limit only. */
function measuredFields(event: CairnEvent): Measured[] {
  switch (event.type) {
    case 'ContributorRegistered':
      return text('name', 'name', event.payload.name);
    case 'ContributorKeyRevoked':
    case 'ContributorRoleRevoked':
    case 'ContributionDeprecated':
      return text('note', 'note', event.payload.note);
    case 'SampleContributed': {
      const p = event.payload;
      return [
        ...text('source', 'source', p.source),
        ...text('license', 'license', p.license),
        ...text('mediaType', 'mediaType', p.mediaType),
        ...text('name', 'commitment.keyId', p.commitment.keyId),
        ...json('attributes', 'attributes', p.attributes),
      ];
    }
    case 'LabelContributed':
      return [
        ...text('labelType', 'labelType', event.payload.labelType),
        ...json('labelValue', 'value', event.payload.value),
        ...text('rationale', 'rationale', event.payload.rationale),
      ];
    case 'ValidationContributed':
      return [
        ...text('rationale', 'rationale', event.payload.rationale),
        ...(event.payload.evidence ?? []).flatMap((e, i) => [
          ...text('evidenceDescription', `evidence[${i}].description`, e.description),
          ...text('uri', `evidence[${i}].uri`, e.uri),
        ]),
      ];
    case 'SampleErased':
      return text('note', 'reason', event.payload.reason);
    case 'AssetAssembled':
      return [
        ...text('name', 'name', event.payload.name),
        ...event.payload.transformations.flatMap((t, i) => text('note', `transformations[${i}].description`, t.description)),
      ];
    case 'DatasetDefined':
      return text('note', 'description', event.payload.description);
    case 'GradientsRecorded':
      return json('rowMap', 'rowMap', event.payload.rowMap);
    default:
      return [];
  }
}

/**
 * The first field of `event` past its limit, else the whole event past the event limit, else
 * undefined. `eventBytes` is the size of the event's canonical JSON as the log would store it.
 */
export function firstLimitExcess(event: CairnEvent, eventBytes: number, limits: SizeLimits): LimitExcess | undefined {
  const fields = measuredFields(event);
  for (const f of fields) {
    if (f.bytes > limits[f.limit])
      return { limit: f.limit, field: `${event.type}.payload.${f.path}`, bytes: f.bytes, max: limits[f.limit] };
  }
  const rowMap = fields.find((f) => f.limit === 'rowMap')?.bytes ?? 0;
  const bytes = eventBytes - rowMap;
  return bytes > limits.event ? { limit: 'event', field: event.type, bytes, max: limits.event } : undefined;
}

/** `is 5242880 bytes; the limit is 2048 (limit "source")`: what the ledger says of an excess. */
export function describeLimitExcess(excess: LimitExcess): string {
  const what = excess.limit === 'event' ? `the event's canonical JSON is ${excess.bytes} bytes` : `is ${excess.bytes} bytes`;
  return `${what}; the limit is ${excess.max} (limit "${excess.limit}")`;
}
