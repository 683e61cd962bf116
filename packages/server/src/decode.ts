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

function excess(codec: t.Mixed, value: unknown, path: string, out: FieldProblem[]): void {
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
  for (const error of decoded.left) {
    const field = pathOf(root, error.context);
    if (seen.has(field)) continue;
    seen.add(field);
    const expected = error.context.at(-1)?.type.name ?? 'a valid value';
    problems.push({ field, reason: error.message ?? `expected ${expected}, got ${show(error.value)}` });
  }
  return E.left(problems);
}
