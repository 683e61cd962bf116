// JSON Schema (draft 2020-12) from io-ts codecs, by walking their runtime tags. Refinements and
// brands take their keywords from the descriptor table beside each codec (describe.ts); a codec
// this walker does not know is a programmer error, not a silently permissive schema.
import type * as t from 'io-ts';
import { descriptorOf, type JsonSchema } from '../describe.js';

type Tagged = t.Any & {
  readonly _tag?: string;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly types?: readonly t.Any[];
  readonly type?: t.Any;
  readonly props?: t.Props;
  readonly domain?: t.Any;
  readonly codomain?: t.Any;
};

interface ObjectSchema {
  properties: Record<string, JsonSchema>;
  required: string[];
}

/** Collects `$defs` while converting; one per generated document. */
export class SchemaBuilder {
  private readonly defs = new Map<string, JsonSchema>();

  /** `$defs`, sorted by name so the output does not depend on visiting order. */
  definitions(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The schema of a codec; a codec marked `define` becomes a `$ref` to `$defs/<name>`. */
  convert(codec: t.Any): JsonSchema {
    if (descriptorOf(codec)?.define) {
      const ref = { $ref: `#/$defs/${codec.name}` };
      if (!this.defs.has(codec.name)) {
        this.defs.set(codec.name, {}); // placeholder first: a recursive codec refers to itself
        this.defs.set(codec.name, this.body(codec));
      }
      return ref;
    }
    return this.body(codec);
  }

  /** The schema of a codec itself, never a `$ref` to it (for a document's root). */
  body(codec: t.Any): JsonSchema {
    const descriptor = descriptorOf(codec);
    if (descriptor?.jsonSchema) return { ...descriptor.jsonSchema };
    const structural = this.structural(codec as Tagged);
    return descriptor?.jsonSchemaExtra ? { ...structural, ...descriptor.jsonSchemaExtra } : structural;
  }

  private structural(codec: Tagged): JsonSchema {
    switch (codec._tag) {
      case 'StringType':
        return { type: 'string' };
      case 'NumberType':
        return { type: 'number' };
      case 'BooleanType':
        return { type: 'boolean' };
      case 'NullType':
        return { type: 'null' };
      case 'UnknownType':
        return {};
      case 'LiteralType':
        return { const: codec.value };
      case 'KeyofType':
        return { type: 'string', enum: Object.keys(codec.keys ?? {}) };
      case 'UnionType': {
        const types = codec.types ?? [];
        if (types.every((m) => (m as Tagged)._tag === 'LiteralType')) return { enum: types.map((m) => (m as Tagged).value) };
        return { anyOf: types.map((m) => this.convert(m)) };
      }
      case 'InterfaceType':
      case 'PartialType':
      case 'IntersectionType':
        return this.objectOrAllOf(codec, false);
      case 'ExactType':
        return this.objectOrAllOf(codec.type as Tagged, true);
      case 'ArrayType':
      case 'ReadonlyArrayType':
        return { type: 'array', items: this.convert(codec.type!) };
      case 'DictionaryType': {
        const domain = codec.domain as Tagged;
        const keys = domain._tag === 'StringType' ? {} : { propertyNames: this.convert(domain) };
        return { type: 'object', ...keys, additionalProperties: this.convert(codec.codomain!) };
      }
      case 'RefinementType':
      case 'ReadonlyType':
        return this.convert(codec.type!);
      case 'RecursiveType':
        return this.convert(codec.type!);
      default:
        throw new Error(`no JSON Schema rule for codec ${codec.name} (${codec._tag ?? 'untagged'}): describe it in describe.ts`);
    }
  }

  /** Interfaces, partials and their intersections as one object schema; anything else as allOf. */
  private objectOrAllOf(codec: Tagged, closed: boolean): JsonSchema {
    const merged = this.flattenObject(codec);
    if (merged === null) {
      if (closed) throw new Error(`closed codec ${codec.name} is not a plain object shape`);
      return { allOf: (codec.types ?? []).map((m) => this.convert(m)) };
    }
    return {
      type: 'object',
      properties: merged.properties,
      ...(merged.required.length > 0 ? { required: merged.required } : {}),
      ...(closed ? { additionalProperties: false } : {}),
    };
  }

  private flattenObject(codec: Tagged): ObjectSchema | null {
    if (codec._tag === 'InterfaceType' || codec._tag === 'PartialType') {
      const properties: Record<string, JsonSchema> = {};
      for (const [key, prop] of Object.entries(codec.props ?? {})) properties[key] = this.convert(prop);
      return { properties, required: codec._tag === 'InterfaceType' ? Object.keys(properties) : [] };
    }
    if (codec._tag === 'IntersectionType') {
      const parts = (codec.types ?? []).map((m) => this.flattenObject(m as Tagged));
      if (parts.some((p) => p === null)) return null;
      return {
        properties: Object.assign({}, ...parts.map((p) => p!.properties)) as Record<string, JsonSchema>,
        required: parts.flatMap((p) => p!.required),
      };
    }
    return null;
  }
}
