// io-ts codecs as JSON Schema (2020-12, the dialect OpenAPI 3.1 uses), for the OpenAPI document.
// Covers the combinators the server's codecs use; a codec it does not know is an error at startup,
// not a silently empty schema. Custom string codecs (patterns) say their schema when made.
import * as t from 'io-ts';
import { jsonSchemaOf } from '@cairn/sdk';

export type JsonSchema = { readonly [key: string]: unknown };

const custom = new WeakMap<t.Mixed, JsonSchema>();

/** A custom codec's schema, for codecs io-ts cannot describe (a pattern-checked string). */
export function withSchema<C extends t.Mixed>(codec: C, schema: JsonSchema): C {
  custom.set(codec, schema);
  return codec;
}

export function toJsonSchema(codec: t.Mixed): JsonSchema {
  const known = custom.get(codec) ?? jsonSchemaOf(codec);
  if (known !== undefined) return known;
  if (codec instanceof t.StringType) return { type: 'string' };
  if (codec instanceof t.NumberType) return { type: 'number' };
  if (codec instanceof t.BooleanType) return { type: 'boolean' };
  if (codec instanceof t.NullType) return { type: 'null' };
  if (codec instanceof t.UnknownType) return {};
  if (codec instanceof t.AnyDictionaryType) return { type: 'object' };
  if (codec instanceof t.LiteralType) return { const: codec.value };
  if (codec instanceof t.KeyofType) return { enum: Object.keys(codec.keys as object) };
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType)
    return { type: 'array', items: toJsonSchema(codec.type as t.Mixed) };
  if (codec instanceof t.UnionType) return { anyOf: (codec.types as t.Mixed[]).map(toJsonSchema) };
  if (codec instanceof t.ReadonlyType) return toJsonSchema(codec.type as t.Mixed);
  if (
    codec instanceof t.InterfaceType ||
    codec instanceof t.PartialType ||
    codec instanceof t.ExactType ||
    codec instanceof t.IntersectionType
  ) {
    const shape = objectShape(codec);
    if (shape !== undefined)
      return {
        type: 'object',
        properties: shape.properties,
        ...(shape.required.length > 0 ? { required: shape.required } : {}),
        ...(shape.exact ? { additionalProperties: false } : {}),
      };
  }
  throw new Error(`toJsonSchema: no JSON Schema for the io-ts codec ${codec.name}`);
}

interface Shape {
  properties: Record<string, JsonSchema>;
  required: string[];
  exact: boolean;
}

/** An object codec's properties, required ones and exactness, merging intersections of objects. */
function objectShape(codec: t.Mixed): Shape | undefined {
  if (codec instanceof t.ExactType) {
    const inner = objectShape(codec.type as t.Mixed);
    return inner && { ...inner, exact: true };
  }
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    const props = codec.props as Record<string, t.Mixed>;
    const properties: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(props)) properties[k] = toJsonSchema(v);
    return { properties, required: codec instanceof t.InterfaceType ? Object.keys(props) : [], exact: false };
  }
  if (codec instanceof t.IntersectionType) {
    const parts = (codec.types as t.Mixed[]).map(objectShape);
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.reduce<Shape>(
      (all, p) => ({
        properties: { ...all.properties, ...p!.properties },
        required: [...all.required, ...p!.required],
        exact: all.exact || p!.exact,
      }),
      { properties: {}, required: [], exact: false },
    );
  }
  return undefined;
}
