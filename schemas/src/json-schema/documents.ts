// The JSON Schema documents committed under schemas/json/: one per event envelope, the
// Manifest, and CairnEvent (the union). Text is deterministic so a staleness check can diff it.
import type * as t from 'io-ts';
import { CairnEvent, EVENT_TYPES, eventCodecs } from '../catalogue.js';
import type { JsonSchema } from '../describe.js';
import { EVENT_DOCS } from '../event-docs.js';
import { Manifest } from '../manifest/manifest.js';
import { SchemaBuilder } from './convert.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const SCHEMA_ID_PREFIX = 'urn:cairn:schema:v1:';

export interface SchemaDocument {
  /** e.g. `SampleContributed`, `Manifest`, `CairnEvent`. */
  readonly name: string;
  /** e.g. `SampleContributed.schema.json`. */
  readonly fileName: string;
  readonly schema: JsonSchema;
  /** The file's exact text (2-space JSON and a final newline). */
  readonly text: string;
}

/** The JSON Schema document of one codec, with the `$defs` it refers to. */
export function jsonSchemaOf(codec: t.Any, name: string, description: string): JsonSchema {
  const builder = new SchemaBuilder();
  const body = builder.body(codec);
  const defs = builder.definitions();
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_ID_PREFIX}${name}`,
    title: name,
    description,
    ...body,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  };
}

function document(name: string, schema: JsonSchema): SchemaDocument {
  return { name, fileName: `${name}.schema.json`, schema, text: `${JSON.stringify(schema, null, 2)}\n` };
}

/** Every document, in a fixed order: the events in catalogue order, Manifest, CairnEvent. */
export function jsonSchemaDocuments(): readonly SchemaDocument[] {
  const events = EVENT_TYPES.map((type) => {
    const doc = EVENT_DOCS[type];
    const description = `${doc.summary} Signed by ${doc.signer}. Stream: ${doc.stream}.`;
    return document(type, jsonSchemaOf(eventCodecs[type], type, description));
  });
  return [
    ...events,
    document(
      'Manifest',
      jsonSchemaOf(
        Manifest,
        'Manifest',
        'The rules that decide which CFs a dataset version includes, complete as stored in ManifestDefined.',
      ),
    ),
    document(
      'CairnEvent',
      jsonSchemaOf(CairnEvent, 'CairnEvent', 'Any Cairn event envelope (the data of a log event), told apart by its type.'),
    ),
  ];
}
