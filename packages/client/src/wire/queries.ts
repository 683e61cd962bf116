// The questions as an HTTP request carries them, as io-ts codecs: the server decodes its query
// strings and bodies with these, a remote Cairn writes its requests to them, and the OpenAPI
// document is generated from them, so none of the three can drift from the others.
import * as t from 'io-ts';
import { Hex64, pattern } from '@cairn/sdk';

/** Digits, for numbers carried in a query string. */
export const Digits = pattern('a decimal number', /^\d{1,15}$/);
/** A log position (digits) or an ISO 8601 time; parseAsOf reads it. */
export const AsOfText = pattern(
  'a log position (digits) or an ISO 8601 time',
  /^(\d+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/,
);
export const Direction = t.keyof({ up: null, down: null, both: null }, 'up | down | both');

export const AsOfQuery = t.exact(t.partial({ asOf: AsOfText }), 'AsOfQuery');
export const MembersQuery = t.exact(t.partial({ asOf: AsOfText, cursor: t.string, limit: Digits }), 'MembersQuery');
export const WhyQuery = t.exact(t.intersection([t.type({ in: t.string }), t.partial({ asOf: AsOfText })]), 'WhyQuery');
export const DiffQuery = t.exact(t.intersection([t.type({ from: t.string, to: t.string }), t.partial({ asOf: AsOfText })]), 'DiffQuery');
export const TraceFormat = t.keyof({ json: null, svg: null, dot: null, mermaid: null }, 'json | svg | dot | mermaid');
export const TraceQuery = t.exact(
  t.partial({ asOf: AsOfText, direction: Direction, depth: Digits, format: TraceFormat, maxNodes: Digits }),
  'TraceQuery',
);
export const NoQuery = t.exact(t.partial({}), 'NoQuery');
export const HexPrefix = pattern('a CF id prefix (1 to 64 lowercase hex digits)', /^[0-9a-f]{1,64}$/);
export const DatasetsQuery = t.exact(
  t.partial({ name: t.string, cf: HexPrefix, contributor: Hex64, source: t.string, asOf: AsOfText }),
  'DatasetsQuery',
);
export const CreditQuery = t.exact(t.intersection([t.type({ ref: t.string }), t.partial({ asOf: AsOfText })]), 'CreditQuery');
/** Query gradient rows (each the same length) and how many training CFs to name for each. */
export const AttributeBody = t.exact(t.type({ queries: t.array(t.array(t.number)), topK: t.number }), 'AttributeBody');
export const UnlearningQuery = t.exact(t.partial({ top: Digits }), 'UnlearningQuery');
export const TreeHeadQuery = t.exact(t.partial({ from: Digits }), 'TreeHeadQuery');
export const ExportFormat = t.keyof(
  { jsonl: null, openlineage: null, croissant: null, mlflow: null },
  'jsonl | openlineage | croissant | mlflow',
);
export const ExportQuery = t.exact(t.intersection([t.type({ format: ExportFormat }), t.partial({ asOf: AsOfText })]), 'ExportQuery');
/** The lineage node ids whose human names a client asks for (at most MAX_LABEL_IDS). */
export const LabelsBody = t.exact(t.type({ ids: t.array(t.string) }), 'LabelsBody');
export const MAX_LABEL_IDS = 1000;
/** A contributor search: a name or id prefix (empty: every contributor), and how many to answer (at most MAX_CONTRIBUTORS). */
export const ContributorsQuery = t.exact(t.partial({ q: t.string, limit: Digits, asOf: AsOfText }), 'ContributorsQuery');
export const MAX_CONTRIBUTORS = 200;
