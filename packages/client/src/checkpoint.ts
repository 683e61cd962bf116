// A log checkpoint: the Merkle root over every event's leaf (id ‖ signature) as the log is now,
// signed by a contributor and appended to the log as LogCheckpointed, so later readers can hold
// the log to it from inside the log itself.
import * as E from 'fp-ts/lib/Either.js';
import type { Ledger, LedgerError, Signer } from '@cairn/sdk';
import { errorText } from './error-text.js';
import { logLeaves, type LogReadError } from './tree-head.js';

export interface CheckpointAnswer {
  readonly eventId: string;
  readonly position: string;
  readonly size: number;
  readonly root: string;
}

export type CheckpointError = LogReadError | { readonly _tag: 'CheckpointRefused'; readonly cause: LedgerError; readonly message: string };

const refused = (cause: LedgerError): CheckpointError => ({ _tag: 'CheckpointRefused', cause, message: errorText(cause) });

export async function appendLogCheckpoint(ledger: Ledger, signer: Signer): Promise<E.Either<CheckpointError, CheckpointAnswer>> {
  const read = await logLeaves(ledger.log);
  if (E.isLeft(read)) return read;
  const { leaves } = read.right;
  const payload = { size: leaves.size, root: leaves.rootOf(leaves.size), timestamp: new Date().toISOString() };
  const envelope = ledger.sign('LogCheckpointed', payload, signer);
  if (E.isLeft(envelope)) return E.left(refused(envelope.left));
  const receipts = await ledger.ingest([{ envelope: envelope.right }]);
  if (E.isLeft(receipts)) return E.left(refused(receipts.left));
  const r = receipts.right[0]!;
  return E.right({ eventId: r.id, position: r.position.toString(), size: payload.size, root: payload.root });
}
