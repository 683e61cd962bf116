// Turns io-ts errors into one line per problem, for people:
//   SampleContributed.payload.license: expected an SPDX expression, got "MIT or whatever"
// and into the same facts as fields, for programs (SDK, CLI, HTTP).
import type * as t from 'io-ts';
import { UnexpectedField } from '../combinators/closed.js';
import { descriptorOf } from '../describe.js';

export interface Problem {
  /** Where, from the decoded value's root: `payload.targets[0]`; empty for the root itself. */
  readonly path: string;
  /** What was expected there, e.g. `a CfId (64 lowercase hex)`. */
  readonly expected: string;
  /** What came (the field name, for an unexpected field). */
  readonly actual: unknown;
  /** The whole line, subject and path included. */
  readonly message: string;
}

const MAX_SHOWN = 80;

/** A value as it appears in a message: JSON where possible, shortened when long. */
export function showValue(value: unknown): string {
  let shown: string;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = Object.prototype.toString.call(value);
  }
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 1)}…` : shown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- io-ts contexts hold Decoder<any, any>
type Tagged = t.Decoder<any, any> & {
  readonly _tag?: string;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly types?: readonly t.Any[];
};

/** How a codec reads in "expected ...": its descriptor, else a phrase for io-ts's own codecs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- io-ts contexts hold Decoder<any, any>
export function describeCodec(codec: t.Decoder<any, any>): string {
  const descriptor = descriptorOf(codec);
  if (descriptor) return descriptor.expected;
  const tagged = codec as Tagged;
  switch (tagged._tag) {
    case 'StringType':
      return 'a string';
    case 'NumberType':
      return 'a number';
    case 'BooleanType':
      return 'a boolean';
    case 'NullType':
      return 'null';
    case 'LiteralType':
      return JSON.stringify(tagged.value);
    case 'KeyofType':
      return `one of ${Object.keys(tagged.keys ?? {})
        .map((k) => JSON.stringify(k))
        .join(', ')}`;
    case 'UnionType':
      return (tagged.types ?? []).map((m) => describeCodec(m)).join(' or ');
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType':
    case 'ExactType':
    case 'DictionaryType':
      return 'an object';
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return 'a list';
    default:
      return codec.name;
  }
}

function keySegment(key: string, parentActual: unknown): string {
  if (Array.isArray(parentActual)) return `[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- io-ts contexts hold Decoder<any, any>
function isUnion(codec: t.Decoder<any, any>): boolean {
  return (codec as Tagged)._tag === 'UnionType';
}

function problem(subject: string, path: string, expected: string, actual: unknown): Problem {
  return {
    path: path.replace(/^\./, ''),
    expected,
    actual,
    message: `${subject}${path}: expected ${expected}, got ${showValue(actual)}`,
  };
}

function problemOf(error: t.ValidationError, subject: string): Problem {
  const context = error.context;
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]!;
    const entry = context[i]!;
    // A union that failed as a whole is reported once, as the union; listing why each branch
    // failed would bury the point. A dispatching union chose its branch by a field: go inside.
    if (isUnion(parent.type) && !descriptorOf(parent.type)?.dispatching) {
      return problem(subject, path, describeCodec(parent.type), parent.actual);
    }
    // Union branches and intersection parts re-validate the same value under a numeric key;
    // that is not a step into a field (a JSON field cannot hold its own parent).
    if (entry.actual === parent.actual && entry.actual !== undefined) continue;
    if (entry.type === UnexpectedField) {
      const fields = descriptorOf(parent.type)?.fields;
      return {
        path: path.replace(/^\./, ''),
        expected: fields ? `only the fields ${fields.join(', ')}` : 'no such field',
        actual: entry.key,
        message: `${subject}${path}: unexpected field ${JSON.stringify(entry.key)}`,
      };
    }
    path += keySegment(entry.key, parent.actual);
  }
  const last = context[context.length - 1];
  const descriptor = last ? descriptorOf(last.type) : undefined;
  if (error.message === undefined && descriptor?.message) {
    return { path: path.replace(/^\./, ''), expected: descriptor.expected, actual: error.value, message: descriptor.message(error.value) };
  }
  const expected = error.message ?? (last ? describeCodec(last.type) : 'a value');
  return problem(subject, path, expected, error.value);
}

/** One problem per distinct line, in the order io-ts found them (field order). */
export function problemsOf(errors: t.Errors, subject: string): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    const p = problemOf(error, subject);
    if (!seen.has(p.message)) {
      seen.add(p.message);
      problems.push(p);
    }
  }
  return problems;
}
