// `cairn checkpoint --store http://…`: a LogCheckpointed signed here, over the head the server
// reports, once that head is checked: signed by the server's ledger key, and (when this machine
// remembers an earlier head of that server) the same ledger key, with an RFC 6962 consistency
// proof from the remembered head that holds. The head is then remembered, so the next checkpoint
// holds the server to it: a server that rewrote its log is caught, not countersigned.
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { checkConsistency } from '@cairn/core';
import { DEFAULT_STORE_DIR, openRemoteCairn, remoteLocationOf, type CheckpointAnswer, type TreeHeadAnswer } from '@cairn/client';
import { appendTreeHeadLine, openLedger, readTreeHeads, treeHeadSignatureValid } from '@cairn/sdk';
import type { SignedTreeHead } from '@cairn/schemas';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf } from '../fail.js';
import { openKeyring } from '../keyring.js';
import { readerOf, serverUrlOf } from '../read-session.js';
import type { GlobalOptions } from '../session.js';

/** The heads of the server at `url` this machine has countersigned, one file per server in the keyring's folder. */
export function rememberedHeadsFile(keysDir: string, url: string): string {
  const id = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return path.join(keysDir, 'server-tree-heads', `${id}.jsonl`);
}

/** The check a head passes before it is signed; the reason it fails otherwise. */
export function headRefusal(head: TreeHeadAnswer, remembered: SignedTreeHead | undefined): string | undefined {
  const { treeHead } = head;
  if (!treeHeadSignatureValid(treeHead, head.signature, treeHead.ledgerKey))
    return `the server's head (${treeHead.size} events) is not signed by the ledger key it names`;
  if (remembered === undefined) return undefined;
  const before = remembered.treeHead;
  if (treeHead.ledgerKey !== before.ledgerKey)
    return `the server signs with ledger key ${treeHead.ledgerKey}, not ${before.ledgerKey} as the head remembered from it`;
  if (treeHead.size < before.size)
    return `the server's log has ${treeHead.size} events, fewer than the ${before.size} of the head remembered`;
  const proof = head.consistency;
  if (proof === undefined || proof.oldSize !== before.size || proof.oldRoot !== before.root || proof.newRoot !== treeHead.root)
    return `the server gave no consistency proof from the head remembered (${before.size} events, root ${before.root})`;
  const checked = checkConsistency(proof);
  return checked.ok ? undefined : `the server's log does not extend the head remembered: ${checked.reason}`;
}

export async function checkpointOverHttp(options: GlobalOptions, signerName: string): Promise<CheckpointAnswer> {
  const url = serverUrlOf(options)!;
  const location = remoteLocationOf(url, options.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const keysDir = process.env.CAIRN_KEYS ?? DEFAULT_STORE_DIR;
  const signer = await openKeyring(path.join(keysDir, 'signers')).signer(signerName);
  if (E.isLeft(signer)) return fail(ExitCode.notFound, signer.left.message);
  const file = rememberedHeadsFile(keysDir, location.right.url);
  const remembered = (await readTreeHeads(file))
    .flatMap((e) => ('head' in e ? [e.head] : []))
    .reduce<SignedTreeHead | undefined>((best, h) => (best === undefined || h.treeHead.size > best.treeHead.size ? h : best), undefined);

  const reader = await readerOf(options);
  const remote = openRemoteCairn(location.right, reader === undefined ? {} : { signer: reader });
  const head = await remote.treeHead(remembered?.treeHead.size);
  if (E.isLeft(head)) return fail(head.left._tag === 'Unavailable' ? ExitCode.unavailable : ExitCode.checkFailed, messageOf(head.left));
  const refusal = headRefusal(head.right, remembered);
  if (refusal !== undefined) return fail(ExitCode.checkFailed, `${refusal}; not checkpointing`);

  const { size, root } = head.right.treeHead;
  const ledger = await openLedger({ url: location.right.url });
  try {
    const envelope = ledger.sign('LogCheckpointed', { size, root, timestamp: new Date().toISOString() }, signer.right);
    if (E.isLeft(envelope)) return fail(ExitCode.rejected, messageOf(envelope.left));
    const receipts = await ledger.ingest([{ envelope: envelope.right }]);
    if (E.isLeft(receipts))
      return fail(receipts.left._tag === 'Unavailable' ? ExitCode.unavailable : ExitCode.rejected, messageOf(receipts.left));
    await appendTreeHeadLine(file, { treeHead: head.right.treeHead, signature: head.right.signature } as SignedTreeHead);
    const r = receipts.right[0]!;
    return { eventId: r.id, position: r.position.toString(), size, root };
  } finally {
    await ledger.close();
  }
}
