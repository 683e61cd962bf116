// The parts of a Croissant 1.0 document both exports share (the metadata-only document and the one
// written beside materialised files): the dataset's identity and the RecordSet over members.jsonl.
// Each export adds its own distribution and the fields its members.jsonl lines carry.
import { CROISSANT_CONTEXT } from './croissant-context.js';

/** The file every Croissant document's RecordSet reads its fields from. */
export const CROISSANT_MEMBERS_FILE = 'members.jsonl';

/** The dataset-level properties the spec requires, for one version (a VersionExport; named by shape, so formats.ts can import this module). */
export function croissantDataset(
  x: { readonly dataset: string; readonly versionId: string; readonly licenses: readonly string[] },
  description: string,
) {
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    name: x.dataset,
    description,
    conformsTo: 'http://mlcommons.org/croissant/1.0',
    version: x.versionId,
    url: `cairn:${x.dataset}@${x.versionId}`,
    license: x.licenses.map((l) => `https://spdx.org/licenses/${l}.html`),
  };
}

/** The `members` RecordSet keyed by CF id: one text field per (name, JSONPath into a members.jsonl line). */
export function membersRecordSet(fields: readonly (readonly [name: string, jsonPath: string])[]) {
  return {
    '@type': 'cr:RecordSet',
    '@id': 'members',
    name: 'members',
    key: { '@id': 'members/cf_id' },
    field: fields.map(([name, jsonPath]) => ({
      '@type': 'cr:Field',
      '@id': `members/${name}`,
      name,
      dataType: 'sc:Text',
      source: { fileObject: { '@id': CROISSANT_MEMBERS_FILE }, extract: { jsonPath } },
    })),
  };
}

/** `creator` and `datePublished`, which the spec requires of every dataset. */
export function croissantPublication(facts: {
  readonly creators: readonly { readonly contributorId: string; readonly name: string }[];
  readonly datePublished: string;
}) {
  return {
    creator: facts.creators.map((c) => ({ '@type': 'sc:Person', name: c.name, identifier: c.contributorId })),
    datePublished: facts.datePublished,
  };
}
