// Postgres array literals (the text form array_in reads), built here rather than by the driver so
// that a batch's parameters can be made before its transaction, while the previous batch is still
// being written. Elements are always quoted, so only `"` and `\` need escaping.
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

function element(value: string | null): string {
  if (value === null) return 'NULL';
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
}

/** `{"a","b",NULL}`: for a `$n::text[]` parameter. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map(element).join(',')}}`;
}

/** `{1,2,3}`: for a `$n::bigint[]` or `$n::int4[]` parameter. */
export function integerArrayLiteral(values: readonly (bigint | number)[]): string {
  return `{${values.join(',')}}`;
}
