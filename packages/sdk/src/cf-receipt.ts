// The receipt of a contribution. A CF's id is the id of the event that contributed it, so the
// receipt of a SampleContributed, LabelContributed or ValidationContributed names a CfId.
import type * as E from 'fp-ts/lib/Either.js';
import type { CfId } from '@cairn/schemas';
import type { Receipt } from './ingest/ingest-batch.js';

export interface CfReceipt extends Receipt {
  /** The CF's id (its event id). */
  readonly id: CfId;
}

/** Receipts of appends that were contributions (the callers append nothing else). */
export const asCfReceipt = <TError>(appended: E.Either<TError, Receipt>): E.Either<TError, CfReceipt> =>
  appended as E.Either<TError, CfReceipt>;
export const asCfReceipts = <TError>(appended: E.Either<TError, readonly Receipt[]>): E.Either<TError, CfReceipt[]> =>
  appended as E.Either<TError, CfReceipt[]>;
