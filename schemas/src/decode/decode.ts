// Decoding at the edge: unknown input in, a typed event or a DecodeFailure out. Decoding never
// changes a valid value (no defaults, no stripping), so what was decoded is what was signed.
import type * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { CairnEvent, eventCodecs, isEventType, payloadCodecs, type EventEnvelope, type EventType, type PayloadOf } from '../catalogue.js';
import { Manifest } from '../manifest/manifest.js';
import { withManifestDefaults } from '../manifest/defaults.js';
import { problemsOf, type Problem } from './render.js';

export interface DecodeFailure {
  readonly _tag: 'DecodeFailure';
  /** The event type the input claimed (when known), 'Manifest', or null. */
  readonly type: EventType | 'Manifest' | null;
  readonly problems: readonly Problem[];
}

/** The failure as text: one line per problem. */
export function formatDecodeFailure(failure: DecodeFailure): string {
  return failure.problems.map((p) => p.message).join('\n');
}

function claimedType(u: unknown): EventType | null {
  if (typeof u !== 'object' || u === null) return null;
  const type = (u as { type?: unknown }).type;
  return isEventType(type) ? type : null;
}

function run<A>(codec: t.Type<A, unknown, unknown>, u: unknown, subject: string, type: DecodeFailure['type']): E.Either<DecodeFailure, A> {
  const result = codec.validate(u, [{ key: '', type: codec, actual: u }]);
  return E.isRight(result) ? E.right(result.right) : E.left({ _tag: 'DecodeFailure', type, problems: problemsOf(result.left, subject) });
}

/** Decodes an event envelope (a log event's `data`) of any type. */
export function decodeEvent(u: unknown): E.Either<DecodeFailure, CairnEvent> {
  const type = claimedType(u);
  return run(CairnEvent, u, type ?? 'event', type);
}

/** Decodes an envelope that must be of the given type. */
export function decodeEventOf<TType extends EventType>(type: TType, u: unknown): E.Either<DecodeFailure, EventEnvelope<TType>> {
  return run(eventCodecs[type] as t.Type<EventEnvelope<TType>, unknown, unknown>, u, type, type);
}

/** Decodes a payload before it is signed (the SDK's first step); errors read `<type>.payload.<field>`. */
export function decodePayload<TType extends EventType>(type: TType, u: unknown): E.Either<DecodeFailure, PayloadOf<TType>> {
  return run(payloadCodecs[type] as unknown as t.Type<PayloadOf<TType>, unknown, unknown>, u, `${type}.payload`, type);
}

/**
 * Decodes a manifest as an author writes it: absent rules take MANIFEST_DEFAULTS, then the result
 * must be a complete Manifest (the form ManifestDefined stores).
 */
export function decodeManifest(u: unknown): E.Either<DecodeFailure, Manifest> {
  return run(Manifest, withManifestDefaults(u), 'Manifest', 'Manifest');
}
