// Bytes out of a store, for those allowed: one sample's plaintext (`cairn cat`), and a dataset
// version materialised into a folder (`cairn export --format files`) with its manifest,
// members.jsonl and a Croissant document whose URLs and checksums are those of the files written.
// Reads go through the SDK's readAs (the read-authority rule: the author, or a holder of the
// reader role); the folder's text is the pure mapping in @cairn/datasets.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describeLedgerError, type LedgerError, type Reader, type Signer } from '@cairn/sdk';
import {
  CROISSANT_FILE,
  MANIFEST_FILE,
  MEMBERS_FILE,
  WANDB_MANIFEST_FILE,
  datasetBuilds,
  erasuresOf,
  filePaths,
  filesCroissant,
  filesManifest,
  filesMembersJsonl,
  huggingFaceCard,
  huggingFaceRow,
  insideDir,
  licenses,
  memberFacts,
  versionRuns,
  wandbManifest,
  type ExportMember,
  type MaterialisedFile,
  type PublicationFacts,
  type VersionExport,
} from '@cairn/datasets';
import type { AsOf } from '@cairn/projector';
import type { Cairn } from './cairn.js';
import { usageError, type ReadError, type UsageError } from './errors.js';

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

export interface MaterialiseOptions {
  /**
   * files (default): files/… with manifest.json, members.jsonl, croissant.json and wandb_manifest.json;
   * huggingface: data/train.jsonl (one row per sample) and a dataset card README.md.
   */
  readonly layout?: 'files' | 'huggingface';
  /** Write into a folder that already has entries (existing files of the same name are replaced). */
  readonly force?: boolean;
  /** Called before the first file and after each: done of total samples. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface MaterialisedExport {
  readonly dir: string;
  readonly export: VersionExport;
  readonly files: readonly MaterialisedFile[];
  /** The erased members: named in manifest.json, members.jsonl and croissant.json, never written. */
  readonly erased: readonly string[];
  /** The files layout's manifest.json and croissant.json (null for huggingface). */
  readonly manifest: Record<string, unknown> | null;
  readonly croissant: Record<string, unknown> | null;
}

async function folderCheck(dir: string, force: boolean): Promise<E.Either<UsageError, void>> {
  try {
    const entries = await readdir(dir);
    if (entries.length > 0 && !force)
      return E.left(usageError('--out', `${dir} is not empty (${entries.length} entries); give an empty or new folder, or --force`));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return E.left(usageError('--out', `${dir} is a file, not a folder`));
    if (code !== 'ENOENT') return E.left(usageError('--out', `${dir} cannot be read (${code ?? String(cause)})`));
  }
  return E.right(undefined);
}

/** Makes each folder of `rel` below `root` one level at a time, refusing a link on the way (a folder given with --force may hold one). */
async function folderChainInside(root: string, rel: string): Promise<boolean> {
  let at = root;
  for (const part of rel.split('/').slice(0, -1)) {
    at = path.join(at, part);
    const found = await lstat(at).catch(() => undefined);
    if (found === undefined) await mkdir(at);
    else if (!found.isDirectory()) return false;
  }
  return true;
}

async function writeInside(dir: string, rel: string, data: Uint8Array | string, force: boolean): Promise<E.Either<UsageError, void>> {
  const target = insideDir(dir, rel);
  const outside = usageError('--out', `${JSON.stringify(rel)} would be written outside ${dir} (through a link, or climbing out); refused`);
  if (target === null) return E.left(outside);
  try {
    await mkdir(dir, { recursive: true });
    if (!(await folderChainInside(path.resolve(dir), rel))) return E.left(outside);
    if (force && (await lstat(target).catch(() => undefined))?.isSymbolicLink()) return E.left(outside);
    // 'wx' refuses anything already there, a link planted in the folder included.
    await writeFile(target, data, { flag: force ? 'w' : 'wx' });
    return E.right(undefined);
  } catch (cause) {
    return E.left(usageError('--out', `${target} cannot be written (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`));
  }
}

/**
 * Writes the decrypted samples of version `ref` into `dir` in the layout asked for. Erased members
 * are named, never skipped quietly. The reader's authority is tried on the first sample before
 * anything is written.
 */
export async function materialiseVersion(
  cairn: Cairn,
  ref: string,
  reader: Signer,
  dir: string,
  options: MaterialiseOptions = {},
  asOf?: AsOf,
): Promise<E.Either<ExportError, MaterialisedExport>> {
  const force = options.force === true;
  const huggingface = options.layout === 'huggingface';
  const checked = await folderCheck(dir, force);
  if (E.isLeft(checked)) return checked;
  const x = await versionExport(cairn, ref, asOf);
  if (E.isLeft(x)) return x;
  const facts = x.right.publication === undefined ? await publicationFacts(cairn, x.right) : E.right(x.right.publication);
  if (E.isLeft(facts)) return facts;
  const erased = new Set(x.right.erased.keys());
  const samples = x.right.members.filter((m) => m.kind === 'sample' && !erased.has(m.cfId));
  const paths = await importPaths(
    cairn,
    samples.map((s) => s.cfId),
  );
  if (E.isLeft(paths)) return paths;
  const where = filePaths(samples.map((s) => ({ cfId: s.cfId, mediaType: s.mediaType, importPath: paths.right.get(s.cfId) })));

  const files: MaterialisedFile[] = [];
  const rows: string[] = [];
  const erasedSince = new Set<string>();
  const keep = async (s: ExportMember, bytes: Uint8Array): Promise<E.Either<UsageError, void>> => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const md5Base64 = createHash('md5').update(bytes).digest('base64');
    const rel = huggingface ? `data/train.jsonl` : where.get(s.cfId)!;
    files.push({ cfId: s.cfId, path: rel, sha256, md5Base64, size: bytes.length });
    if (huggingface) {
      rows.push(`${JSON.stringify(huggingFaceRow(s, bytes, sha256))}\n`);
      return E.right(undefined);
    }
    if (files.length === 1) await mkdir(dir, { recursive: true });
    return writeInside(dir, rel, bytes, force);
  };
  options.onProgress?.(0, samples.length);
  for (const s of samples) {
    const bytes = await cairn.ledger.samples.readAs(s.cfId, reader);
    if (E.isLeft(bytes)) {
      // Erased between the projections' answer and this read: named like the others.
      if (bytes.left._tag === 'ErasedSample') erasedSince.add(s.cfId);
      else return E.left(withMessage(bytes.left));
    } else {
      const kept = await keep(s, bytes.right);
      if (E.isLeft(kept)) return kept;
    }
    options.onProgress?.(files.length + erasedSince.size, samples.length);
  }
  let version = x.right;
  if (erasedSince.size > 0) {
    // The erasure events are in the log now; read them so the erased are named with their erasure.
    const now = await erasuresOf(cairn.store.db, [...erasedSince]);
    version = { ...version, erased: new Map([...version.erased, ...now]) };
  }
  await mkdir(dir, { recursive: true });
  const done = { dir, export: version, erased: [...version.erased.keys()] };
  if (huggingface) {
    for (const [rel, text] of [
      ['data/train.jsonl', rows.join('')],
      ['README.md', huggingFaceCard(version, rows.length)],
    ] as const) {
      const wrote = await writeInside(dir, rel, text, force);
      if (E.isLeft(wrote)) return wrote;
    }
    return E.right({ ...done, files, manifest: null, croissant: null });
  }
  const membersJsonl = filesMembersJsonl(version, files);
  const manifest = filesManifest(version, files);
  const croissant = filesCroissant(version, files, membersJsonl, facts.right);
  for (const [rel, text] of [
    [MEMBERS_FILE, membersJsonl],
    [MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`],
    [CROISSANT_FILE, `${JSON.stringify(croissant, null, 2)}\n`],
    [WANDB_MANIFEST_FILE, `${JSON.stringify(wandbManifest(files), null, 2)}\n`],
  ] as const) {
    const wrote = await writeInside(dir, rel, text, force);
    if (E.isLeft(wrote)) return wrote;
  }
  return E.right({ ...done, files, manifest, croissant });
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
