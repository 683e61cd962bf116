// Postgres array literals for the `unnest($n::text[])` parameters of a batch insert. Drivers
// (pg, PGlite) build the same literal themselves, element by element, with two regex passes per
// element; for a batch of thousands of event bodies that was a visible share of an append.
// Postgres quotes an array element as "..." with \" and \\ (arrays.sgml, "Array Value Input"),
// which is exactly JSON's string escaping wherever the text has no control character and no
// lone surrogate (JSON would write those as \n or \uXXXX, which an array literal reads as
// plain letters) — true of every canonical JSON body and every id the log stores, so one native
// JSON.stringify quotes them. Any other text takes the explicit escape.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_EXPLICIT_ESCAPE = /[\u0000-\u001f\ud800-\udfff]/;
const ARRAY_SPECIAL = /[\\"]/g;

function quoted(value: string): string {
  return NEEDS_EXPLICIT_ESCAPE.test(value) ? `"${value.replace(ARRAY_SPECIAL, '\\$&')}"` : JSON.stringify(value);
}

/** `{"a","b\"c",NULL}`: the text[] literal of `values`, null as SQL NULL. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    out += (i > 0 ? ',' : '') + (value === null ? 'NULL' : quoted(value));
  }
  return out + '}';
}

/** U+001E, the record separator: canonical JSON never holds it raw (JSON escapes U+0000-U+001F). */
const RECORD_SEPARATOR = '\u001e';

/**
 * A text[] parameter for `values` (none null) with the SQL that reads it as `text[]` at `$n`.
 * Event bodies are canonical JSON, which holds no raw control character, so they travel as one
 * text joined with U+001E that the server splits with string_to_array (a scan for one byte),
 * instead of a literal that array_in unquotes character by character: about 4 µs less per event
 * on PGlite's thread. Any value that could not be split back exactly (it holds the separator, or
 * it is empty) sends the whole column as the literal instead.
 */
export function textArrayParam(values: readonly string[], n: number): { readonly sql: string; readonly param: string } {
  const splittable = values.length > 0 && values.every((v) => v.length > 0 && !v.includes(RECORD_SEPARATOR));
  return splittable
    ? { sql: `string_to_array($${n}::text, E'\\x1e')`, param: values.join(RECORD_SEPARATOR) }
    : { sql: `$${n}::text[]`, param: textArrayLiteral(values) };
}
