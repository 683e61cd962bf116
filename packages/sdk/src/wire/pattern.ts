// Codecs for strings carried over HTTP, each with the JSON Schema it stands for, so the server's
// OpenAPI document is generated from the very codecs a request or an answer is decoded with.
import * as t from 'io-ts';
import { descriptorOf } from '@cairn/schemas';

export type JsonSchema = { readonly [key: string]: unknown };

/** A codec that says its own JSON Schema (io-ts cannot describe a pattern or a conversion). */
export type WithJsonSchema<C> = C & { readonly jsonSchema: JsonSchema };

export function withJsonSchema<C extends t.Mixed>(codec: C, schema: JsonSchema): WithJsonSchema<C> {
  return Object.assign(codec, { jsonSchema: schema });
}

/**
 * The schema a codec carries, if it says one: its own, or the one @cairn/schemas describes it
 * with (the branded ids, CfId, EventId, VersionId, that answers decode with).
 */
export function jsonSchemaOf(codec: t.Mixed): JsonSchema | undefined {
  const schema = (codec as { readonly jsonSchema?: unknown }).jsonSchema;
  if (typeof schema === 'object' && schema !== null) return schema as JsonSchema;
  return descriptorOf(codec)?.jsonSchema;
}

/** A string matching `re`, named for error messages by what it means. */
export const pattern = (name: string, re: RegExp) =>
  withJsonSchema(
    new t.Type<string, string, unknown>(
      name,
      (u): u is string => typeof u === 'string' && re.test(u),
      (u, c) => (typeof u === 'string' && re.test(u) ? t.success(u) : t.failure(u, c)),
      t.identity,
    ),
    { type: 'string', pattern: re.source, description: name },
  );

const DECIMAL = /^\d{1,20}$/;

/**
 * A log position: a bigint inside, a decimal string on the wire (JSON has no int64, and the
 * CLI's --json prints positions the same way).
 */
export const PositionText = withJsonSchema(
  new t.Type<bigint, string, unknown>(
    'a log position (decimal string)',
    (u): u is bigint => typeof u === 'bigint',
    (u, c) => (typeof u === 'string' && DECIMAL.test(u) ? t.success(BigInt(u)) : t.failure(u, c)),
    (b) => b.toString(),
  ),
  { type: 'string', pattern: DECIMAL.source, description: 'a log position (decimal string)' },
);

export const Hex64 = pattern('64 lowercase hex digits', /^[0-9a-f]{64}$/);
export const Base64 = pattern('base64 bytes', /^[A-Za-z0-9+/]*={0,2}$/);
