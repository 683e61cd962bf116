// The event catalogue (design.md section 3): one payload codec per event type, the envelope
// around it, and CairnEvent, the union of all envelopes, which looks at `type` first.
import * as t from 'io-ts';
import { closed } from './combinators/closed.js';
import { described } from './describe.js';
import { ContributorId, SignatureHex } from './primitives/hex.js';
import { AssetAssembledPayload } from './payloads/asset.js';
import { LogCheckpointedPayload } from './payloads/checkpoint.js';
import {
  ContributorKeyRevokedPayload,
  ContributorKeyRotatedPayload,
  ContributorRegisteredPayload,
  ContributorRoleGrantedPayload,
  ContributorRoleRevokedPayload,
} from './payloads/contributor.js';
import { DatasetBuildRequestedPayload, DatasetDefinedPayload, ManifestDefinedPayload } from './payloads/dataset.js';
import { ContributionDeprecatedPayload, SampleErasedPayload } from './payloads/deprecation.js';
import { LabelContributedPayload } from './payloads/label.js';
import { SampleContributedPayload } from './payloads/sample.js';
import { GradientsRecordedPayload, TrainingRunRecordedPayload } from './payloads/training.js';
import { ValidationContributedPayload } from './payloads/validation.js';
import { BatchSealedPayload, SealRef } from './payloads/seal.js';

/** The payload codec of each event type, in catalogue order. */
export const payloadCodecs = {
  ContributorRegistered: ContributorRegisteredPayload,
  ContributorKeyRotated: ContributorKeyRotatedPayload,
  ContributorKeyRevoked: ContributorKeyRevokedPayload,
  ContributorRoleGranted: ContributorRoleGrantedPayload,
  ContributorRoleRevoked: ContributorRoleRevokedPayload,
  SampleContributed: SampleContributedPayload,
  LabelContributed: LabelContributedPayload,
  ValidationContributed: ValidationContributedPayload,
  ContributionDeprecated: ContributionDeprecatedPayload,
  AssetAssembled: AssetAssembledPayload,
  ManifestDefined: ManifestDefinedPayload,
  DatasetDefined: DatasetDefinedPayload,
  DatasetBuildRequested: DatasetBuildRequestedPayload,
  TrainingRunRecorded: TrainingRunRecordedPayload,
  GradientsRecorded: GradientsRecordedPayload,
  SampleErased: SampleErasedPayload,
  LogCheckpointed: LogCheckpointedPayload,
  BatchSealed: BatchSealedPayload,
} as const;

export type EventType = keyof typeof payloadCodecs;
export const EVENT_TYPES = Object.freeze(Object.keys(payloadCodecs)) as readonly EventType[];

/** The three CF event types: their event id is the CF id, their stream `cf-<id>`. */
export const CF_EVENT_TYPES = ['SampleContributed', 'LabelContributed', 'ValidationContributed'] as const satisfies readonly EventType[];
export type CfEventType = (typeof CF_EVENT_TYPES)[number];

export type PayloadOf<TType extends EventType> = t.TypeOf<(typeof payloadCodecs)[TType]>;

/** The `data` of a log event: what was signed (type, payload, signer) and the signature. */
export interface SignedEnvelope<TType extends EventType> {
  readonly type: TType;
  readonly payload: PayloadOf<TType>;
  readonly signer: ContributorId;
  readonly signature: SignatureHex;
}

/**
 * A CF of a sealed batch: the same type, payload and signer (so the same id) as the CF signed on
 * its own, with its seal's id and its index in the batch where the signature would be. Its
 * authorship is the BatchSealed's signature over the Merkle root of the batch's CF ids.
 */
export interface SealedEnvelope<TType extends CfEventType> {
  readonly type: TType;
  readonly payload: PayloadOf<TType>;
  readonly signer: ContributorId;
  readonly seal: SealRef;
}

/** A CF is signed on its own or sealed in a batch; every other event is signed. */
export type EventEnvelope<TType extends EventType> = TType extends CfEventType
  ? SignedEnvelope<TType> | SealedEnvelope<TType>
  : SignedEnvelope<TType>;

export function isSealed<TEvent extends { readonly type: EventType }>(event: TEvent): event is Extract<TEvent, { readonly seal: SealRef }> {
  return 'seal' in event;
}

/** Any Cairn event envelope, discriminated by `type`. */
export type CairnEvent = { [TType in EventType]: EventEnvelope<TType> }[EventType];

export function isEventType(u: unknown): u is EventType {
  return typeof u === 'string' && Object.prototype.hasOwnProperty.call(payloadCodecs, u);
}

/** `type` as a codec: an unknown type reads "unknown event type X, expected one of ...". */
export const EventTypeCodec = described(
  t.keyof(Object.fromEntries(EVENT_TYPES.map((type) => [type, null])) as Record<EventType, null>, 'EventType'),
  {
    expected: `one of ${EVENT_TYPES.join(', ')}`,
    message: (actual) =>
      `unknown event type ${actual === undefined ? 'undefined' : JSON.stringify(actual)}, expected one of ${EVENT_TYPES.join(', ')}`,
  },
);

function signedEnvelopeCodec<TType extends EventType>(type: TType): t.Type<SignedEnvelope<TType>, SignedEnvelope<TType>, unknown> {
  const codec = closed(`${type}Event`, {
    type: t.literal(type),
    payload: payloadCodecs[type] as t.Mixed,
    signer: ContributorId,
    signature: SignatureHex,
  }) as unknown as t.Type<SignedEnvelope<TType>, SignedEnvelope<TType>, unknown>;
  return described(codec, {
    expected: 'an event envelope object (type, payload, signer, signature)',
    fields: ['type', 'payload', 'signer', 'signature'],
    define: true,
  });
}

function isCfEventType(type: EventType): type is CfEventType {
  return (CF_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * A CF's envelope: signed, or sealed. The branch is chosen by whether `seal` is present, so an
 * error is about the form the input claims to be, not a list of both.
 */
function cfEnvelopeCodec<TType extends CfEventType>(type: TType): t.Type<EventEnvelope<TType>, EventEnvelope<TType>, unknown> {
  const signed = signedEnvelopeCodec(type);
  const sealed = described(
    closed(`${type}SealedEvent`, {
      type: t.literal(type),
      payload: payloadCodecs[type] as t.Mixed,
      signer: ContributorId,
      seal: SealRef,
    }) as unknown as t.Type<SealedEnvelope<TType>, SealedEnvelope<TType>, unknown>,
    {
      expected: 'a sealed CF envelope object (type, payload, signer, seal)',
      fields: ['type', 'payload', 'signer', 'seal'],
      define: true,
    },
  );
  const branches = [signed, sealed] as unknown as [t.Mixed, t.Mixed];
  const codec = new t.UnionType<typeof branches, EventEnvelope<TType>, EventEnvelope<TType>, unknown>(
    `${type}Envelope`,
    (u): u is EventEnvelope<TType> => signed.is(u) || sealed.is(u),
    (u, c) => {
      const branch = isRecord(u) && 'seal' in u ? (sealed as t.Mixed) : (signed as t.Mixed);
      return branch.validate(u, [...c, { key: '', type: branch, actual: u }]) as t.Validation<EventEnvelope<TType>>;
    },
    t.identity,
    branches,
  );
  return described(codec, { expected: 'an event envelope object (type, payload, signer, signature or seal)', dispatching: true });
}

function envelopeCodec<TType extends EventType>(type: TType): t.Type<EventEnvelope<TType>, EventEnvelope<TType>, unknown> {
  return (isCfEventType(type) ? cfEnvelopeCodec(type) : signedEnvelopeCodec(type)) as unknown as t.Type<
    EventEnvelope<TType>,
    EventEnvelope<TType>,
    unknown
  >;
}

export type EventCodecs = { readonly [TType in EventType]: t.Type<EventEnvelope<TType>, EventEnvelope<TType>, unknown> };

/** The envelope codec of each event type. */
export const eventCodecs: EventCodecs = Object.freeze(
  Object.fromEntries(EVENT_TYPES.map((type) => [type, envelopeCodec(type)])) as unknown as EventCodecs,
);

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

const envelopeList = EVENT_TYPES.map((type) => eventCodecs[type]) as unknown as [t.Mixed, t.Mixed, ...t.Mixed[]];

/**
 * The union of all envelopes. Validation dispatches on `type` instead of trying every branch,
 * so errors are about the one event the input claims to be.
 */
export const CairnEvent: t.Type<CairnEvent, CairnEvent, unknown> = described(
  new t.UnionType<typeof envelopeList, CairnEvent, CairnEvent, unknown>(
    'CairnEvent',
    (u): u is CairnEvent => isRecord(u) && isEventType(u['type']) && eventCodecs[u['type']].is(u),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c);
      const type = u['type'];
      if (!isEventType(type)) return t.failure(type, [...c, { key: 'type', type: EventTypeCodec, actual: type }]);
      const codec = eventCodecs[type] as t.Type<CairnEvent, CairnEvent, unknown>;
      return codec.validate(u, [...c, { key: type, type: codec, actual: u }]);
    },
    t.identity,
    envelopeList,
  ),
  { expected: 'an event envelope object (type, payload, signer, signature)', dispatching: true },
);
