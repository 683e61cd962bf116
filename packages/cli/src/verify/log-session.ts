// The store opened for its log alone: what `cairn verify --log-only` and `--since` read. Neither
// looks at the projection tables, and starting the projections' database (and the rest of a
// full session) is a fixed cost that would have been most of a small store's verify. The store
// is locked as a full session locks it, and the same failures say the same things.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openLedger, type Ledger } from '@cairn/sdk';
import { storeInUse } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf } from '../fail.js';
import { openKeyring, type Keyring } from '../keyring.js';
import { localDirOf, locationOf, type GlobalOptions } from '../session.js';
import { storeLockOptions } from '../store-lock.js';

export interface LogSession {
  readonly ledger: Ledger;
  /** Where signers, sample blobs and sample keys live (the store folder, or CAIRN_KEYS). */
  readonly localDir: string;
  readonly keyring: Keyring;
  readonly json: boolean;
}

/** Runs `body` with the store's ledger open (no projections) and always closes it. */
export async function withLogSession<T>(options: GlobalOptions, body: (session: LogSession) => Promise<T>): Promise<T> {
  const location = locationOf(options);
  const localDir = localDirOf(location);
  if (location.kind === 'embedded' && !existsSync(path.join(location.dir, 'log')))
    fail(ExitCode.unavailable, `no Cairn ledger in ${location.dir} (run \`cairn init\` there, or give --store / CAIRN_STORE)`);
  let ledger: Ledger;
  try {
    ledger = await openLedger(
      location.kind === 'embedded'
        ? { dir: location.dir, verifyWorkers: 0, lock: storeLockOptions() }
        : location.kind === 'postgres'
          ? { dir: localDir, postgres: location.url, verifyWorkers: 0 }
          : { dir: localDir, esdb: location.url, verifyWorkers: 0 },
    );
  } catch (cause) {
    const inUse = storeInUse(cause);
    return fail(ExitCode.unavailable, inUse?.message ?? `the store could not be opened: ${messageOf(cause)}`);
  }
  try {
    return await body({ ledger, localDir, keyring: openKeyring(path.join(localDir, 'signers')), json: options.json === true });
  } finally {
    await ledger.close();
  }
}
