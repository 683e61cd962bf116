// Free text and names. Every string that reaches the log must have an RFC 8785 canonical form,
// so lone UTF-16 surrogates (which have none) are refused here rather than at signing time.
import * as t from 'io-ts';
import { described } from '../describe.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string is well-formed UTF-16 (RFC 8785 section 3.2.2.2 cannot encode the rest). */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
/** Text with at least one non-blank character. */
export const NonEmptyString = described(
  t.brand(
    t.string,
    (s): s is t.Branded<string, NonEmptyStringBrand> => /\S/.test(s) && isWellFormedText(s),
    'NonEmptyString',
  ),
  {
    expected: 'a non-empty string',
    jsonSchema: { type: 'string', minLength: 1, pattern: '\\S', description: 'Text with at least one non-blank character.' },
    define: true,
  },
);
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

// A slug is safe in a stream name (`dataset-<name>`), a file name and a URL path segment.
const DATASET_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export interface DatasetNameBrand {
  readonly DatasetName: unique symbol;
}
/** A dataset's name: a lowercase slug of 1 to 64 characters. */
export const DatasetName = described(
  t.brand(t.string, (s): s is t.Branded<string, DatasetNameBrand> => DATASET_NAME.test(s), 'DatasetName'),
  {
    expected: 'a dataset name (lowercase slug of a-z, 0-9, ".", "_", "-", 1 to 64 characters, starting and ending with a letter or digit)',
    jsonSchema: {
      type: 'string',
      pattern: DATASET_NAME.source,
      description: 'A dataset name: a lowercase slug (a-z, 0-9, ".", "_", "-"), 1 to 64 characters, starting and ending with a letter or digit.',
    },
    define: true,
  },
);
export type DatasetName = t.TypeOf<typeof DatasetName>;

const RUN_ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;

export interface RunIdBrand {
  readonly RunId: unique symbol;
}
/** A training run's id as the training side names it (a UUID, a tracker's run id): a slug safe in `run-<id>`. */
export const RunId = described(
  t.brand(t.string, (s): s is t.Branded<string, RunIdBrand> => RUN_ID.test(s), 'RunId'),
  {
    expected: 'a run id (A-Z, a-z, 0-9, ".", "_", "-", 1 to 128 characters, starting and ending with a letter or digit)',
    jsonSchema: {
      type: 'string',
      pattern: RUN_ID.source,
      description: 'A training run id: letters, digits, ".", "_", "-", 1 to 128 characters, starting and ending with a letter or digit.',
    },
    define: true,
  },
);
export type RunId = t.TypeOf<typeof RunId>;

// RFC 6838 section 4.2 restricted-name for type and subtype. Lowercase only (media types are
// case-insensitive, and content addressing needs one spelling) and no parameters.
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export interface MediaTypeBrand {
  readonly MediaType: unique symbol;
}
export const MediaType = described(
  t.brand(t.string, (s): s is t.Branded<string, MediaTypeBrand> => MEDIA_TYPE.test(s), 'MediaType'),
  {
    expected: 'a media type (RFC 6838 type/subtype in lowercase, e.g. "text/plain")',
    jsonSchema: {
      type: 'string',
      pattern: MEDIA_TYPE.source,
      description: 'A media type, RFC 6838 type/subtype, lowercase, without parameters.',
    },
    define: true,
  },
);
export type MediaType = t.TypeOf<typeof MediaType>;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

function isUtcTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  // Date.UTC rolls 2024-02-30 over to March; a round trip catches such impossible dates.
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === se
  );
}

export interface IsoTimestampBrand {
  readonly IsoTimestamp: unique symbol;
}
/** An RFC 3339 timestamp in UTC ("Z"), so equal instants are equal strings. */
export const IsoTimestamp = described(
  t.brand(t.string, (s): s is t.Branded<string, IsoTimestampBrand> => isUtcTimestamp(s), 'IsoTimestamp'),
  {
    expected: 'an RFC 3339 UTC timestamp (e.g. "2024-05-01T12:00:00Z")',
    jsonSchema: {
      type: 'string',
      pattern: TIMESTAMP.source,
      description: 'An RFC 3339 timestamp in UTC, e.g. "2024-05-01T12:00:00Z".',
    },
    define: true,
  },
);
export type IsoTimestamp = t.TypeOf<typeof IsoTimestamp>;
