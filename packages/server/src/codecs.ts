// The request and response shapes, as io-ts codecs: requests are decoded with them (decode.ts)
// and the OpenAPI document is generated from them (openapi.ts), so the two cannot drift apart.
import * as t from 'io-ts';
import { withSchema } from './json-schema.js';

const pattern = (name: string, re: RegExp) =>
  withSchema(
    new t.Type<string, string, unknown>(
      name,
      (u): u is string => typeof u === 'string' && re.test(u),
      (u, c) => (typeof u === 'string' && re.test(u) ? t.success(u) : t.failure(u, c)),
      t.identity,
    ),
    { type: 'string', pattern: re.source, description: name },
  );

/** Digits, for numbers carried in a query string. */
export const Digits = pattern('a decimal number', /^\d{1,15}$/);
/** A log position (digits) or an ISO 8601 time; client's parseAsOf reads it. */
export const AsOfText = pattern(
  'a log position (digits) or an ISO 8601 time',
  /^(\d+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/,
);
export const Direction = t.keyof({ up: null, down: null, both: null }, 'up | down | both');
export const Base64 = pattern('base64 bytes', /^[A-Za-z0-9+/]*={0,2}$/);
export const Hex64 = pattern('64 lowercase hex digits', /^[0-9a-f]{64}$/);

export const AsOfQuery = t.exact(t.partial({ asOf: AsOfText }), 'AsOfQuery');
export const MembersQuery = t.exact(t.partial({ asOf: AsOfText, cursor: t.string, limit: Digits }), 'MembersQuery');
export const WhyQuery = t.exact(t.intersection([t.type({ in: t.string }), t.partial({ asOf: AsOfText })]), 'WhyQuery');
export const DiffQuery = t.exact(t.intersection([t.type({ from: t.string, to: t.string }), t.partial({ asOf: AsOfText })]), 'DiffQuery');
export const TraceFormat = t.keyof({ json: null, svg: null, dot: null, mermaid: null }, 'json | svg | dot | mermaid');
export const TraceQuery = t.exact(t.partial({ asOf: AsOfText, direction: Direction, depth: Digits, format: TraceFormat }), 'TraceQuery');
export const NoQuery = t.exact(t.partial({}), 'NoQuery');
export const HexPrefix = pattern('a CF id prefix (1 to 64 lowercase hex digits)', /^[0-9a-f]{1,64}$/);
export const DatasetsQuery = t.exact(t.partial({ name: t.string, cf: HexPrefix, contributor: Hex64, source: t.string }), 'DatasetsQuery');
export const CreditQuery = t.exact(t.intersection([t.type({ ref: t.string }), t.partial({ asOf: AsOfText })]), 'CreditQuery');
/** Query gradient rows (each the same length) and how many training CFs to name for each. */
export const AttributeBody = t.exact(t.type({ queries: t.array(t.array(t.number)), topK: t.number }), 'AttributeBody');
export const UnlearningQuery = t.exact(t.partial({ top: Digits }), 'UnlearningQuery');
export const TreeHeadQuery = t.exact(t.partial({ from: Digits }), 'TreeHeadQuery');
export const ExportFormat = t.keyof({ jsonl: null, openlineage: null, croissant: null }, 'jsonl | openlineage | croissant');
export const ExportQuery = t.exact(t.intersection([t.type({ format: ExportFormat }), t.partial({ asOf: AsOfText })]), 'ExportQuery');

/** One signed event as the SDK's `ledger.sign` makes it, with the sample's bytes when it is a sample. */
export const SignedEnvelope = t.exact(t.type({ type: t.string, payload: t.unknown, signer: Hex64, signature: t.string }), 'SignedEnvelope');
export const SampleBytes = t.exact(t.intersection([t.type({ bytes: Base64 }), t.partial({ salt: Base64 })]), 'SampleBytes');
/** A CF of a sealed batch (the SDK's `ledger.seal`): its seal and index in place of a signature; the seal comes first in the batch. */
export const SealedEnvelope = t.exact(
  t.type({ type: t.string, payload: t.unknown, signer: Hex64, seal: t.exact(t.type({ id: Hex64, index: t.number })) }),
  'SealedEnvelope',
);
export const BatchItem = t.exact(
  t.intersection([t.type({ envelope: t.union([SignedEnvelope, SealedEnvelope]) }), t.partial({ sample: SampleBytes })]),
  'BatchItem',
);
export const EventBatch = t.exact(t.type({ events: t.array(BatchItem) }), 'EventBatch');
export type EventBatch = t.TypeOf<typeof EventBatch>;

// Responses (for the document; answers are the client's values, printed as the CLI prints them).
const Position = pattern('a log position (decimal string)', /^\d+$/);
export const Receipt = t.type(
  { id: t.string, type: t.string, stream: t.string, position: Position, alreadyAppended: t.boolean },
  'Receipt',
);
export const BatchAccepted = t.type({ receipts: t.array(Receipt), head: Position }, 'BatchAccepted');
export const FieldProblem = t.type({ field: t.string, reason: t.string }, 'FieldProblem');
export const Problem = t.intersection(
  [
    t.type({ type: t.string, title: t.string, status: t.number, detail: t.string }),
    t.partial({ field: t.string, reason: t.string, errors: t.array(FieldProblem), rule: t.string, index: t.number }),
  ],
  'Problem',
);
export const Status = t.type({ head: t.union([Position, t.null]), caughtUpTo: t.union([Position, t.null]), store: t.string }, 'Status');
export const MemberPageLinks = t.type({ next: t.union([t.string, t.null]) }, 'MemberPageLinks');
