// Files a person names on the command line (--file, --out ...): a path that cannot be read or
// written is a bad value on the command line, so it ends as one usage line (exit 2) naming the
// flag, the path and why, never as the file system's stack trace.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseStrictJson } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';
import { usage } from './fail.js';
import { decodeStrict, splitLines } from './import/text-lines.js';

function codeOf(cause: unknown): string | undefined {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a named file could not be read, in words; undefined for a failure that is not the file system's. */
export function readProblem(cause: unknown): string | undefined {
  const code = codeOf(cause);
  if (code === undefined) return undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a folder, not a file';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot be read (${code})`;
}

/** Why a named file could not be written, in words; undefined for a failure that is not the file system's. */
export function writeProblem(file: string, cause: unknown): string | undefined {
  const code = codeOf(cause);
  if (code === undefined) return undefined;
  if (code === 'ENOENT') return `the folder ${path.dirname(file)} does not exist`;
  if (code === 'EISDIR') return 'a folder; name a file';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  return `cannot be written (${code})`;
}

/** The bytes of the file a flag names. */
export async function readNamedFile(flag: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (cause) {
    const problem = readProblem(cause);
    if (problem === undefined) throw cause;
    return usage(`${flag} ${file}`, problem);
  }
}

/** Writes the file a flag names (--out), whole, or chunk by chunk as a stream gives it. */
export async function writeNamedFile(flag: string, file: string, text: string | Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (cause) {
    const problem = writeProblem(file, cause);
    if (problem === undefined) throw cause;
    usage(`${flag} ${file}`, problem);
  }
}

/**
 * The text of a JSON file a person names (a manifest, hyperparameters). Bytes that are not UTF-8
 * are refused, naming the first line that holds them: read leniently they would become U+FFFD and
 * the ledger would sign text the file never held. A byte order mark is kept, as a lenient read
 * keeps it (JSON.parse then refuses it).
 */
export async function readUtf8File(file: string): Promise<string> {
  const bytes = new Uint8Array(await readFile(file));
  const text = decodeStrict(bytes);
  if (text !== undefined) return text;
  const bad = splitLines(bytes).find((l) => decodeStrict(l.bytes) === undefined);
  throw new Error(`not well-formed UTF-8${bad === undefined ? '' : ` on line ${bad.line}`}`);
}

/**
 * Why core's strict parser refused a JSON text, in words: the line (from the offset it stopped
 * at), the reason and the member (`line 3: string contains a lone surrogate at $.cf.signer`).
 */
export function strictJsonProblem(text: string, error: { readonly path: string; readonly reason: string }): string {
  const offset = / at offset (\d+)$/.exec(error.reason);
  const reason = offset === null ? error.reason : error.reason.slice(0, offset.index);
  const line = offset === null || !text.includes('\n') ? '' : `line ${text.slice(0, Number(offset[1])).split('\n').length}: `;
  return `${line}${reason}${error.path === '$' ? '' : ` at ${error.path}`}`;
}

/**
 * The value of a JSON file a person names or keeps by hand (a proof, a signed statement, a key
 * file): strict UTF-8 (readUtf8File), then core's strict parser, so that a lone surrogate or a
 * member named twice is refused rather than read one way here and another by the next parser.
 * Throws an Error whose message says why, for the caller to put next to the file's name.
 */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readUtf8File(file);
  const parsed = parseStrictJson(text);
  if (E.isLeft(parsed)) throw new Error(strictJsonProblem(text, parsed.left));
  return parsed.right;
}
