// Automatic tree heads: after every append call the ledger signs the size and RFC 6962 root of
// the whole log with its own key and appends the head to the store's tree-heads file. The tree
// is kept as a frontier (O(log n) hashes, see core's merkle-frontier.ts) resumed from the
// file's last head, so a head costs one leaf hash per new event, a few node hashes, one
// signature and one fsync'd line, whatever the log's size. The new events' leaves come from
// the batch itself; the log is read only when events the frontier has not seen lie between
// (another writer, a crash between an append and its head, a store older than its heads file).
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  EMPTY_FRONTIER,
  eventLeafHash,
  extendMerkleFrontier,
  fromHex,
  merkleFrontierOf,
  merkleFrontierRoot,
  toHex,
  type MerkleFrontier,
} from '@cairn/core';
import type { EventLog, LogPosition, RecordedEvent } from '@cairn/eventlog';
import type { SignedTreeHead, TreeHead } from '@cairn/schemas';
import type { LedgerError } from '../errors.js';
import { appendTreeHeadLine, lastTreeHead, readLedgerKey, TREE_HEADS_FILE, type LedgerKey } from './folder.js';
import { signTreeHead } from './tree-head.js';

/** An event the ledger just appended: where it went and what its leaf is made of. */
export interface AppendedEvent {
  readonly position: LogPosition;
  readonly id: string;
  /** The envelope: its signature, or its seal reference for a sealed CF, makes the leaf. */
  readonly data: unknown;
}

export interface LogAnchor {
  /** Called as soon as a batch is in the log (synchronous: it only queues). */
  appended(events: readonly AppendedEvent[]): void;
  /** Signs and writes one head covering everything queued (nothing when nothing was). */
  flush(): Promise<E.Either<LedgerError, SignedTreeHead | undefined>>;
}

interface Tree {
  readonly frontier: MerkleFrontier;
  readonly position: LogPosition | null;
}

const READ_BATCH = 2000;

function anchorError(operation: string, cause: unknown): LedgerError {
  return {
    _tag: 'StorageError',
    store: 'tree-heads',
    operation,
    address: 'tree-heads.jsonl',
    reason: cause instanceof Error ? cause.message : String(cause),
  };
}

function treeOf(stored: SignedTreeHead | undefined): Tree {
  if (stored?.frontier === undefined || stored.position === undefined) return { frontier: EMPTY_FRONTIER, position: null };
  const hashes = stored.frontier.map((h) => fromHex(h, 32));
  const frontier = hashes.every(E.isRight)
    ? merkleFrontierOf(
        stored.treeHead.size,
        hashes.map((h) => (h as E.Right<Uint8Array>).right),
      )
    : null;
  // A head the file cannot resume from: start over from the log (verify judges the file).
  if (frontier === null) return { frontier: EMPTY_FRONTIER, position: null };
  return { frontier, position: stored.position === null ? null : BigInt(stored.position) };
}

/** Leaves of the log after `after` up to and including `through`, read in order. */
async function leavesFromLog(
  log: EventLog,
  after: LogPosition | null,
  through: LogPosition,
): Promise<E.Either<LedgerError, { leaves: Uint8Array[]; last: LogPosition | null }>> {
  const leaves: Uint8Array[] = [];
  let cursor = after;
  for (;;) {
    const read = await log.readAll({ after: cursor, limit: READ_BATCH });
    if (E.isLeft(read)) return read;
    for (const event of read.right as readonly RecordedEvent[]) {
      if (event.position > through) return E.right({ leaves, last: cursor });
      const leaf = eventLeafHash(event);
      if (leaf === null)
        return E.left(
          anchorError('read', new Error(`event ${event.id} at position ${event.position} has no well-formed id and signature or seal`)),
        );
      leaves.push(leaf);
      cursor = event.position;
    }
    if (read.right.length < READ_BATCH) return E.right({ leaves, last: cursor });
  }
}

export function createLogAnchor(options: {
  readonly log: EventLog;
  readonly key: LedgerKey;
  readonly file: string;
  readonly now?: () => Date;
}): LogAnchor {
  const { log, key, file } = options;
  const now = options.now ?? (() => new Date());
  let queued: AppendedEvent[] = [];
  let tree: Tree | undefined;
  // Flushes run one at a time: each extends the tree the previous one left.
  let chain: Promise<unknown> = Promise.resolve();

  const flushNow = async (): Promise<E.Either<LedgerError, SignedTreeHead | undefined>> => {
    if (queued.length === 0) return E.right(undefined);
    const events = queued.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    queued = [];
    try {
      tree ??= treeOf(await lastTreeHead(file));
    } catch (cause) {
      return E.left(anchorError('read', cause));
    }
    const current: Tree = tree;
    const fresh = events.filter((e) => current.position === null || e.position > current.position);
    if (fresh.length === 0) return E.right(undefined);
    // Positions are not dense, so "nothing in between" is known without a read only when each
    // event sits exactly one after the last one covered.
    let contiguous = current.position !== null;
    let previous = current.position;
    for (const e of fresh) {
      if (previous === null || e.position !== previous + 1n) contiguous = false;
      previous = e.position;
    }
    const through = fresh[fresh.length - 1]!.position;
    let leaves: Uint8Array[];
    if (contiguous) {
      leaves = [];
      for (const e of fresh) {
        const leaf = eventLeafHash(e);
        if (leaf === null) return E.left(anchorError('append', new Error(`event ${e.id} has no well-formed id and signature or seal`)));
        leaves.push(leaf);
      }
    } else {
      const read = await leavesFromLog(log, current.position, through);
      if (E.isLeft(read)) return read;
      leaves = read.right.leaves;
    }
    const frontier = extendMerkleFrontier(current.frontier, leaves);
    const treeHead = {
      size: frontier.size,
      root: toHex(merkleFrontierRoot(frontier)),
      timestamp: now().toISOString(),
      ledgerKey: key.publicKey,
    } as TreeHead;
    const line = {
      treeHead,
      signature: signTreeHead(treeHead, key.secretKey),
      position: through.toString(),
      frontier: frontier.hashes.map(toHex),
    } as SignedTreeHead;
    try {
      await appendTreeHeadLine(file, line);
    } catch (cause) {
      // The events are in the log; the next head will cover them, so the tree moves on anyway.
      tree = { frontier, position: through };
      return E.left(anchorError('append', cause));
    }
    tree = { frontier, position: through };
    return E.right(line);
  };

  return {
    appended: (events) => {
      queued.push(...events);
    },
    flush: () => {
      const result = chain.then(flushNow, flushNow);
      chain = result.catch(() => undefined);
      return result;
    },
  };
}

/** The anchor of a store folder: its ledger key (made on first open) and its tree-heads file. */
export async function openLogAnchor(log: EventLog, dir: string): Promise<LogAnchor> {
  const key = await readLedgerKey(dir, { create: true });
  return createLogAnchor({ log, key: key!, file: path.join(dir, TREE_HEADS_FILE) });
}
