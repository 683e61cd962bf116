// Ids (CF ids, event ids, signers, digests: 64 lowercase hex, the ledger's spelling of 32 bytes)
// kept by projection tables as their 32 bytes, in bytea columns: half the width of the hex in the
// row and in every index entry, and bytea orders as the hex does. One definition here of how such
// an id goes in (a value, an array, a COPY field) and comes back out (its hex), so every
// projection compares and stores ids alike.
//
// Values and arrays take any text and make text that is no id null (or leave it out of a set),
// which matches no row, as the text matched none before the column held bytes: an asked id may
// be anything a caller typed (upper case, short, a NUL, megabytes), and it must neither fail the
// statement (decode refuses text that is no hex, Postgres any text with a NUL) nor name a row.
import { isHexOfLength } from '@cairn/core';
import { sql, type RawBuilder } from 'kysely';
import { textArrayLiteral } from './array-literal.js';

/** Whether `text` is an id: 64 lowercase hex characters, the 32 bytes a bytea column keeps. */
export const isIdHex = (text: string): boolean => isHexOfLength(text, 32);

/** bytea input text: `\x` and the hex. */
const byteaInput = (id: string): string => `\\x${id}`;

/**
 * `id` as one bytea value, to compare with a column that keeps ids as bytes (`.where('cf_id', '=',
 * idBytes(id))`): a text parameter decoded, as drivers send a bytea parameter only as bytes. Text
 * that is no id becomes null, which matches no row.
 */
export const idBytes = (id: string): RawBuilder<Uint8Array> =>
  isIdHex(id) ? sql<Uint8Array>`decode(${id}::text, 'hex')` : sql<Uint8Array>`null::bytea`;

/**
 * The same as idBytes for a text column or expression in SQL (an asset member's CF id, a
 * target in a jsonb array): its bytes when it is an id, else null.
 */
export const idBytesOf = (text: RawBuilder<string>): RawBuilder<Uint8Array> =>
  sql<Uint8Array>`(case when ${text} ~ '^[0-9a-f]{64}$' then decode(${text}, 'hex') end)`;

/**
 * `$n::bytea[]`: `ids` in their order as one array parameter (an array literal of bytea input
 * text), null for null and for text that is no id. For an insert's column (unnest), or a set of
 * ids to look up one by one (unnest, with the ids filtered by isIdHex).
 */
export const idBytesArray = (ids: readonly (string | null)[]): RawBuilder<(Uint8Array | null)[]> =>
  sql<(Uint8Array | null)[]>`${textArrayLiteral(ids.map((id) => (id !== null && isIdHex(id) ? byteaInput(id) : null)))}::bytea[]`;

/**
 * `any($n::bytea[])` as a right-hand side (`.where('cf_id', '=', anyOfIdBytes(ids))`): one array
 * parameter however many ids. Text that is no id is left out: it names no row.
 */
export const anyOfIdBytes = (ids: readonly string[]): RawBuilder<Uint8Array> =>
  sql<Uint8Array>`any(${textArrayLiteral(ids.filter(isIdHex).map(byteaInput))}::bytea[])`;

/**
 * An id as a COPY text field of a bytea column: its bytea input text with the backslash escaped
 * for COPY; `\N` for null. The one form that trusts its input: a projection writes ids it took
 * from decoded events (the schemas hold them to 64 lowercase hex), and COPY is a rebuild's hot
 * path, where a check of every id field would cost several times what making the field does.
 * Text that is no id fails the COPY, or (upper-case hex) is stored and reads back as other text.
 */
export const idBytesCopyField = (id: string | null): string => (id === null ? '\\N' : `\\\\x${id}`);

/**
 * A bytea column (or expression) that keeps ids, read back as the ids' hex: what answers give and
 * what text columns and parameters are compared with. Null stays null (idHexOrNull).
 */
export const idHex = (bytes: string | RawBuilder<Uint8Array | null>): RawBuilder<string> =>
  sql<string>`encode(${typeof bytes === 'string' ? sql.ref(bytes) : bytes}, 'hex')`;

/** idHex of a column that may hold null (a label's commitment, a left join's miss). */
export const idHexOrNull = (bytes: string | RawBuilder<Uint8Array | null>): RawBuilder<string | null> =>
  idHex(bytes) as RawBuilder<string | null>;
