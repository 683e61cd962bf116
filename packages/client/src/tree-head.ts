// The ledger's signed tree head of the log as it is now: every event's leaf (id ‖ signature), the
// root over them signed with the store's ledger key, remembered in the store's tree-heads file so
// its own verify holds the log to it, and on request an RFC 6962 consistency proof from an older
// size. Any surface that hands out heads (CLI, server) answers from here.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  publicKeyOf,
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
import {
  appendTreeHeadLine,
  readLedgerKey,
  readTreeHeads,
  scanLog,
  signTreeHead,
  treeHeadSignatureValid,
  TREE_HEADS_FILE,
} from '@cairn/sdk';
import type { SignedTreeHead, TreeHead, TreeHeadCosignature } from '@cairn/schemas';
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

/** The largest head the store remembers in `<localDir>/tree-heads` (the one a witness cosigns), or undefined. */
export async function latestTreeHead(localDir: string): Promise<SignedTreeHead | undefined> {
  const heads = (await readTreeHeads(path.join(localDir, TREE_HEADS_FILE))).flatMap((e) => ('head' in e ? [e.head] : []));
  return heads.reduce<SignedTreeHead | undefined>(
    (best, h) => (best === undefined || h.treeHead.size > best.treeHead.size ? h : best),
    undefined,
  );
}

/** Why a witness would not cosign, or a store would not keep a cosignature: the head, or the signature, does not hold. */
export interface CosignRefused {
  readonly _tag: 'CosignRefused';
  readonly field: 'treeHead' | 'signature' | 'witness';
  readonly message: string;
}

const refused = (field: CosignRefused['field'], message: string): E.Either<CosignRefused, never> =>
  E.left({ _tag: 'CosignRefused', field, message });

/**
 * A witness's cosignature of `latest` (described as `where` in refusals), made only once the
 * ledger's signature on it verifies and the log's leaves extend it: the same check wherever the
 * head and the log were read from (a store's folder, or a server).
 */
export function witnessCosignature(
  latest: SignedTreeHead,
  leaves: LeafHashes,
  witnessSecret: Uint8Array,
  where: string,
): E.Either<CosignRefused, TreeHeadCosignature> {
  if (!treeHeadSignatureValid(latest.treeHead, latest.signature, latest.treeHead.ledgerKey))
    return refused('signature', `the latest head in ${where} is not signed by its ledger key; not cosigning`);
  if (latest.treeHead.size > leaves.size || leaves.rootOf(latest.treeHead.size) !== latest.treeHead.root)
    return refused(
      'treeHead',
      `the log does not extend the latest head (${latest.treeHead.size} events, root ${latest.treeHead.root}); not cosigning`,
    );
  return E.right({
    treeHead: latest.treeHead,
    witness: toHex(publicKeyOf(witnessSecret)),
    signature: signTreeHead(latest.treeHead, witnessSecret),
  } as TreeHeadCosignature);
}

/**
 * Keeps a witness's cosignature in `<localDir>/tree-heads` (a server takes it from a witness who
 * signed where its key is): only over a head this store signed and remembers, and only when the
 * witness's signature over it verifies.
 */
export async function recordCosignature(
  localDir: string,
  cosignature: TreeHeadCosignature,
): Promise<E.Either<CosignRefused, TreeHeadCosignature>> {
  const file = path.join(localDir, TREE_HEADS_FILE);
  const { treeHead } = cosignature;
  const remembered = (await readTreeHeads(file)).some(
    (e) =>
      'head' in e &&
      e.head.treeHead.size === treeHead.size &&
      e.head.treeHead.root === treeHead.root &&
      e.head.treeHead.timestamp === treeHead.timestamp &&
      e.head.treeHead.ledgerKey === treeHead.ledgerKey &&
      treeHeadSignatureValid(e.head.treeHead, e.head.signature, e.head.treeHead.ledgerKey),
  );
  if (!remembered)
    return refused('treeHead', `this store signed no head of ${treeHead.size} events with root ${treeHead.root} at ${treeHead.timestamp}`);
  if (!treeHeadSignatureValid(treeHead, cosignature.signature, cosignature.witness))
    return refused('signature', `witness ${cosignature.witness}'s signature does not verify over the head`);
  await appendTreeHeadLine(file, { cosignature });
  return E.right(cosignature);
}
