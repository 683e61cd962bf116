// Bytes out of a store, for those allowed: one sample's plaintext (`cairn cat`), and a dataset
// version materialised into a folder (`cairn export --format files`) with its manifest,
// members.jsonl and a Croissant document whose URLs and checksums are those of the files written.
// Reads go through the SDK's readAs (the read-authority rule: the author, or a holder of the
// reader role); the folder's text is the pure mapping in @cairn/datasets.
import * as E from 'fp-ts/lib/Either.js';
import { describeLedgerError, type LedgerError, type Reader, type Signer } from '@cairn/sdk';
import { datasetBuilds, erasuresOf, licenses, memberFacts, versionRuns, type PublicationFacts, type VersionExport } from '@cairn/datasets';
import type { AsOf } from '@cairn/projector';
import type { Cairn } from './cairn.js';
import { usageError, type ReadError, type UsageError } from './errors.js';
import { materialiseFrom, type FolderFacts, type FolderSource, type MaterialiseOptions, type MaterialisedExport } from './export-folder.js';

export type { MaterialiseOptions, MaterialisedExport } from './export-folder.js';

/** A read the ledger refused or could not make (read-authority, a missing blob), with its sentence. */
export type SampleReadError = LedgerError & { readonly message: string };
export type ExportError = ReadError | UsageError | SampleReadError | { readonly _tag: 'LogUnavailable'; readonly message: string };

const withMessage = (e: LedgerError): SampleReadError => ({ ...e, message: describeLedgerError(e) });

/** The facts every export shape maps: the version, its members, erasures (as of now), licenses and runs. */
export async function versionExport(cairn: Cairn, ref: string, asOf?: AsOf): Promise<E.Either<ExportError, VersionExport>> {
  const v = await cairn.resolveVersion(ref, asOf);
  if (E.isLeft(v)) return v;
  const db = cairn.store.db;
  const report = await licenses(db, v.right.versionId);
  if (E.isLeft(report)) return report;
  const members = await memberFacts(db, cairn.ledger.log, v.right.versionId);
  if (E.isLeft(members)) return members;
  // Erased as of now, whatever asOf picked: the bytes are gone today.
  const erased = await erasuresOf(
    db,
    members.right.map((m) => m.cfId),
  );
  const base: VersionExport = {
    dataset: v.right.dataset,
    ordinal: v.right.ordinal,
    versionId: v.right.versionId,
    manifestId: report.right.version.manifestId,
    merkleRoot: report.right.version.merkleRoot,
    members: members.right,
    erased,
    licenses: report.right.licenses,
    runs: await versionRuns(db, v.right.versionId),
    time: new Date().toISOString(),
  };
  const publication = await publicationFacts(cairn, base);
  return E.isLeft(publication) ? publication : E.right({ ...base, publication: publication.right });
}

/** One sample's plaintext for `reader` (CF id or unique prefix): a local signer, or a signed request's proof. */
export async function readSampleBytes(
  cairn: Cairn,
  cf: string,
  reader: Reader,
): Promise<E.Either<ReadError | SampleReadError, { readonly cfId: string; readonly bytes: Uint8Array }>> {
  const cfId = await cairn.resolveCf(cf, 'CF');
  if (E.isLeft(cfId)) return cfId;
  const bytes = await cairn.ledger.samples.readAs(cfId.right, reader);
  return E.isLeft(bytes) ? E.left(withMessage(bytes.left)) : E.right({ cfId: cfId.right, bytes: bytes.right });
}

/** Creator and publication date, read from the log so the same version always exports the same document. */
async function publicationFacts(cairn: Cairn, x: VersionExport): Promise<E.Either<ExportError, PublicationFacts>> {
  const creators: { contributorId: string; name: string }[] = [];
  for (const id of [...new Set(x.members.map((m) => m.contributor))].sort()) {
    const c = await cairn.ledger.contributors.get(id);
    if (E.isLeft(c)) return E.left(withMessage(c.left));
    creators.push({ contributorId: id, name: c.right?.name ?? id });
  }
  const first = (await datasetBuilds(cairn.store.db, x.dataset)).find((b) => b.versionId === x.versionId);
  const cut = first === undefined ? undefined : await cairn.ledger.log.readByIds([first.causeEventId]);
  const at = cut !== undefined && E.isRight(cut) ? cut.right[0]?.recordedAt : undefined;
  if (at === undefined)
    return E.left({ _tag: 'LogUnavailable', message: `the event that cut ${x.dataset}@${x.ordinal} could not be read from the log` });
  return E.right({ creators, datePublished: at.toISOString() });
}

/** The import path a sample was signed with (folder imports record `attributes.path`), per CF id. */
async function importPaths(cairn: Cairn, cfIds: readonly string[]): Promise<E.Either<ExportError, Map<string, unknown>>> {
  const out = new Map<string, unknown>();
  for (let i = 0; i < cfIds.length; i += 500) {
    const read = await cairn.ledger.log.readByIds(cfIds.slice(i, i + 500));
    if (E.isLeft(read)) return E.left({ _tag: 'LogUnavailable', message: `reading members from the log failed: ${read.left._tag}` });
    for (const e of read.right) {
      const attributes = (e.data as { payload?: { attributes?: Record<string, unknown> } }).payload?.attributes;
      out.set(e.id, attributes?.['path']);
    }
  }
  return E.right(out);
}

/** What a folder export is written from, besides the bytes: the version's facts and its samples' import paths. */
export async function folderExportFacts(cairn: Cairn, ref: string, asOf?: AsOf): Promise<E.Either<ExportError, FolderFacts>> {
  const x = await versionExport(cairn, ref, asOf);
  if (E.isLeft(x)) return x;
  const publication = x.right.publication === undefined ? await publicationFacts(cairn, x.right) : E.right(x.right.publication);
  if (E.isLeft(publication)) return publication;
  const paths = await importPaths(cairn, unerasedSamples(x.right));
  return E.isLeft(paths) ? paths : E.right({ version: x.right, publication: publication.right, importPaths: paths.right });
}

/** A local store as the source of a folder export: its projections, its log and its sealed samples. */
function localFolderSource(cairn: Cairn, ref: string, reader: Signer, asOf?: AsOf): FolderSource<ExportError> {
  return {
    facts: () => folderExportFacts(cairn, ref, asOf),
    readSample: async (cfId) => {
      const bytes = await cairn.ledger.samples.readAs(cfId, reader);
      if (E.isRight(bytes)) return bytes;
      return bytes.left._tag === 'ErasedSample' ? E.right('erased') : E.left(withMessage(bytes.left));
    },
    erasures: async (cfIds) => E.right(await erasuresOf(cairn.store.db, cfIds)),
  };
}

/** The samples a folder export reads: every sample member not erased when the facts were read. */
const unerasedSamples = (x: VersionExport): string[] =>
  x.members.filter((m) => m.kind === 'sample' && !x.erased.has(m.cfId)).map((m) => m.cfId);

/**
 * Writes the decrypted samples of version `ref` into `dir` in the layout asked for (export-folder.ts).
 * The reader's authority is tried on the first sample before anything is written.
 */
export async function materialiseVersion(
  cairn: Cairn,
  ref: string,
  reader: Signer,
  dir: string,
  options: MaterialiseOptions = {},
  asOf?: AsOf,
): Promise<E.Either<ExportError, MaterialisedExport>> {
  return materialiseFrom(localFolderSource(cairn, ref, reader, asOf), dir, options);
}

/** An OpenLineage endpoint that did not take an event: unreachable, or an answer other than 2xx. */
export interface LineageNotSent {
  readonly _tag: 'LineageNotSent';
  readonly url: string;
  /** Events the endpoint took before this one. */
  readonly sent: number;
  readonly message: string;
}

/**
 * POSTs each event as JSON to an OpenLineage HTTP endpoint (the HTTP transport's one event per
 * request, e.g. http://host:5000/api/v1/lineage), in order; stops at the first it does not take.
 */
export async function sendOpenLineage(
  url: string,
  events: readonly Record<string, unknown>[],
): Promise<E.Either<LineageNotSent | UsageError, { readonly sent: number }>> {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    return E.left(usageError('--url', `${JSON.stringify(url)} is not a URL`));
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') return E.left(usageError('--url', 'an http:// or https:// URL'));
  let sent = 0;
  for (const event of events) {
    const notSent = (why: string): E.Either<LineageNotSent, never> =>
      E.left({
        _tag: 'LineageNotSent',
        url,
        sent,
        message: `OpenLineage endpoint ${url}: ${why}; ${sent} of ${events.length} events sent`,
      });
    try {
      const answer = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      // The body is drained so the connection can be reused or closed.
      await answer.arrayBuffer();
      if (!answer.ok) return notSent(`answered ${answer.status} ${answer.statusText}`);
    } catch (cause) {
      return notSent(
        `unreachable (${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)})`,
      );
    }
    sent += 1;
  }
  return E.right({ sent });
}
