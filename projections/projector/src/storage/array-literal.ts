// Postgres array literals (the text form array_in reads), built here rather than by the driver so
// that a batch's parameters can be made before its transaction, while the previous batch is still
// being written. Text arrays are the event log's (@cairn/eventlog), which builds the same
// literals for its batch inserts.
import { sql, type RawBuilder } from 'kysely';

export { textArrayLiteral } from '@cairn/eventlog';

/** `{1,2,3}`: for a `$n::bigint[]` or `$n::int4[]` parameter. */
export function integerArrayLiteral(values: readonly (bigint | number)[]): string {
  return `{${values.join(',')}}`;
}

/**
 * `= any($n::text[])` as a right-hand side for the query builder (`.where('cf_id', '=', anyOfText(ids))`):
 * one array parameter however many values, where an `in` list takes one parameter per value and
 * Postgres takes at most 65535 in a statement.
 */
export const anyOfText = (values: readonly string[]): RawBuilder<string> => sql<string>`any(${values}::text[])`;
