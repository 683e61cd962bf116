// Opaque JSON (label values, attributes, hyperparameters). Anything accepted here has an
// RFC 8785 canonical form and fits Postgres jsonb: finite numbers, safe integers, plain objects,
// and strings and keys that are storable text (text.ts: no NUL, no lone surrogate).
import * as t from 'io-ts';
import type { JsonValue as CoreJsonValue } from '@cairn/core';
import { described } from '../describe.js';
import { textProblem } from './text.js';

// One definition of JSON for the whole ledger: core's (canonical JSON is defined over it).
export type JsonValue = CoreJsonValue;
export type JsonObject = { readonly [key: string]: JsonValue };

const MAX_DEPTH = 64;

function isPlainObject(u: unknown): u is Record<string, unknown> {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  // Any realm's Object.prototype (a vm context, a worker) or none; not Date, Map or a class.
  const proto = Object.getPrototypeOf(u) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Walks a value and records each place that is not JSON, with what was expected there. */
function collectNonJson(value: unknown, context: t.Context, depth: number, out: t.ValidationError[]): void {
  const fail = (message: string): void => {
    out.push({ value, context, message });
  };
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string': {
      const problem = textProblem(value);
      if (problem !== null) fail(problem);
      return;
    }
    case 'number':
      if (!Number.isFinite(value)) fail('a finite number');
      else if (Number.isInteger(value) && !Number.isSafeInteger(value)) fail('an integer within ±(2^53 - 1)');
      return;
    case 'object':
      if (value === null) return;
      if (depth >= MAX_DEPTH) return fail(`JSON nested at most ${MAX_DEPTH} levels deep`);
      if (Array.isArray(value)) {
        value.forEach((item, i) => collectNonJson(item, [...context, { key: String(i), type: JsonValue, actual: item }], depth + 1, out));
        return;
      }
      if (!isPlainObject(value)) return fail('a plain JSON object');
      for (const [key, item] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem !== null) {
          out.push({ value: key, context: [...context, { key, type: JsonValue, actual: item }], message: `a key that is ${problem}` });
        }
        collectNonJson(item, [...context, { key, type: JsonValue, actual: item }], depth + 1, out);
      }
      return;
    default:
      fail('a JSON value (null, boolean, number, string, list or object)');
  }
}

function validateJson(u: unknown, c: t.Context): t.Validation<JsonValue> {
  const problems: t.ValidationError[] = [];
  collectNonJson(u, c, 0, problems);
  return problems.length === 0 ? t.success(u as JsonValue) : t.failures(problems);
}

/** Any JSON value with a canonical form. */
export const JsonValue: t.Type<JsonValue, JsonValue, unknown> = described(
  new t.Type<JsonValue, JsonValue, unknown>(
    'JsonValue',
    (u): u is JsonValue => validateJson(u, [])._tag === 'Right',
    validateJson,
    t.identity,
  ),
  {
    expected: 'a JSON value',
    jsonSchema: {
      description:
        'Any JSON value: null, boolean, finite number, string, list or object; no string or key holds U+0000 or a lone surrogate.',
    },
    define: true,
  },
);

/** A JSON object (string keys to JSON values). */
export const JsonObject: t.Type<JsonObject, JsonObject, unknown> = described(
  new t.Type<JsonObject, JsonObject, unknown>(
    'JsonObject',
    (u): u is JsonObject => isPlainObject(u) && JsonValue.is(u),
    (u, c) => (isPlainObject(u) ? (validateJson(u, c) as t.Validation<JsonObject>) : t.failure(u, c)),
    t.identity,
  ),
  {
    expected: 'a JSON object',
    jsonSchema: { type: 'object', description: 'A JSON object: string keys to any JSON values.' },
    define: true,
  },
);
