// The nonces a server has accepted signed requests with, kept in the store it serves (the table is
// @cairn/projector's), so replay protection outlives the process and is shared by every server
// process over one Postgres store.
import * as E from 'fp-ts/lib/Either.js';
import { forgetRequestNonces, migrateRequestNonces, spendRequestNonce } from '@cairn/projector';
import type { Cairn } from './cairn.js';
import { errorText } from './error-text.js';

export interface RequestNonceTable {
  /**
   * The unix second since which the table holds every nonce spent: it goes when the projections'
   * database is dropped and rebuilt, so a request created before then may have been spent.
   */
  readonly since: number;
  /** True the first time `nonce` of `keyid` is spent, false when it was spent before (by any process). */
  spend(keyid: string, nonce: string, created: number): Promise<E.Either<RequestNoncesUnavailable, boolean>>;
  /** Forgets nonces created before `before` (unix seconds). */
  forget(before: number): Promise<E.Either<RequestNoncesUnavailable, void>>;
}

export interface RequestNoncesUnavailable {
  readonly _tag: 'RequestNoncesUnavailable';
  readonly message: string;
}

const unavailable = (cause: unknown): RequestNoncesUnavailable => ({
  _tag: 'RequestNoncesUnavailable',
  message: `the store's request nonces cannot be read: ${errorText(cause)}`,
});

/** The table of `cairn`'s store, made if missing. */
export async function openRequestNonces(
  cairn: Pick<Cairn, 'store'>,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<E.Either<RequestNoncesUnavailable, RequestNonceTable>> {
  const db = cairn.store.db;
  let since: number;
  try {
    since = await migrateRequestNonces(db, nowSeconds);
  } catch (cause) {
    return E.left(unavailable(cause));
  }
  return E.right({
    since,
    spend: async (keyid, nonce, created) => {
      try {
        return E.right(await spendRequestNonce(db, keyid, nonce, created));
      } catch (cause) {
        return E.left(unavailable(cause));
      }
    },
    forget: async (before) => {
      try {
        return E.right(await forgetRequestNonces(db, before));
      } catch (cause) {
        return E.left(unavailable(cause));
      }
    },
  });
}
