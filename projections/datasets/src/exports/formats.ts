// The three shapes `cairn export` writes for one dataset version, as a pure mapping of its facts:
// - JSONL: one member per line, what a data loader reads (CF id, content commitment, license,
//   source, blob address (the CF id, which `cairn cat` and GET /v1/cfs/{cf}/content read); an erased
//   sample has no address and says which erasure took its bytes);
// - OpenLineage (spec 2-0-2): a DatasetEvent carrying the DatasetVersionDatasetFacet, then a
//   COMPLETE RunEvent per training run recorded on the version (input: the version, output: the model);
// - Croissant 1.0 JSON-LD (MLCommons): FileObjects with sha256 checksums (a sample's checksum is its
//   sha256 commitment; HMAC-committed personal data is a members.jsonl line only) and a RecordSet over it.
// A version cut before an erasure still lists the erased member (it is lineage), so every shape
// names the erasure rather than pointing at bytes that can no longer be read.
import { createHash } from 'node:crypto';
import { CROISSANT_MEMBERS_FILE, croissantDataset, croissantPublication, membersRecordSet } from './croissant.js';

/** One member as an export shows it (the CLI's version facts carry these and more). */
export interface ExportMember {
  readonly cfId: string;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  /** The sample's content commitment (SHA-256 or HMAC-SHA-256 of its bytes), null for labels. */
  readonly commitment: string | null;
  readonly commitmentScheme: string | null;
  readonly mediaType: string | null;
  readonly size: number | null;
}

export interface VersionExport {
  readonly dataset: string;
  readonly ordinal: number;
  readonly versionId: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly members: readonly ExportMember[];
  /** The members erased so far (CF id → the erasure): their bytes are gone. */
  readonly erased: ReadonlyMap<string, ErasedMember>;
  readonly licenses: readonly string[];
  readonly runs: readonly { readonly runId: string; readonly modelHash: string; readonly eventId: string }[];
  readonly time: string;
  /** Who made the version and when it was cut (Croissant requires both); the client reads them from the log. */
  readonly publication?: PublicationFacts;
}

/** What the Croissant document needs beyond the version's facts (read from the log, so an export is deterministic). */
export interface PublicationFacts {
  /** The contributors of the exported members: id and registered name. */
  readonly creators: readonly { readonly contributorId: string; readonly name: string }[];
  /** When the version was first cut (the log's time of the event that cut it), ISO 8601. */
  readonly datePublished: string;
}

export interface ErasedMember {
  readonly eventId: string;
  readonly position: bigint;
  readonly reason: string;
}

const erasureJson = (e: ErasedMember) => ({ event: e.eventId, position: e.position.toString(), reason: e.reason });

const PRODUCER = 'https://github.com/cairn-ledger/cairn/tree/main/packages/cli';
const NAMESPACE = 'cairn';

export function memberLine(x: VersionExport, m: ExportMember): Record<string, unknown> {
  const erased = x.erased.get(m.cfId);
  return {
    cfId: m.cfId,
    kind: m.kind,
    commitment: m.commitment === null ? null : { scheme: m.commitmentScheme, value: m.commitment },
    mediaType: m.mediaType,
    size: m.size,
    license: m.license,
    source: m.source,
    contributor: m.contributor,
    // by CF id only: the store's folder is no reader's business (a server would hand it to every one)
    blob: m.kind === 'sample' && erased === undefined ? { address: m.cfId } : null,
    erased: erased === undefined ? null : erasureJson(erased),
    dataset: x.dataset,
    versionId: x.versionId,
  };
}

export function toJsonl(x: VersionExport): string {
  return x.members.map((m) => `${JSON.stringify(memberLine(x, m))}\n`).join('');
}

/** RFC 4122 layout for a name that is not a UUID (OpenLineage requires run ids to be UUIDs): SHA-256 based, version nibble 8 (RFC 9562 custom). */
function uuidOf(name: string): string {
  const h = createHash('sha256').update(`cairn/v1/run\n${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function toOpenLineage(x: VersionExport): readonly Record<string, unknown>[] {
  const dataset = {
    namespace: NAMESPACE,
    name: x.dataset,
    facets: {
      version: {
        _producer: PRODUCER,
        _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
        datasetVersion: x.versionId,
      },
      ...(x.erased.size === 0
        ? {}
        : {
            cairn_erasures: {
              _producer: PRODUCER,
              _schemaURL: `${PRODUCER}/README.md#export`,
              erased: [...x.erased].map(([cfId, e]) => ({ cfId, ...erasureJson(e) })),
            },
          }),
    },
  };
  const datasetEvent = {
    eventTime: x.time,
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
    dataset,
  };
  const runEvents = x.runs.map((r) => ({
    eventType: 'COMPLETE',
    eventTime: x.time,
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: uuidOf(r.runId), facets: {} },
    job: { namespace: NAMESPACE, name: `train/${r.runId}`, facets: {} },
    inputs: [dataset],
    outputs: [{ namespace: `${NAMESPACE}-models`, name: r.modelHash, facets: {} }],
  }));
  return [datasetEvent, ...runEvents];
}

export function toCroissant(x: VersionExport): Record<string, unknown> {
  const jsonl = toJsonl(x);
  // an erased sample's bytes are gone: no FileObject for it; rai:dataCollectionMissingData names it.
  // A FileObject must carry a checksum, and an HMAC-committed sample (personal data) has no public
  // one: it is a line of members.jsonl only.
  const samples = x.members.filter(
    (m) => m.kind === 'sample' && !x.erased.has(m.cfId) && m.commitmentScheme === 'sha256' && m.commitment !== null,
  );
  const erased = [...x.erased].map(([cfId, e]) => `${cfId} (erased by ${e.eventId} at position ${e.position})`);
  return {
    ...croissantDataset(
      x,
      `${x.dataset}@${x.ordinal}: ${x.members.length} members cut by manifest ${x.manifestId}; Merkle root ${x.merkleRoot}`,
    ),
    ...(x.publication === undefined ? {} : croissantPublication(x.publication)),
    ...(erased.length === 0
      ? {}
      : {
          'rai:dataCollectionMissingData': `${erased.length} members erased since this version was cut; their bytes can no longer be read: ${erased.join('; ')}`,
        }),
    distribution: [
      {
        '@type': 'cr:FileObject',
        '@id': CROISSANT_MEMBERS_FILE,
        name: CROISSANT_MEMBERS_FILE,
        description: 'cairn export --format jsonl of this version',
        contentUrl: CROISSANT_MEMBERS_FILE,
        encodingFormat: 'application/jsonlines',
        sha256: createHash('sha256').update(jsonl).digest('hex'),
      },
      ...samples.map((m) => ({
        '@type': 'cr:FileObject',
        '@id': m.cfId,
        name: m.cfId,
        // the blob store holds ciphertext (and may pack it in segments): the checksum is of the
        // decrypted bytes, which a reader gets for the CF itself (cairn cat, or GET /v1/cfs/{cf}/content)
        contentUrl: `cairn:cf/${m.cfId}`,
        encodingFormat: m.mediaType ?? 'application/octet-stream',
        ...(m.size !== null ? { contentSize: `${m.size} B` } : {}),
        sha256: m.commitment,
      })),
    ],
    recordSet: [
      membersRecordSet([
        ['cf_id', '$.cfId'],
        ['kind', '$.kind'],
        ['commitment', '$.commitment.value'],
        ['license', '$.license'],
        ['source', '$.source'],
        ['contributor', '$.contributor'],
      ]),
    ],
  };
}
