// Exports for the tools ML teams use, as pure mappings of a version's facts (and, where bytes are
// involved, of what the client wrote):
// - Hugging Face: rows for data/train.jsonl and a dataset card README.md whose YAML header carries
//   license, size_categories, source_datasets and the version id; `load_dataset("json",
//   data_dir=DIR)` takes the folder as it is (README.md is ignored as data; `train` in the file name
//   names the split);
// - MLflow: the Dataset record (name, digest, source_type, source, schema, profile) and input tag
//   that `mlflow.log_input` stores, in the shape of the REST call runs/log-inputs;
// - Weights & Biases: an artifact manifest v1 (contents: path → base64 MD5 digest and size).
import type { ExportMember, VersionExport } from './formats.js';

// --- Hugging Face -------------------------------------------------------------------------------

/** The Hub's size_categories buckets, by upper bound on the number of rows. */
const SIZE_CATEGORIES: readonly (readonly [number, string])[] = [
  [1e3, 'n<1K'],
  [1e4, '1K<n<10K'],
  [1e5, '10K<n<100K'],
  [1e6, '100K<n<1M'],
  [1e7, '1M<n<10M'],
  [1e8, '10M<n<100M'],
  [1e9, '100M<n<1B'],
  [1e10, '1B<n<10B'],
  [1e11, '10B<n<100B'],
  [1e12, '100B<n<1T'],
];

export function sizeCategory(rows: number): string {
  return SIZE_CATEGORIES.find(([bound]) => rows < bound)?.[1] ?? 'n>1T';
}

/** SPDX ids whose lowercase form is a license identifier the Hub's dataset cards accept. */
const HUB_LICENSES = new Set([
  'apache-2.0',
  'mit',
  'afl-3.0',
  'artistic-2.0',
  'bsl-1.0',
  'bsd-2-clause',
  'bsd-3-clause',
  'bsd-3-clause-clear',
  'cc0-1.0',
  'cc-by-2.0',
  'cc-by-2.5',
  'cc-by-3.0',
  'cc-by-4.0',
  'cc-by-sa-3.0',
  'cc-by-sa-4.0',
  'cc-by-nc-2.0',
  'cc-by-nc-3.0',
  'cc-by-nc-4.0',
  'cc-by-nd-4.0',
  'cc-by-nc-nd-3.0',
  'cc-by-nc-nd-4.0',
  'cc-by-nc-sa-2.0',
  'cc-by-nc-sa-3.0',
  'cc-by-nc-sa-4.0',
  'cdla-sharing-1.0',
  'cdla-permissive-1.0',
  'cdla-permissive-2.0',
  'wtfpl',
  'ecl-2.0',
  'epl-1.0',
  'epl-2.0',
  'eupl-1.1',
  'eupl-1.2',
  'agpl-3.0',
  'gpl-2.0',
  'gpl-3.0',
  'lgpl-2.1',
  'lgpl-3.0',
  'isc',
  'lppl-1.3c',
  'ms-pl',
  'mpl-2.0',
  'odc-by',
  'odbl',
  'osl-3.0',
  'postgresql',
  'ofl-1.1',
  'ncsa',
  'unlicense',
  'zlib',
  'pddl',
]);

/** The card's license field: Hub identifiers where the SPDX id has one, `other` (named in license_name) for the rest. */
export function hubLicenses(spdx: readonly string[]): { readonly license: string[]; readonly other: string[] } {
  const known = spdx.map((l) => l.toLowerCase()).filter((l) => HUB_LICENSES.has(l));
  const other = spdx.filter((l) => !HUB_LICENSES.has(l.toLowerCase()));
  return { license: [...new Set([...known, ...(other.length > 0 ? ['other'] : [])])], other };
}

/** One row of data/train.jsonl: every row has every column (the json builder infers one schema). */
export function huggingFaceRow(m: ExportMember, bytes: Uint8Array, sha256: string): Record<string, unknown> {
  const text = m.mediaType?.startsWith('text/') === true ? new TextDecoder('utf-8', { fatal: false }).decode(bytes) : null;
  return {
    cf_id: m.cfId,
    text,
    content_base64: text === null ? Buffer.from(bytes).toString('base64') : null,
    media_type: m.mediaType,
    sha256,
    license: m.license,
    source: m.source,
    contributor: m.contributor,
  };
}

/** YAML 1.2 is a superset of JSON: each header value is written as JSON, so no string needs YAML quoting rules. */
const yamlLine = (key: string, value: unknown) => `${key}: ${JSON.stringify(value)}`;

/** README.md: the YAML header the Hub reads, then a short card body naming the version and its erased members. */
export function huggingFaceCard(x: VersionExport, rows: number): string {
  const { license, other } = hubLicenses(x.licenses);
  const sources = [...new Set(x.members.filter((m) => m.kind === 'sample').map((m) => m.source ?? 'unknown'))].sort();
  const header = [
    yamlLine('pretty_name', `${x.dataset}@${x.ordinal}`),
    yamlLine('license', license),
    ...(other.length > 0 ? [yamlLine('license_name', other.join(' AND '))] : []),
    yamlLine('size_categories', [sizeCategory(rows)]),
    yamlLine('source_datasets', sources),
    yamlLine('version_id', x.versionId),
    yamlLine('cairn', { dataset: x.dataset, ordinal: x.ordinal, manifest_id: x.manifestId, merkle_root: x.merkleRoot }),
    yamlLine('configs', [{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train.jsonl' }] }]),
  ];
  const erased = [...x.erased].map(([cfId, e]) => `- ${cfId}: erased by ${e.eventId} at position ${e.position} (${e.reason})`);
  return [
    '---',
    ...header,
    '---',
    '',
    `# ${x.dataset}@${x.ordinal}`,
    '',
    `Cairn dataset version \`${x.versionId}\` (Merkle root \`${x.merkleRoot}\`), cut by manifest \`${x.manifestId}\`.`,
    `${rows} samples in \`data/train.jsonl\`; licenses: ${x.licenses.join(', ') || 'none'}.`,
    '',
    ...(erased.length === 0
      ? []
      : ['## Erased members', '', 'Their bytes are gone for good; they are not in the data.', '', ...erased, '']),
  ].join('\n');
}

// --- MLflow -------------------------------------------------------------------------------------

/** MLflow keeps a dataset digest of at most 36 characters: the version id's first 32 hex (128 bits). */
export const MLFLOW_DIGEST_CHARS = 32;

/** The body of MLflow's runs/log-inputs for `runId`: the Dataset record and its context tag, as mlflow.log_input stores them. */
export function mlflowDatasetInput(x: VersionExport, context = 'training'): Record<string, unknown> {
  const samples = x.members.filter((m) => m.kind === 'sample' && !x.erased.has(m.cfId));
  return {
    dataset: {
      name: `${x.dataset}@${x.ordinal}`,
      digest: x.versionId.slice(0, MLFLOW_DIGEST_CHARS),
      source_type: 'cairn',
      source: JSON.stringify({ uri: `cairn:${x.dataset}@${x.versionId}`, dataset: x.dataset, version_id: x.versionId }),
      schema: JSON.stringify({
        mlflow_colspec: [
          { type: 'string', name: 'cf_id', required: true },
          { type: 'binary', name: 'content', required: true },
          { type: 'string', name: 'license', required: false },
          { type: 'string', name: 'source', required: false },
        ],
      }),
      profile: JSON.stringify({
        num_rows: samples.length,
        members: x.members.length,
        erased: x.erased.size,
        merkle_root: x.merkleRoot,
        licenses: x.licenses,
      }),
    },
    tags: [{ key: 'mlflow.data.context', value: context }],
  };
}

// --- Weights & Biases ---------------------------------------------------------------------------

/** An artifact manifest v1: each file's path in the artifact → base64 MD5 of its bytes and its size. */
export function wandbManifest(
  files: readonly { readonly path: string; readonly md5Base64: string; readonly size: number }[],
): Record<string, unknown> {
  const contents: Record<string, { digest: string; size: number }> = {};
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
    contents[f.path] = { digest: f.md5Base64, size: f.size };
  return { version: 1, storagePolicy: 'wandb-storage-policy-v1', storagePolicyConfig: { storageLayout: 'V2' }, contents };
}
