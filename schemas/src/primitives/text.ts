// Free text and names. Every string that reaches the log must be storable and signable as it is:
// lone UTF-16 surrogates have no RFC 8785 canonical form (and no UTF-8 encoding), and U+0000
// cannot be held by Postgres `text` or `jsonb`, so an event carrying either would be appended and
// then stop every projection that writes it. Both are refused here, at the edge, with the reason.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { described } from '../describe.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string is well-formed UTF-16 (RFC 8785 section 3.2.2.2 cannot encode the rest). */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** What a string needs to be before the ledger can keep it, or null when it already is. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'text without U+0000 (NUL), which Postgres text and jsonb cannot store';
  if (!isWellFormedText(s)) return 'text without lone UTF-16 surrogates, which have no UTF-8 or canonical JSON form';
  return null;
}

/** True when a string can be stored and canonicalised as it is (no NUL, no lone surrogate). */
export function isStorableText(s: string): boolean {
  return textProblem(s) === null;
}

/**
 * The same refinement, but a string it refuses for being unstorable says why (a NUL or a lone
 * surrogate) instead of the codec's general "expected ...": the one character at fault is
 * usually invisible in the value shown.
 */
function withTextReasons<B>(codec: t.BrandC<t.StringC, B>): t.BrandC<t.StringC, B> {
  return new t.RefinementType(
    codec.name,
    codec.is,
    (u, c) => {
      const checked = codec.validate(u, c);
      if (isLeft(checked) && typeof u === 'string') {
        const problem = textProblem(u);
        if (problem !== null) return t.failure(u, c, problem);
      }
      return checked;
    },
    codec.encode,
    codec.type,
    codec.predicate,
  );
}

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
/** Text with at least one non-blank character, storable as it is. */
export const NonEmptyString = described(
  withTextReasons(
    t.brand(t.string, (s): s is t.Branded<string, NonEmptyStringBrand> => /\S/.test(s) && isStorableText(s), 'NonEmptyString'),
  ),
  {
    expected: 'a non-empty string',
    jsonSchema: {
      type: 'string',
      minLength: 1,
      // JSON Schema states the NUL rule; lone surrogates are outside what a pattern can say portably.
      pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$',
      description: 'Text with at least one non-blank character, without U+0000 or lone surrogates.',
    },
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
      description:
        'A dataset name: a lowercase slug (a-z, 0-9, ".", "_", "-"), 1 to 64 characters, starting and ending with a letter or digit.',
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
