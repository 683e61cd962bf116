// What `verify --since` trusts: a head the reader names, resolved into the size and root the log's
// first events must still hash to. A LogCheckpointed in the log (by position or event id) is
// resolved from the log; its own signature and root are then checked as part of the log after it.
// A signed tree head (a `cairn tree-head --json` answer, or a tree-heads file: its last head) is
// checked here: its signature under the ledger key it names, and that key is the store's.
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { isSha256Hex } from '@cairn/core';
import type { EventLog, RecordedEvent } from '@cairn/eventlog';
import { readLedgerKey, treeHeadSignatureValid, type TrustedPrefix } from '@cairn/sdk';
import { TreeHead } from '@cairn/schemas';
import { errorText } from './error-text.js';
import { usageError, type UsageError } from './errors.js';

export type SinceError = UsageError | { readonly _tag: 'LogUnavailable'; readonly message: string };

const FIELD = '--since';
const SIGNATURE_HEX = /^[0-9a-f]{128}$/;

function checkpointHead(event: RecordedEvent | undefined, named: string): E.Either<SinceError, TrustedPrefix> {
  if (event === undefined) return E.left(usageError(FIELD, `no event ${named} in the log`));
  if (event.type !== 'LogCheckpointed')
    return E.left(usageError(FIELD, `event ${named} is a ${event.type}, not a LogCheckpointed (cairn checkpoint signs one)`));
  const payload = (event.data as { payload?: { size?: unknown; root?: unknown } } | null)?.payload;
  const size = payload?.size;
  const root = payload?.root;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || typeof root !== 'string' || !isSha256Hex(root))
    return E.left(usageError(FIELD, `the checkpoint ${named} has no well-formed size and root; run cairn verify without --since`));
  return E.right({ size, root, source: `the checkpoint at position ${event.position}` });
}

async function headFromFile(file: string, localDir: string | undefined): Promise<E.Either<SinceError, TrustedPrefix>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    return E.left(
      usageError(
        FIELD,
        `${JSON.stringify(file)} is neither a checkpoint position, an event id nor a readable tree-head file: ${errorText(cause)}`,
      ),
    );
  }
  type Signed = { treeHead?: Partial<Record<keyof TreeHead, unknown>>; signature?: unknown };
  // One answer of `cairn tree-head --json`, or a tree-heads file (one head a line, the last is the newest).
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parsed = [text, lines[lines.length - 1] ?? ''].map((candidate) => {
    try {
      return JSON.parse(candidate) as Signed;
    } catch {
      return undefined;
    }
  });
  const found = parsed[0] ?? parsed[1];
  if (found === undefined) return E.left(usageError(FIELD, `${file} is not a signed tree head (JSON as cairn tree-head --json prints it)`));
  const value: Signed = found;
  const h = value?.treeHead;
  const { size, root, ledgerKey, timestamp } = h ?? {};
  const signature = value?.signature;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    return E.left(usageError(FIELD, `${file}: treeHead.size must be a non-negative integer`));
  if (typeof root !== 'string' || !isSha256Hex(root)) return E.left(usageError(FIELD, `${file}: treeHead.root must be 64 lowercase hex`));
  if (typeof ledgerKey !== 'string' || !isSha256Hex(ledgerKey))
    return E.left(usageError(FIELD, `${file}: treeHead.ledgerKey must be 64 lowercase hex`));
  if (typeof timestamp !== 'string') return E.left(usageError(FIELD, `${file}: treeHead.timestamp must be an ISO time`));
  if (typeof signature !== 'string' || !SIGNATURE_HEX.test(signature))
    return E.left(usageError(FIELD, `${file}: signature must be 128 lowercase hex (an Ed25519 signature)`));
  const decoded = TreeHead.decode(h);
  if (E.isLeft(decoded)) return E.left(usageError(FIELD, `${file}: treeHead is not a tree head (size, root, an ISO timestamp, ledgerKey)`));
  const head = decoded.right;
  if (!treeHeadSignatureValid(head, signature, ledgerKey))
    return E.left(usageError(FIELD, `${file}: the tree head's signature does not verify under the ledger key it names`));
  let storeKey: string | undefined;
  try {
    storeKey = localDir === undefined ? undefined : (await readLedgerKey(localDir, { create: false }))?.publicKey;
  } catch (cause) {
    return E.left({ _tag: 'LogUnavailable', message: `the store's ledger key cannot be read: ${errorText(cause)}` });
  }
  if (storeKey !== undefined && storeKey !== ledgerKey)
    return E.left(usageError(FIELD, `${file}: the tree head is signed by ${ledgerKey}, not by this store's ledger key ${storeKey}`));
  return E.right({ size, root, source: `the tree head in ${file}` });
}

/**
 * The head `since` names: a LogCheckpointed by position (digits) or event id (64 hex), or a file
 * holding a signed tree head. `localDir`: where the store's ledger key is (a head must be its);
 * undefined for a server's log, whose key the reader knows only from the head it kept.
 */
export async function trustedHeadOf(
  log: EventLog,
  localDir: string | undefined,
  since: string,
): Promise<E.Either<SinceError, TrustedPrefix>> {
  try {
    if (/^\d+$/.test(since)) {
      const position = BigInt(since);
      if (position < 1n) return E.left(usageError(FIELD, 'a log position is 1 or more'));
      const read = await log.readAll({ after: position - 1n, limit: 1 });
      if (E.isLeft(read)) return E.left({ _tag: 'LogUnavailable', message: errorText(read.left) });
      return checkpointHead(
        read.right.find((e) => e.position === position),
        `at position ${since}`,
      );
    }
    if (isSha256Hex(since)) {
      const read = await log.readByIds([since]);
      if (E.isLeft(read)) return E.left({ _tag: 'LogUnavailable', message: errorText(read.left) });
      return checkpointHead(read.right[0], since);
    }
  } catch (cause) {
    return E.left({ _tag: 'LogUnavailable', message: errorText(cause) });
  }
  return headFromFile(since, localDir);
}
