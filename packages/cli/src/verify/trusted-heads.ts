// Tree heads a reader brings to `cairn verify`: `--trusted-root SIZE:ROOT` and `--trusted-heads
// FILE` (one JSON head per line, as `cairn tree-head` prints them, or a tree-heads file). Bad
// input is a usage error naming the flag or the file's line.
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { TrustedHead } from './verify-anchors.js';
import { isSha256Hex } from '@cairn/core';

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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    return bad('--trusted-heads', `${file} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const heads: TrustedHead[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const field = `--trusted-heads ${file} line ${i + 1}`;
    let value: {
      size?: unknown;
      root?: unknown;
      treeHead?: { size?: unknown; root?: unknown };
      cosignature?: { treeHead?: { size?: unknown; root?: unknown } };
    };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      return bad(field, 'not JSON');
    }
    const h = value?.treeHead ?? value?.cosignature?.treeHead ?? value;
    const head = headOf(h?.size, h?.root, field);
    if (E.isLeft(head)) return head;
    heads.push({ ...head.right, source: `${file} line ${i + 1}` });
  }
  return E.right(heads);
}
