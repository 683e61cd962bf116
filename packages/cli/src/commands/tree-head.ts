// cairn tree-head: the ledger's signed tree head of the log as it is now (for a reader to
// remember and later hand to `verify --trusted-root` / `--trusted-heads`), with an RFC 6962
// consistency proof from an older size on request; `tree-head cosign`: a witness signs the
// store's latest head after checking the log extends it; `tree-head check FILE`: a consistency
// proof checked offline with core, no store needed.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import {
  buildMerkleTree,
  checkConsistency,
  consistencyProofFromTree,
  EMPTY_FRONTIER,
  eventLeafHash,
  extendMerkleFrontier,
  fromHex,
  LeafHashes,
  merkleFrontierRoot,
  publicKeyOf,
  toHex,
  HASH_SIZE,
  type ConsistencyJson,
} from '@cairn/core';
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
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, usage } from '../fail.js';
import { emit } from '../output.js';
import { withSession, type Session } from '../session.js';
import { globalsOf } from './common.js';

export interface TreeHeadJson {
  readonly treeHead: TreeHead;
  readonly signature: string;
  readonly consistency?: ConsistencyJson;
}

/** Every leaf of the log as it is now, and the position of its last event. */
async function leavesOfLog(session: Session): Promise<{ leaves: LeafHashes; last: bigint | null }> {
  const leaves = new LeafHashes();
  let last: bigint | null = null;
  for await (const batch of scanLog(session.ledger.log)) {
    if (E.isLeft(batch)) fail(ExitCode.unavailable, messageOf(batch.left));
    for (const event of batch.right) {
      const leaf = eventLeafHash(event);
      if (leaf === null)
        fail(ExitCode.checkFailed, `event ${event.id} at position ${event.position} has no well-formed id/signature; run cairn verify`);
      leaves.push(leaf, event);
      last = event.position;
    }
  }
  return { leaves, last };
}

function packedOf(leaves: LeafHashes): Uint8Array {
  const packed = new Uint8Array(leaves.size * HASH_SIZE);
  for (let i = 0; i < leaves.size; i++) packed.set(leaves.leafAt(i), i * HASH_SIZE);
  return packed;
}

async function ledgerKeyOf(session: Session) {
  const key = await readLedgerKey(session.localDir, { create: false }).catch((cause: unknown) =>
    fail(ExitCode.unavailable, `the ledger key cannot be read: ${messageOf(cause)}`),
  );
  if (key === undefined)
    fail(ExitCode.notFound, `no ledger key in ${session.localDir} (it is made when the store is opened by this version of cairn)`);
  return key;
}

export async function currentTreeHead(session: Session, from?: number): Promise<TreeHeadJson> {
  const key = await ledgerKeyOf(session);
  const { leaves, last } = await leavesOfLog(session);
  if (from !== undefined && from > leaves.size) usage('--from', `the log has ${leaves.size} events, fewer than ${from}`);
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
  // The store remembers every head it hands out, so its own verify holds the log to it too.
  await appendTreeHeadLine(path.join(session.localDir, TREE_HEADS_FILE), {
    treeHead,
    signature,
    position: last === null ? null : last.toString(),
    frontier: frontier.hashes.map(toHex),
  } as SignedTreeHead);
  if (from === undefined) return { treeHead, signature };
  const proof = consistencyProofFromTree(buildMerkleTree(packedOf(leaves)), from);
  if (E.isLeft(proof)) return usage('--from', proof.left.reason);
  const consistency: ConsistencyJson = {
    cairnConsistencyProof: 1,
    oldSize: from,
    oldRoot: leaves.rootOf(from),
    newSize: treeHead.size,
    newRoot: treeHead.root,
    proof: proof.right.map(toHex),
  };
  return { treeHead, signature, consistency };
}

/** A witness cosigns the store's latest head, once it has checked the ledger signed it and the log extends it. */
export async function cosignTreeHead(session: Session, witnessName: string): Promise<TreeHeadCosignature> {
  const entry = await session.keyring.get(witnessName);
  if (E.isLeft(entry)) fail(entry.left._tag === 'SignerNotFound' ? ExitCode.notFound : ExitCode.usage, entry.left.message);
  const secret = fromHex(entry.right.secretKey, 32);
  if (E.isLeft(secret)) fail(ExitCode.unavailable, `keyring entry ${witnessName}: secretKey is not 32 bytes of hex`);
  const file = path.join(session.localDir, TREE_HEADS_FILE);
  const heads = (await readTreeHeads(file)).flatMap((e) => ('head' in e ? [e.head] : []));
  const latest = heads.reduce<SignedTreeHead | undefined>(
    (best, h) => (best === undefined || h.treeHead.size > best.treeHead.size ? h : best),
    undefined,
  );
  if (latest === undefined) fail(ExitCode.notFound, `no tree head in ${file} to cosign (cairn tree-head makes one)`);
  if (!treeHeadSignatureValid(latest.treeHead, latest.signature, latest.treeHead.ledgerKey))
    fail(ExitCode.checkFailed, `the latest head in ${file} is not signed by its ledger key; not cosigning`);
  const { leaves } = await leavesOfLog(session);
  if (latest.treeHead.size > leaves.size || leaves.rootOf(latest.treeHead.size) !== latest.treeHead.root)
    fail(
      ExitCode.checkFailed,
      `the log does not extend the latest head (${latest.treeHead.size} events, root ${latest.treeHead.root}); not cosigning`,
    );
  const cosignature = {
    treeHead: latest.treeHead,
    witness: toHex(publicKeyOf(secret.right)),
    signature: signTreeHead(latest.treeHead, secret.right),
  } as TreeHeadCosignature;
  await appendTreeHeadLine(file, { cosignature });
  return cosignature;
}

export function registerTreeHead(program: Command): void {
  const command = program
    .command('tree-head')
    .description("print the ledger's signed tree head of the log now (size, RFC 6962 root), to remember and give to verify --trusted-root")
    .option('--from <size>', 'also print a consistency proof from the log as it was at this size')
    .action(async (opts: { from?: string }, cmd: Command) => {
      const from =
        opts.from === undefined
          ? undefined
          : /^\d+$/.test(opts.from)
            ? Number(opts.from)
            : usage('--from', 'a non-negative integer (a tree size)');
      await withSession(globalsOf(cmd), async (session) => {
        const head = await currentTreeHead(session, from);
        emit(head, { json: true }, () => '');
      });
    });
  command
    .command('cosign')
    .description("as a witness: check the log extends the store's latest tree head, then cosign it")
    .requiredOption('--as <name>', 'the witness (a signer from cairn keys)')
    .action(async (opts: { as: string }, cmd: Command) => {
      await withSession(globalsOf(cmd), async (session) => {
        const c = await cosignTreeHead(session, opts.as);
        emit(
          c,
          { json: session.json },
          (x) => `cosigned the tree head of ${x.treeHead.size} events, root ${x.treeHead.root}, as witness ${x.witness}`,
        );
      });
    });
  command
    .command('check')
    .description('check a consistency proof (cairn tree-head --from) offline; exit 1 if it does not hold')
    .argument('<file>', 'the JSON printed by cairn tree-head --from (or its consistency field)')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      let value: unknown;
      try {
        value = JSON.parse(await readFile(file, 'utf8'));
      } catch (cause) {
        usage('FILE', `${file} cannot be read as JSON: ${messageOf(cause)}`);
      }
      const proof = (value as { consistency?: unknown } | null)?.consistency ?? value;
      const result = checkConsistency(proof);
      const json = globalsOf(cmd).json === true;
      emit(result, { json }, (r) => `${r.ok ? 'ok' : 'FAILED'}: ${r.reason}`);
      if (!result.ok) fail(ExitCode.checkFailed, result.reason, result);
    });
}
