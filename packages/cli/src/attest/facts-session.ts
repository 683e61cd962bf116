// The training side's commands (record-run, record-gradients, attribute, passport, attest,
// record-keeping, contamination) over a local store or a server: the client's RunFacts for what
// they read and store, and the store's writes (each event signed here with the local keyring).
import * as E from 'fp-ts/lib/Either.js';
import { localRunFacts, openRemoteRuns, remoteLocationOf, type RunFacts } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail } from '../fail.js';
import { readerOf, serverUrlOf } from '../read-session.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withWrites, writesOf, type WriteSession } from '../write-session.js';

export interface FactsSession {
  readonly facts: RunFacts;
  readonly writes: WriteSession;
  readonly json: boolean;
  /** Brings a local store's projections up to the head (a server answers a write once they are). */
  catchUp(): Promise<void>;
}

export async function withRunFacts<T>(options: GlobalOptions, body: (session: FactsSession) => Promise<T>): Promise<T> {
  const url = serverUrlOf(options);
  if (url === undefined)
    return withSession(options, async (session) => {
      await session.catchUp();
      return body({ facts: localRunFacts(session.cairn), writes: writesOf(session), json: session.json, catchUp: session.catchUp });
    });
  const location = remoteLocationOf(url, options.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const reader = await readerOf(options);
  const facts = openRemoteRuns(location.right, reader === undefined ? {} : { signer: reader });
  return withWrites(options, (writes) => body({ facts, writes, json: writes.json, catchUp: async () => undefined }));
}
