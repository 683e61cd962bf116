// RFC 8785 JSON Canonicalization Scheme (JCS). ECMAScript's own Number-to-string and
// JSON string escaping are exactly what the RFC prescribes (sections 3.2.2.2 and 3.2.2.3);
// what we add is refusing values that have no canonical form.
import * as E from 'fp-ts/lib/Either.js';
import { childPath, hasLoneSurrogate, numberRefusal } from './json-policy.js';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface CanonicalJsonError {
  readonly _tag: 'CanonicalJsonError';
  /** JSON path of the offending value, e.g. `$.payload.size`. */
  readonly path: string;
  readonly reason: string;
}

class Refusal {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {}
}

function write(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      {
        const refusal = numberRefusal(value);
        if (refusal !== undefined) throw new Refusal(path, refusal);
      }
      // Number#toString is the ECMAScript serialisation RFC 8785 adopts; -0 becomes "0".
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'string':
      if (hasLoneSurrogate(value)) throw new Refusal(path, 'string contains a lone surrogate');
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          write(item, `${path}[${i}]`, out);
        });
        out.push(']');
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new Refusal(path, `${proto?.constructor?.name ?? 'exotic'} object is not plain JSON`);
      // RFC 8785 3.2.3: sort property names by their UTF-16 code units, which is what
      // the default string comparison of Array#sort does.
      const keys = Object.keys(value).sort();
      out.push('{');
      keys.forEach((key, i) => {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) throw new Refusal(childPath(path, key), 'undefined is not JSON');
        if (hasLoneSurrogate(key)) throw new Refusal(childPath(path, key), 'property name contains a lone surrogate');
        if (i > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(v, childPath(path, key), out);
      });
      out.push('}');
      return;
    }
    default:
      throw new Refusal(path, `${typeof value} is not JSON`);
  }
}

// The hot path (every append, every id) writes without tracking where it is: building a path
// string for every value cost more than the serialising itself. It gives up on the first value
// it would refuse, and `write` then runs again from the top to say where and why, so refusals
// read exactly as before and a valid value is written once.
const GIVE_UP = Symbol('refused');

// Objects here have a handful of keys: an insertion sort on `<` (UTF-16 code unit order, as
// Array#sort's default compare) allocates nothing, where Array#sort copies into a workspace.
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function fastWrite(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (numberRefusal(value) !== undefined) throw GIVE_UP;
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      if (hasLoneSurrogate(value)) throw GIVE_UP;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + fastWrite(value[i]);
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw GIVE_UP;
      const keys = sortedKeys(value);
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined || hasLoneSurrogate(key)) throw GIVE_UP;
        out += (i > 0 ? ',' : '') + JSON.stringify(key) + ':' + fastWrite(v);
      }
      return out + '}';
    }
    default:
      throw GIVE_UP;
  }
}

/** The RFC 8785 canonical form of `value`, or why it has none. */
export function canonicalize(value: unknown): E.Either<CanonicalJsonError, string> {
  try {
    return E.right(fastWrite(value));
  } catch (e) {
    if (e !== GIVE_UP) throw e;
  }
  const out: string[] = [];
  try {
    write(value, '$', out);
  } catch (e) {
    if (e instanceof Refusal) return E.left({ _tag: 'CanonicalJsonError', path: e.path, reason: e.reason });
    throw e;
  }
  // fastWrite refuses exactly what write refuses, so this is reached only through a bug in one
  // of them; the path-tracking writer is the reference and its answer stands.
  return E.right(out.join(''));
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the canonical form. */
export function canonicalBytes(value: unknown): E.Either<CanonicalJsonError, Uint8Array> {
  return E.map((s: string) => encoder.encode(s))(canonicalize(value));
}

// Only this module can make a CanonicalJson: the token is not exported.
const MADE_HERE: unique symbol = Symbol('CanonicalJson');

/**
 * A JSON value together with its RFC 8785 text, so that a layer which stores the text (the
 * event log) need not write the value a second time. Only @cairn/core makes one, and only from
 * a value it has just written, so `text` is `canonicalize(value)` as of that moment; whoever
 * hands one over does not mutate `value` afterwards.
 */
export class CanonicalJson {
  constructor(
    token: typeof MADE_HERE,
    readonly value: unknown,
    readonly text: string,
  ) {
    if (token !== MADE_HERE) throw new TypeError('a CanonicalJson is made by CanonicalJson.of');
  }

  /** The canonical form of `value`, kept beside it. */
  static of(value: unknown): E.Either<CanonicalJsonError, CanonicalJson> {
    return E.map((text: string) => new CanonicalJson(MADE_HERE, value, text))(canonicalize(value));
  }
}

/** Package-internal (not exported from the index): for ./ids.ts, which joins canonical parts it has just written. */
export function canonicalJsonOfParts(value: unknown, text: string): CanonicalJson {
  return new CanonicalJson(MADE_HERE, value, text);
}
