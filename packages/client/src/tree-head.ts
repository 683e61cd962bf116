// The ledger's signed tree head of the log as it is now: every event's leaf (id ‖ signature), the
// root over them signed with the store's ledger key, remembered in the store's tree-heads file so
// its own verify holds the log to it, and on request an RFC 6962 consistency proof from an older
// size. Any surface that hands out heads (CLI, server) answers from here.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  buildMerkleTree,
  consistencyProofFromTree,
  EMPTY_FRONTIER,
  eventLeafHash,
  extendMerkleFrontier,
  HASH_SIZE,
  LeafHashes,
  merkleFrontierRoot,
  toHex,
  type ConsistencyJson,
} from '@cairn/core';
import type { EventLog } from '@cairn/eventlog';
import { appendTreeHeadLine, readLedgerKey, scanLog, signTreeHead, TREE_HEADS_FILE } from '@cairn/sdk';
import type { SignedTreeHead, TreeHead } from '@cairn/schemas';
import { errorText } from './error-text.js';
import { usageError, type UsageError } from './errors.js';

export interface TreeHeadAnswer {
  readonly treeHead: TreeHead;
  readonly signature: string;
  readonly consistency?: ConsistencyJson;
}

export interface LogLeaves {
  readonly leaves: LeafHashes;
  /** The position of the last event (null: the log is empty). */
  readonly last: bigint | null;
}

/** Why the log's leaves could not be had: the log could not be read, or an event has no well-formed leaf. */
export type LogReadError =
  | { readonly _tag: 'LogUnavailable'; readonly message: string }
  | { readonly _tag: 'MalformedEvent'; readonly eventId: string; readonly position: bigint; readonly message: string };

/** Why a head over the log could not be had. */
export type TreeHeadError =
  | LogReadError
  | { readonly _tag: 'LedgerKeyUnreadable'; readonly message: string }
  | { readonly _tag: 'LedgerKeyNotFound'; readonly dir: string; readonly message: string }
  | UsageError;

/** Every leaf of the log as it is now. */
export async function logLeaves(log: EventLog): Promise<E.Either<LogReadError, LogLeaves>> {
  const leaves = new LeafHashes();
  let last: bigint | null = null;
  for await (const batch of scanLog(log)) {
    if (E.isLeft(batch)) return E.left({ _tag: 'LogUnavailable', message: errorText(batch.left) });
    for (const event of batch.right) {
      const leaf = eventLeafHash(event);
      if (leaf === null)
        return E.left({
          _tag: 'MalformedEvent',
          eventId: event.id,
          position: event.position,
          message: `event ${event.id} at position ${event.position} has no well-formed id/signature; run cairn verify`,
        });
      leaves.push(leaf, event);
      last = event.position;
    }
  }
  return E.right({ leaves, last });
}

function packedOf(leaves: LeafHashes): Uint8Array {
  const packed = new Uint8Array(leaves.size * HASH_SIZE);
  for (let i = 0; i < leaves.size; i++) packed.set(leaves.leafAt(i), i * HASH_SIZE);
  return packed;
}

/** Signs the head of the log as it is now and remembers it in `<localDir>/tree-heads`; `from`: also a consistency proof from that size. */
export async function signCurrentTreeHead(
  log: EventLog,
  localDir: string,
  from?: number,
): Promise<E.Either<TreeHeadError, TreeHeadAnswer>> {
  let key: Awaited<ReturnType<typeof readLedgerKey>>;
  try {
    key = await readLedgerKey(localDir, { create: false });
  } catch (cause) {
    return E.left({ _tag: 'LedgerKeyUnreadable', message: `the ledger key cannot be read: ${errorText(cause)}` });
  }
  if (key === undefined)
    return E.left({
      _tag: 'LedgerKeyNotFound',
      dir: localDir,
      message: `no ledger key in ${localDir} (it is made when the store is opened by this version of cairn)`,
    });
  const read = await logLeaves(log);
  if (E.isLeft(read)) return read;
  const { leaves, last } = read.right;
  if (from !== undefined && from > leaves.size) return E.left(usageError('from', `the log has ${leaves.size} events, fewer than ${from}`));
  const frontier = extendMerkleFrontier(
    EMPTY_FRONTIER,
    Array.from({ length: leaves.size }, (_, i) => leaves.leafAt(i)),
  );
  const treeHead = {
    size: leaves.size,
    root: toHex(merkleFrontierRoot(frontier)),
    timestamp: new Date().toISOString(),
    ledgerKey: key.publicKey,
  } as TreeHead;
  const signature = signTreeHead(treeHead, key.secretKey);
  await appendTreeHeadLine(path.join(localDir, TREE_HEADS_FILE), {
    treeHead,
    signature,
    position: last === null ? null : last.toString(),
    frontier: frontier.hashes.map(toHex),
  } as SignedTreeHead);
  if (from === undefined) return E.right({ treeHead, signature });
  const proof = consistencyProofFromTree(buildMerkleTree(packedOf(leaves)), from);
  if (E.isLeft(proof)) return E.left(usageError('from', proof.left.reason));
  return E.right({
    treeHead,
    signature,
    consistency: {
      cairnConsistencyProof: 1,
      oldSize: from,
      oldRoot: leaves.rootOf(from),
      newSize: treeHead.size,
      newRoot: treeHead.root,
      proof: proof.right.map(toHex),
    },
  });
}
