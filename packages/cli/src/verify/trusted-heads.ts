// Tree heads a reader brings to `cairn verify`: `--trusted-root SIZE:ROOT` and `--trusted-heads
// FILE` (one JSON head per line, as `cairn tree-head` prints them, or a tree-heads file). Bad
// input is a usage error naming the flag or the file's line.
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { TrustedHead } from './verify-anchors.js';
import { isSha256Hex, parseStrictJson } from '@cairn/core';
import { strictJsonProblem } from '../files.js';
import { decodeStrict, splitLines } from '../import/text-lines.js';

export interface TrustedHeadError {
  readonly _tag: 'UsageError';
  readonly field: string;
  readonly reason: string;
}

const bad = (field: string, reason: string): E.Either<TrustedHeadError, never> => E.left({ _tag: 'UsageError', field, reason });

function headOf(size: unknown, root: unknown, field: string): E.Either<TrustedHeadError, { size: number; root: string }> {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return bad(field, 'the size must be a non-negative integer');
  if (typeof root !== 'string' || !isSha256Hex(root)) return bad(field, 'the root must be 64 lowercase hex characters (a SHA-256 digest)');
  return E.right({ size, root });
}

/** `SIZE:ROOT`, e.g. `12:9f86d0…`. */
export function parseTrustedRoot(value: string): E.Either<TrustedHeadError, TrustedHead> {
  const match = /^(\d+):(.*)$/.exec(value);
  if (!match) return bad('--trusted-root', `expected SIZE:ROOT (e.g. 12:<64 hex>), got ${JSON.stringify(value)}`);
  return E.map((h: { size: number; root: string }) => ({ ...h, source: `--trusted-root ${value}` }))(
    headOf(Number(match[1]), match[2], '--trusted-root'),
  );
}

/** Every head in a file of remembered heads (lines of `{size, root}`, `{treeHead: {…}}` or cosignatures). */
export async function readTrustedHeads(file: string): Promise<E.Either<TrustedHeadError, TrustedHead[]>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    return bad('--trusted-heads', `${file} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const heads: TrustedHead[] = [];
  // Each line is decoded on its own so that a byte that is not UTF-8 is refused naming its line,
  // not read as U+FFFD; the strict parser refuses a lone surrogate or a member named twice.
  for (const { line: n, bytes: lineBytes } of splitLines(bytes)) {
    const field = `--trusted-heads ${file} line ${n}`;
    const line = decodeStrict(lineBytes);
    if (line === undefined) return bad(field, 'not well-formed UTF-8');
    if (line.trim() === '') continue;
    const parsed = parseStrictJson(line);
    if (E.isLeft(parsed)) return bad(field, `not JSON (${strictJsonProblem(line, parsed.left)})`);
    const value = parsed.right as {
      size?: unknown;
      root?: unknown;
      treeHead?: { size?: unknown; root?: unknown };
      cosignature?: { treeHead?: { size?: unknown; root?: unknown } };
    } | null;
    const h = value?.treeHead ?? value?.cosignature?.treeHead ?? value;
    const head = headOf(h?.size, h?.root, field);
    if (E.isLeft(head)) return head;
    heads.push({ ...head.right, source: `${file} line ${n}` });
  }
  return E.right(heads);
}
