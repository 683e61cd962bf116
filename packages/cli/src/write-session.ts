// The writes a command makes to a store it may reach over HTTP: a local store's ledger, or, for
// `--store http(s)://…`, the server's (openLedger({ url })): each event is signed here with a
// signer of the local keyring (CAIRN_KEYS, default ./.cairn) and only the signed envelope is sent.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_STORE_DIR, openRemoteCairn, remoteLocationOf, usageError, type Cairn } from '@cairn/client';
import { isSha256Hex } from '@cairn/core';
import { openLedger, type LedgerWrites } from '@cairn/sdk';
import { ExitCode } from './exit-codes.js';
import { fail } from './fail.js';
import { openKeyring, type Keyring } from './keyring.js';
import { readerOf, serverUrlOf } from './read-session.js';
import { cfArg, withSession, type GlobalOptions, type Session } from './session.js';

export interface WriteSession {
  readonly ledger: LedgerWrites;
  readonly keyring: Keyring;
  readonly json: boolean;
  /** The full CF id an argument names (a local store also takes a unique prefix). */
  cf(text: string, field?: string): Promise<string>;
  /** The datasets re-assembled because of an amendment or supersession, once the projections have it. */
  replacementOutcomes: Cairn['replacementOutcomes'];
  /** What the build request `eventId` of `dataset` cut, once the projections have it. */
  buildResult: Cairn['buildResult'];
  /** People's names of ids (contributors, sources), as the store or server has them. */
  labels: Cairn['labels'];
  /** Where a stream the log holds began (a dataset name defined before), when the store can say. */
  streamStart(stream: string): Promise<bigint | null>;
}

/** A local session's writes, with the reads a write command answers from once the projections have caught up. */
export function writesOf(session: Session): WriteSession {
  return {
    ledger: session.ledger,
    keyring: session.keyring,
    json: session.json,
    cf: (text, field) => cfArg(session, text, field),
    replacementOutcomes: async (cfId) => {
      await session.catchUp();
      return session.cairn.replacementOutcomes(cfId);
    },
    buildResult: async (dataset, eventId) => {
      await session.catchUp();
      return session.cairn.buildResult(dataset, eventId);
    },
    labels: async (ids) => {
      await session.catchUp();
      return session.cairn.labels(ids);
    },
    streamStart: async (stream) => {
      const first = await session.ledger.log.readStream(stream, { limit: 1 });
      return E.isRight(first) ? (first.right[0]?.position ?? null) : null;
    },
  };
}

/** Runs `body` with the store's writes, remote or local, and always closes what it opened. */
export async function withWrites<T>(options: GlobalOptions, body: (session: WriteSession) => Promise<T>): Promise<T> {
  const url = serverUrlOf(options);
  if (url === undefined) return withSession(options, (session) => body(writesOf(session)));
  const location = remoteLocationOf(url, options.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const ledger = await openLedger({ url: location.right.url });
  // Signed as the writer: a server that keeps metadata private answers only signed reads.
  const reader = await readerOf(options);
  const reads = openRemoteCairn(location.right, reader === undefined ? {} : { signer: reader });
  try {
    return await body({
      ledger,
      keyring: openKeyring(path.join(process.env.CAIRN_KEYS ?? DEFAULT_STORE_DIR, 'signers')),
      json: options.json === true,
      cf: async (text, field = 'CF') => {
        if (isSha256Hex(text)) return text;
        return fail(ExitCode.usage, usageError(field, 'give the full CF id (64 lowercase hex) when writing to a server').message);
      },
      // The server answers a write once its projections hold it.
      replacementOutcomes: (cfId) => reads.replacementOutcomes(cfId),
      buildResult: (dataset, eventId) => reads.buildResult(dataset, eventId),
      labels: (ids) => reads.labels(ids),
      // The server's log is not read here: the refusal names the stream without its position.
      streamStart: async () => null,
    });
  } finally {
    await ledger.close();
  }
}
