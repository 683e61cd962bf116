// A dataset version decrypted into a folder (`cairn export --format files|huggingface`), from any
// source of its facts and bytes: a local store (exports.ts) or a server (remote/export-folder.ts).
// One writer for both, so the same version gives the same files byte for byte whichever it came
// from. Samples are read, hashed and written one at a time (the rows of data/train.jsonl too):
// no sample's bytes outlive its write.
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readdir, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  CROISSANT_FILE,
  MANIFEST_FILE,
  MEMBERS_FILE,
  WANDB_MANIFEST_FILE,
  filePaths,
  filesCroissant,
  filesManifest,
  filesMembersJsonl,
  huggingFaceCard,
  huggingFaceRow,
  insideDir,
  wandbManifest,
  type ErasedMember,
  type MaterialisedFile,
  type PublicationFacts,
  type VersionExport,
} from '@cairn/datasets';
import { usageError, type UsageError } from './errors.js';

/** A version's facts as a folder export writes them: the version, who made it and when, each sample's import path. */
export interface FolderFacts {
  readonly version: VersionExport;
  readonly publication: PublicationFacts;
  readonly importPaths: ReadonlyMap<string, unknown>;
}

/** What a folder is written from: the version's facts, each sample's bytes, and erasures found late. */
export interface FolderSource<TError> {
  readonly facts: () => Promise<E.Either<TError, FolderFacts>>;
  /** A sample's plaintext; 'erased' when its key was shredded after the facts were read. */
  readonly readSample: (cfId: string) => Promise<E.Either<TError, Uint8Array | 'erased'>>;
  /** The erasures of these CFs, read after the samples were (so they are named with their erasure). */
  readonly erasures: (cfIds: readonly string[]) => Promise<E.Either<TError, ReadonlyMap<string, ErasedMember>>>;
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

const notWritten = (target: string, cause: unknown) =>
  usageError('--out', `${target} cannot be written (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);

/** Where `rel` may be written inside `dir`, its folders made; refused if it would land outside. */
async function targetInside(dir: string, rel: string, force: boolean): Promise<E.Either<UsageError, string>> {
  const target = insideDir(dir, rel);
  const outside = usageError('--out', `${JSON.stringify(rel)} would be written outside ${dir} (through a link, or climbing out); refused`);
  if (target === null) return E.left(outside);
  try {
    await mkdir(dir, { recursive: true });
    if (!(await folderChainInside(path.resolve(dir), rel))) return E.left(outside);
    if (force && (await lstat(target).catch(() => undefined))?.isSymbolicLink()) return E.left(outside);
  } catch (cause) {
    return E.left(notWritten(target, cause));
  }
  return E.right(target);
}

async function writeInside(dir: string, rel: string, data: Uint8Array | string, force: boolean): Promise<E.Either<UsageError, void>> {
  const target = await targetInside(dir, rel, force);
  if (E.isLeft(target)) return target;
  try {
    // 'wx' refuses anything already there, a link planted in the folder included.
    await writeFile(target.right, data, { flag: force ? 'w' : 'wx' });
    return E.right(undefined);
  } catch (cause) {
    return E.left(notWritten(target.right, cause));
  }
}

/** A file inside `dir` written a piece at a time (data/train.jsonl), opened as writeInside opens. */
async function openInside(dir: string, rel: string, force: boolean): Promise<E.Either<UsageError, { handle: FileHandle; target: string }>> {
  const target = await targetInside(dir, rel, force);
  if (E.isLeft(target)) return target;
  try {
    return E.right({ handle: await open(target.right, force ? 'w' : 'wx'), target: target.right });
  } catch (cause) {
    return E.left(notWritten(target.right, cause));
  }
}

/**
 * Writes the decrypted samples of a version into `dir` in the layout asked for. Erased members are
 * named, never skipped quietly. The reader's authority is tried on the first sample before
 * anything is written.
 */
export async function materialiseFrom<TError>(
  source: FolderSource<TError>,
  dir: string,
  options: MaterialiseOptions = {},
): Promise<E.Either<TError | UsageError, MaterialisedExport>> {
  const force = options.force === true;
  const huggingface = options.layout === 'huggingface';
  const checked = await folderCheck(dir, force);
  if (E.isLeft(checked)) return checked;
  const facts = await source.facts();
  if (E.isLeft(facts)) return facts;
  const { version: x, publication, importPaths } = facts.right;
  const samples = x.members.filter((m) => m.kind === 'sample' && !x.erased.has(m.cfId));
  const where = filePaths(samples.map((s) => ({ cfId: s.cfId, mediaType: s.mediaType, importPath: importPaths.get(s.cfId) })));

  const files: MaterialisedFile[] = [];
  const erasedSince: string[] = [];
  let rows: { handle: FileHandle; target: string } | undefined;
  const written = async (): Promise<E.Either<TError | UsageError, void>> => {
    options.onProgress?.(0, samples.length);
    for (const s of samples) {
      const bytes = await source.readSample(s.cfId);
      if (E.isLeft(bytes)) return bytes;
      // Erased between the facts and this read: named like the others.
      if (bytes.right === 'erased') erasedSince.push(s.cfId);
      else {
        const sha256 = createHash('sha256').update(bytes.right).digest('hex');
        const md5Base64 = createHash('md5').update(bytes.right).digest('base64');
        const rel = huggingface ? `data/train.jsonl` : where.get(s.cfId)!;
        files.push({ cfId: s.cfId, path: rel, sha256, md5Base64, size: bytes.right.length });
        if (huggingface) {
          if (rows === undefined) {
            const opened = await openInside(dir, rel, force);
            if (E.isLeft(opened)) return opened;
            rows = opened.right;
          }
          try {
            await rows.handle.write(`${JSON.stringify(huggingFaceRow(s, bytes.right, sha256))}\n`);
          } catch (cause) {
            return E.left(notWritten(rows.target, cause));
          }
        } else {
          if (files.length === 1) await mkdir(dir, { recursive: true });
          const wrote = await writeInside(dir, rel, bytes.right, force);
          if (E.isLeft(wrote)) return wrote;
        }
      }
      options.onProgress?.(files.length + erasedSince.length, samples.length);
    }
    return E.right(undefined);
  };
  try {
    const samplesDone = await written();
    if (E.isLeft(samplesDone)) return samplesDone;
  } finally {
    await rows?.handle.close();
  }
  let version = x;
  if (erasedSince.length > 0) {
    // The erasure events are in the log now; read them so the erased are named with their erasure.
    const now = await source.erasures(erasedSince);
    if (E.isLeft(now)) return now;
    version = { ...version, erased: new Map([...version.erased, ...now.right]) };
  }
  await mkdir(dir, { recursive: true });
  const done = { dir, export: version, erased: [...version.erased.keys()] };
  if (huggingface) {
    // No sample written: the rows file is still there, empty, as the card names it.
    const texts = rows === undefined ? ([['data/train.jsonl', '']] as const) : [];
    for (const [rel, text] of [...texts, ['README.md', huggingFaceCard(version, files.length)] as const]) {
      const wrote = await writeInside(dir, rel, text, force);
      if (E.isLeft(wrote)) return wrote;
    }
    return E.right({ ...done, files, manifest: null, croissant: null });
  }
  const membersJsonl = filesMembersJsonl(version, files);
  const manifest = filesManifest(version, files);
  const croissant = filesCroissant(version, files, membersJsonl, publication);
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
