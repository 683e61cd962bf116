// io-ts at the edge: a request decodes strictly (an unknown field is refused by name, not
// dropped) and every failure carries the codec's path, e.g. `body.events[0].envelope.signer`.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { FieldProblem } from './problem.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 64 ? text : `${text.slice(0, 64)}… (${text.length} chars)`;
};

/** The combinator under exact/readonly/refinement wrappers (they add no key of their own). */
function unwrap(codec: t.Decoder<unknown, unknown> | undefined): unknown {
  let c: unknown = codec;
  while (c instanceof t.ExactType || c instanceof t.ReadonlyType || c instanceof t.RefinementType) c = (c as { type: unknown }).type;
  return c;
}

function pathOf(root: string, context: t.Context): string {
  let path = root;
  // context[0] is the root codec; each later entry is the key it was reached by.
  for (let i = 1; i < context.length; i++) {
    const entry = context[i]!;
    const parent = unwrap(context[i - 1]?.type);
    if (entry.key === '' || parent instanceof t.IntersectionType || parent instanceof t.UnionType) continue;
    path += /^\d+$/.test(entry.key) && parent instanceof t.ArrayType ? `[${entry.key}]` : `.${entry.key}`;
  }
  return path;
}

/** The props a codec accepts at the top of an object (undefined: not an object codec, any key goes). */
function propsOf(codec: t.Mixed): Record<string, t.Mixed> | undefined {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return codec.props as Record<string, t.Mixed>;
  if (codec instanceof t.ExactType || codec instanceof t.RefinementType || codec instanceof t.ReadonlyType) return propsOf(codec.type);
  if (codec instanceof t.IntersectionType) {
    const all: Record<string, t.Mixed> = {};
    for (const part of codec.types as t.Mixed[]) Object.assign(all, propsOf(part) ?? {});
    return all;
  }
  return undefined;
}

/** The keys an object codec requires (its `t.type` parts), through exact/readonly/intersections. */
function requiredOf(codec: t.Mixed): string[] {
  if (codec instanceof t.InterfaceType) return Object.keys(codec.props as object);
  if (codec instanceof t.ExactType || codec instanceof t.RefinementType || codec instanceof t.ReadonlyType) return requiredOf(codec.type);
  if (codec instanceof t.IntersectionType) return (codec.types as t.Mixed[]).flatMap(requiredOf);
  return [];
}

/**
 * Which member of a union a value means: the first whose required keys it all has (a sealed
 * envelope has `seal`, a signed one `signature`), else the first. Unknown fields and failures are
 * then told against that member alone, not against every alternative at once.
 */
function branchOf(union: t.UnionType<t.Mixed[]>, value: unknown): number {
  const types = union.types as t.Mixed[];
  if (!isRecord(value)) return 0;
  const found = types.findIndex((b) => requiredOf(b).every((k) => k in value));
  return found === -1 ? 0 : found;
}

function excess(codec: t.Mixed, value: unknown, path: string, out: FieldProblem[]): void {
  const bare = unwrap(codec);
  if (bare instanceof t.UnionType) {
    excess((bare.types as t.Mixed[])[branchOf(bare as t.UnionType<t.Mixed[]>, value)]!, value, path, out);
    return;
  }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    if (Array.isArray(value)) value.forEach((item, i) => excess(codec.type as t.Mixed, item, `${path}[${i}]`, out));
    return;
  }
  const props = propsOf(codec);
  if (props === undefined || !isRecord(value)) return;
  for (const key of Object.keys(value)) {
    const prop = props[key];
    if (prop === undefined) out.push({ field: `${path}.${key}`, reason: 'unknown field' });
    else excess(prop, value[key], `${path}.${key}`, out);
  }
}

export function decodeStrict<A, O>(codec: t.Type<A, O, unknown>, value: unknown, root: string): E.Either<FieldProblem[], A> {
  const unknownFields: FieldProblem[] = [];
  excess(codec as unknown as t.Mixed, value, root, unknownFields);
  if (unknownFields.length > 0) return E.left(unknownFields);
  const decoded = codec.decode(value);
  if (E.isRight(decoded)) return E.right(decoded.right);
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  const meant = decoded.left.filter(onMeantBranch);
  for (const error of meant.length > 0 ? meant : decoded.left) {
    const field = pathOf(root, error.context);
    if (seen.has(field)) continue;
    seen.add(field);
    const expected = error.context.at(-1)?.type.name ?? 'a valid value';
    problems.push({ field, reason: error.message ?? `expected ${expected}, got ${show(error.value)}` });
  }
  return E.left(problems);
}

/** False for a failure inside a union member the value does not mean (see branchOf). */
function onMeantBranch(error: t.ValidationError): boolean {
  const context = error.context;
  for (let i = 1; i < context.length; i++) {
    const parent = unwrap(context[i - 1]?.type);
    if (parent instanceof t.UnionType && context[i]!.key !== String(branchOf(parent as t.UnionType<t.Mixed[]>, context[i - 1]!.actual)))
      return false;
  }
  return true;
}

const NUL = '\u0000';

/**
 * Where a decoded value holds a NUL character (U+0000), which the store's text columns cannot
 * hold: Postgres refuses it as an encoding error, so text carrying one must be refused before a
 * query is sent with it. `root` names the value (`path`, `query`, `body.ids`).
 */
export function nulCharacters(value: unknown, root: string): FieldProblem[] {
  if (typeof value === 'string') return value.includes(NUL) ? [{ field: root, reason: 'contains a NUL character' }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulCharacters(item, `${root}[${i}]`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([name, v]) =>
    name.includes(NUL) ? [{ field: root, reason: 'a name in it contains a NUL character' }] : nulCharacters(v, `${root}.${name}`),
  );
}

// A UTF-16 code unit of a surrogate pair without its other half. JSON lets a body spell one
// (`"\ud800"`) and JSON.parse keeps it, but it has no UTF-8 form: written to the store, hashed or
// signed, it would silently become U+FFFD, other bytes than the client sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const loneSurrogateIn = (text: string): string | undefined => {
  const found = LONE_SURROGATE.exec(text);
  return found === null ? undefined : `U+${found[0].charCodeAt(0).toString(16).toUpperCase()}`;
};

/**
 * Where a decoded value holds an unpaired UTF-16 surrogate, in a string or a name, as the problems
 * to refuse it with. `root` names the value (`body`, `body.envelope.payload`).
 */
export function loneSurrogates(value: unknown, root: string): FieldProblem[] {
  if (typeof value === 'string') {
    const unit = loneSurrogateIn(value);
    return unit === undefined ? [] : [{ field: root, reason: `contains an unpaired UTF-16 surrogate ${unit}` }];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => loneSurrogates(item, `${root}[${i}]`));
  // Only what JSON.parse makes: an upload's bytes (a Buffer) are not text and are not walked.
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([name, v]) => {
    const unit = loneSurrogateIn(name);
    return unit === undefined
      ? loneSurrogates(v, `${root}.${name}`)
      : [{ field: root, reason: `a name in it contains an unpaired UTF-16 surrogate ${unit}` }];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A request body's text, or undefined when its bytes are not UTF-8. Decoding them leniently
 * would turn each bad sequence (a Latin-1 byte, a surrogate spelt in UTF-8 as ED A0 80) into
 * U+FFFD without a word, and the request would be read as something the client never sent.
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether every percent-escape in `component` (a query string's name or value) spells UTF-8. */
function percentDecodes(component: string): boolean {
  if (!component.includes('%')) return true;
  try {
    decodeURIComponent(component);
    return true;
  } catch {
    return false;
  }
}

/**
 * The request's parameters that are not text the ledger can hold, as the problems to refuse them
 * with (none: every parameter is readable). The router and the query parser decode what they can
 * and pass the rest on: a NUL character would reach the store's text columns (nulCharacters), and
 * a query escape that is not UTF-8 would be read as its own `%` text. Checked once for every
 * route, before any of them reads a parameter. (A path escape that is not UTF-8 never reaches a
 * route: the router refuses the URL.)
 */
export function unreadableParameters(params: unknown, query: unknown, rawQuery: string | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (rawQuery !== undefined && rawQuery.includes('%'))
    for (const pair of rawQuery.split('&')) {
      const at = pair.indexOf('=');
      const name = at < 0 ? pair : pair.slice(0, at);
      if (!percentDecodes(name))
        problems.push({ field: 'query', reason: `a parameter name (${show(name)}) has a percent-escape that is not UTF-8` });
      else if (at >= 0 && !percentDecodes(pair.slice(at + 1)))
        problems.push({ field: `query.${decodeURIComponent(name)}`, reason: 'has a percent-escape that is not UTF-8' });
    }
  return [...problems, ...nulCharacters(params, 'path'), ...nulCharacters(query, 'query')];
}
