// The ledger's anchor files, in the store folder next to (never inside) the sample keys:
//   ledger-key.json   the ledger's own Ed25519 key (0600), made with the store. It signs only tree
//                     heads: it is not a contributor's key, so it can sign no event, and it is not
//                     in keys/ where sample keys (named by CF id) live.
//   tree-heads.jsonl  one signed tree head per append call, and witnesses' cosignatures, appended
//                     and fsync'd. A log rewritten behind the ledger's back no longer matches the
//                     heads here; an attacker who rewrites this file too is caught by what readers
//                     remembered (verify --trusted-root / --trusted-heads) and by witnesses.
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, generateSigningKey, publicKeyOf, toHex } from '@cairn/core';
import { decodeTreeHeadLine, type SignedTreeHead, type TreeHeadCosignature } from '@cairn/schemas';

export const LEDGER_KEY_FILE = 'ledger-key.json';
export const TREE_HEADS_FILE = 'tree-heads.jsonl';

export interface LedgerKey {
  readonly secretKey: Uint8Array;
  /** 64 lowercase hex. */
  readonly publicKey: string;
}

export type TreeHeadEntry =
  | { readonly line: number; readonly head: SignedTreeHead }
  | { readonly line: number; readonly cosignature: TreeHeadCosignature }
  | { readonly line: number; readonly problem: string };

function missing(cause: unknown): boolean {
  return (cause as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * A stored key whose public half is derived when first read: every open of a store reads the key,
 * but only a command that signs or shows a head needs the public key, and the first derivation
 * in a process builds the curve's precomputed tables.
 */
function withDerivedPublicKey(secretKey: Uint8Array): LedgerKey {
  let publicKey: string | undefined;
  return {
    secretKey,
    get publicKey() {
      publicKey ??= toHex(publicKeyOf(secretKey));
      return publicKey;
    },
  };
}

/** The store's ledger key; `create` makes one when there is none (a new store). */
export async function readLedgerKey(dir: string, options: { readonly create: boolean }): Promise<LedgerKey | undefined> {
  const file = path.join(dir, LEDGER_KEY_FILE);
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { secretKey?: unknown };
    const secret = typeof stored.secretKey === 'string' ? fromHex(stored.secretKey, 32) : E.left(null);
    if (E.isLeft(secret)) throw new Error(`${file}: secretKey is not 32 bytes of hex`);
    return withDerivedPublicKey(secret.right);
  } catch (cause) {
    if (!missing(cause) || !options.create) {
      if (missing(cause)) return undefined;
      throw cause;
    }
  }
  const secretKey = generateSigningKey();
  const publicKey = toHex(publicKeyOf(secretKey));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written whole then renamed, so a crash never leaves half a key; flushed, since every head
  // after this one is signed by it.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ secretKey: toHex(secretKey), publicKey }, null, 2)}\n`, { mode: 0o600, flush: true });
  await rename(tmp, file);
  return { secretKey, publicKey };
}

/** Every line of a tree-heads file, decoded (a line that is not a head or cosignature says why). */
export function parseTreeHeadLines(text: string): TreeHeadEntry[] {
  const entries: TreeHeadEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      entries.push({ line: i + 1, problem: 'not JSON' });
      return;
    }
    const decoded = decodeTreeHeadLine(value);
    entries.push(E.isLeft(decoded) ? { line: i + 1, problem: decoded.left } : { line: i + 1, ...decoded.right });
  });
  return entries;
}

/** The file's entries, or an empty list when there is no file. */
export async function readTreeHeads(file: string): Promise<TreeHeadEntry[]> {
  try {
    return parseTreeHeadLines(await readFile(file, 'utf8'));
  } catch (cause) {
    if (missing(cause)) return [];
    throw cause;
  }
}

const TAIL_BYTES = 256 * 1024;

/** The largest head among the file's last lines (a writer resumes from it), or undefined. */
export async function lastTreeHead(file: string): Promise<SignedTreeHead | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    if (missing(cause)) return undefined;
    throw cause;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8');
    // A tail that starts mid-line drops that partial line.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    let best: SignedTreeHead | undefined;
    for (const entry of parseTreeHeadLines(text))
      if ('head' in entry && entry.head.frontier !== undefined && (best === undefined || entry.head.treeHead.size > best.treeHead.size))
        best = entry.head;
    return best;
  } finally {
    await handle.close();
  }
}

/** Appends one line and flushes it to disk before answering. */
export async function appendTreeHeadLine(
  file: string,
  line: SignedTreeHead | { readonly cosignature: TreeHeadCosignature },
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, 'a', 0o644);
  try {
    await handle.appendFile(`${JSON.stringify(line)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
