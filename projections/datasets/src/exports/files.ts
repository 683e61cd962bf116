// `cairn export --format files`: what the folder of decrypted members says about itself, as a pure
// mapping of the version's facts and of the files written (the client reads and writes the bytes):
// - where each sample goes inside the folder (its import path when that stays inside, else its CF id);
// - manifest.json: every file with its CF id and the sha256 of the bytes written, every erased
//   member named with its erasure, every member that is not a file (labels, validations) listed;
// - members.jsonl: one line per member, pointing at its file;
// - wandb_manifest.json: the same files as a Weights & Biases artifact manifest v1;
// - croissant.json: Croissant 1.0 over those files, with the spec's required dataset properties
//   (creator, datePublished among them) and a relative contentUrl + sha256 per file that match.
import path from 'node:path';
import { sha256Hex } from '@cairn/core';
import { CROISSANT_MEMBERS_FILE, croissantDataset, croissantPublication, membersRecordSet } from './croissant.js';
import type { ExportMember, PublicationFacts, VersionExport } from './formats.js';

/** One sample written into the folder. */
export interface MaterialisedFile {
  readonly cfId: string;
  /** Relative to the export folder, `/`-separated (always under `files/`). */
  readonly path: string;
  /** sha256 of the plaintext as written. */
  readonly sha256: string;
  /** Base64 MD5 of the plaintext (the digest a Weights & Biases artifact manifest keeps). */
  readonly md5Base64: string;
  readonly size: number;
}

export const FILES_DIR = 'files';
export const MANIFEST_FILE = 'manifest.json';
export const MEMBERS_FILE = CROISSANT_MEMBERS_FILE;
export const CROISSANT_FILE = 'croissant.json';
export const WANDB_MANIFEST_FILE = 'wandb_manifest.json';

const EXTENSIONS: Readonly<Record<string, string>> = {
  'text/plain': '.txt',
  'text/csv': '.csv',
  'text/markdown': '.md',
  'text/html': '.html',
  'application/json': '.json',
  'application/jsonlines': '.jsonl',
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'audio/wav': '.wav',
  'audio/mpeg': '.mp3',
};

/**
 * A member's import path when it is a plain relative path (no `..`, not absolute, no backslash or
 * control character), else null: such a path could leave the export folder, so it is not used.
 */
export function safeRelativePath(text: unknown): string | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 1024) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f]/.test(text) || text.startsWith('/') || /^[A-Za-z]:/.test(text)) return null;
  const parts = text.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  return parts.join('/');
}

/**
 * Where each sample goes, relative to the export folder: `files/<import path>` when the member
 * carries a safe, not yet taken one, else `files/<cfId><extension of its media type>`.
 * Deterministic: members are taken in the order given (the version's CF id order).
 */
export function filePaths(
  samples: readonly { readonly cfId: string; readonly mediaType: string | null; readonly importPath?: unknown }[],
): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const byId = (s: { cfId: string; mediaType: string | null }) => `${FILES_DIR}/${s.cfId}${EXTENSIONS[s.mediaType ?? ''] ?? ''}`;
  // CF-id names first, so an import path can never take a name another member falls back to.
  for (const s of samples) taken.add(byId(s).toLowerCase());
  for (const s of samples) {
    const rel = safeRelativePath(s.importPath);
    const wanted = rel === null ? null : `${FILES_DIR}/${rel}`;
    // Case-folded: a case-insensitive file system would make two names one file.
    if (wanted !== null && !taken.has(wanted.toLowerCase())) {
      taken.add(wanted.toLowerCase());
      out.set(s.cfId, wanted);
    } else out.set(s.cfId, byId(s));
  }
  return out;
}

/** Resolves `rel` inside `dir`, or null when it would land outside it (the last guard before a write). */
export function insideDir(dir: string, rel: string): string | null {
  const root = path.resolve(dir);
  const target = path.resolve(root, ...rel.split('/'));
  return target.startsWith(root + path.sep) ? target : null;
}

const erasedJson = (x: VersionExport) =>
  [...x.erased].map(([cfId, e]) => ({ cfId, event: e.eventId, position: e.position.toString(), reason: e.reason }));

/** manifest.json: the files with their CF ids and sha256, the erased members, the members that are not files. */
export function filesManifest(x: VersionExport, files: readonly MaterialisedFile[]): Record<string, unknown> {
  const byCf = new Map(x.members.map((m) => [m.cfId, m]));
  return {
    format: 'cairn-export-files/1',
    dataset: x.dataset,
    ordinal: x.ordinal,
    versionId: x.versionId,
    manifestId: x.manifestId,
    merkleRoot: x.merkleRoot,
    licenses: x.licenses,
    files: files.map((f) => {
      const m = byCf.get(f.cfId);
      return {
        cfId: f.cfId,
        path: f.path,
        sha256: f.sha256,
        size: f.size,
        mediaType: m?.mediaType ?? null,
        license: m?.license ?? null,
        source: m?.source ?? null,
        contributor: m?.contributor ?? null,
      };
    }),
    erased: erasedJson(x),
    notFiles: x.members.filter((m) => m.kind !== 'sample').map((m) => ({ cfId: m.cfId, kind: m.kind })),
  };
}

/** members.jsonl of a files export: every member, its file (null for erased samples and non-samples) and erasure. */
export function filesMembersJsonl(x: VersionExport, files: readonly MaterialisedFile[]): string {
  const byCf = new Map(files.map((f) => [f.cfId, f]));
  const line = (m: ExportMember) => {
    const f = byCf.get(m.cfId);
    const e = x.erased.get(m.cfId);
    return {
      cfId: m.cfId,
      kind: m.kind,
      file: f?.path ?? null,
      sha256: f?.sha256 ?? null,
      mediaType: m.mediaType,
      size: m.size,
      license: m.license,
      source: m.source,
      contributor: m.contributor,
      erased: e === undefined ? null : { event: e.eventId, position: e.position.toString(), reason: e.reason },
    };
  };
  return x.members.map((m) => `${JSON.stringify(line(m))}\n`).join('');
}

const sha256OfText = (text: string): string => sha256Hex(new TextEncoder().encode(text));

/**
 * croissant.json for a files export: `membersJsonl` is the text written as members.jsonl. Every
 * contentUrl is relative to the folder croissant.json sits in, and every sha256 is of the bytes there.
 */
export function filesCroissant(
  x: VersionExport,
  files: readonly MaterialisedFile[],
  membersJsonl: string,
  facts: PublicationFacts,
): Record<string, unknown> {
  const byCf = new Map(x.members.map((m) => [m.cfId, m]));
  const erased = erasedJson(x).map((e) => `${e.cfId} (erased by ${e.event} at position ${e.position})`);
  return {
    ...croissantDataset(
      x,
      `${x.dataset}@${x.ordinal}: ${x.members.length} members cut by manifest ${x.manifestId}; Merkle root ${x.merkleRoot}; decrypted by cairn export --format files`,
    ),
    ...croissantPublication(facts),
    ...(erased.length === 0
      ? {}
      : {
          'rai:dataCollectionMissingData': `${erased.length} members erased; their bytes can no longer be read and are not in this folder: ${erased.join('; ')}`,
        }),
    distribution: [
      {
        '@type': 'cr:FileObject',
        '@id': MEMBERS_FILE,
        name: MEMBERS_FILE,
        description: 'one line per member: CF id, file, sha256, license, source, contributor, erasure',
        contentUrl: MEMBERS_FILE,
        encodingFormat: 'application/jsonlines',
        sha256: sha256OfText(membersJsonl),
      },
      ...files.map((f) => ({
        '@type': 'cr:FileObject',
        '@id': f.path,
        name: f.path,
        description: `sample ${f.cfId}`,
        contentUrl: f.path,
        encodingFormat: byCf.get(f.cfId)?.mediaType ?? 'application/octet-stream',
        contentSize: `${f.size} B`,
        sha256: f.sha256,
      })),
    ],
    recordSet: [
      membersRecordSet([
        ['cf_id', '$.cfId'],
        ['kind', '$.kind'],
        ['file', '$.file'],
        ['sha256', '$.sha256'],
        ['license', '$.license'],
        ['source', '$.source'],
        ['contributor', '$.contributor'],
      ]),
    ],
  };
}
