// The reads a command asks of a store it may reach over HTTP: a local store opens as a session
// (its Cairn), `--store http(s)://…` as the server's remote Cairn, which opens nothing locally.
// A command written against ReadSession answers the same way from either.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { RequestSigner } from '@cairn/core';
import {
  DEFAULT_STORE_DIR,
  isServerUrl,
  openRemoteCairn,
  remoteLocationOf,
  statusDocument,
  type ReadError,
  type RemoteCairn,
  type SharedReads,
  type StatusDocument,
  type StatusUnavailable,
} from '@cairn/client';
import { ExitCode } from './exit-codes.js';
import { fail, orFail } from './fail.js';
import { openKeyring } from './keyring.js';
import { withSession, type GlobalOptions } from './session.js';

/** What both a local Cairn and a remote one answer. */
export type Reads = SharedReads;

export interface ReadSession {
  readonly cairn: Reads;
  readonly json: boolean;
  /** The server it reads, when remote. */
  readonly remote: RemoteCairn | undefined;
  /** The document `cairn status` prints. */
  statusDocument(): Promise<E.Either<StatusUnavailable | ReadError, StatusDocument>>;
  /** Brings a local store's projections up to the head (a server keeps its own caught up). */
  catchUp(): Promise<void>;
}

/** The server URL --store / CAIRN_STORE names, if it names one. */
export function serverUrlOf(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const store = options.store ?? env.CAIRN_STORE;
  return isServerUrl(store) ? store : undefined;
}

/** Runs `body` over the store's reads, remote or local, and always closes what it opened. */
export async function withReads<T>(options: GlobalOptions, body: (session: ReadSession) => Promise<T>): Promise<T> {
  const url = serverUrlOf(options);
  if (url === undefined)
    return withSession(options, (session) =>
      body({
        cairn: session.cairn,
        json: session.json,
        remote: undefined,
        statusDocument: () => statusDocument(session.cairn),
        catchUp: session.catchUp,
      }),
    );
  const location = remoteLocationOf(url, options.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const signer = await readerOf(options);
  const remote = openRemoteCairn(location.right, signer === undefined ? {} : { signer });
  try {
    return await body({
      cairn: remote,
      json: options.json === true,
      remote,
      statusDocument: () => remote.statusDocument(),
      catchUp: async () => undefined,
    });
  } finally {
    await remote.close();
  }
}

/**
 * Who signs reads over HTTP: --as (or CAIRN_AS), else the keyring's only signer, else nobody. A
 * server whose lineage metadata is public ignores the signature; a private one answers only
 * signed reads, and an unsigned read it refuses tells the user to pass --as.
 */
export async function readerOf(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<RequestSigner | undefined> {
  const keyring = openKeyring(path.join(env.CAIRN_KEYS ?? DEFAULT_STORE_DIR, 'signers'));
  const name = options.as ?? (env.CAIRN_AS === '' ? undefined : env.CAIRN_AS);
  if (name !== undefined) return orFail(await keyring.signer(name), (e) => `--as: ${e.message}`);
  const all = await keyring.list();
  return all.length === 1 ? orFail(await keyring.signer(all[0]!.name), (e) => e.message) : undefined;
}
