// One table beside the codecs says, for a codec, how people read it ("a CfId (64 lowercase
// hex)") and how JSON Schema states it. Error rendering and the JSON Schema converter both read
// it, so a message and a schema cannot drift from the codec they describe.
import type * as t from 'io-ts';

export type JsonSchema = { readonly [keyword: string]: unknown };

export interface Descriptor {
  /** What an error says was expected, e.g. `a CfId (64 lowercase hex)`. */
  readonly expected: string;
  /** The whole JSON Schema of the codec (brands and opaque codecs whose check JSON Schema cannot walk). */
  readonly jsonSchema?: JsonSchema;
  /** Keywords merged over the schema derived from the refined codec (minItems, if/then, ...). */
  readonly jsonSchemaExtra?: JsonSchema;
  /** Emit once under `$defs/<codec name>` and reference it, instead of inlining. */
  readonly define?: boolean;
  /** A union that picks its branch by a field: errors inside the branch are reported as they are. */
  readonly dispatching?: boolean;
  /** The field names of a closed object, to list in an "unexpected field" problem. */
  readonly fields?: readonly string[];
  /** A whole-sentence message replacing `expected X, got Y` (e.g. an unknown event type). */
  readonly message?: (actual: unknown) => string;
}

const descriptors = new WeakMap<object, Descriptor>();

/** Records how a codec reads to people and to JSON Schema; returns the codec for chaining. */
export function described<C extends t.Any>(codec: C, descriptor: Descriptor): C {
  descriptors.set(codec, descriptor);
  return codec;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- io-ts contexts hold Decoder<any, any>
export function descriptorOf(codec: t.Decoder<any, any>): Descriptor | undefined {
  return descriptors.get(codec);
}
