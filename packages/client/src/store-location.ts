// Where the ledger lives, from --store / CAIRN_STORE: a folder (the embedded default), a
// postgres:// URL (log and projections on one server), or an esdb:// URL for the log with
// --projections postgres://... for the projections.
import * as E from 'fp-ts/lib/Either.js';
import { usageError, type UsageError } from './errors.js';

export type StoreLocation =
  | { readonly kind: 'embedded'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'esdb'; readonly url: string; readonly projections: string };

/** The environment the resolution reads (CAIRN_STORE, CAIRN_PROJECTIONS, CAIRN_KEYS); passed in, never read here. */
export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_STORE_DIR = './.cairn';

export function resolveStoreLocation(
  store: string | undefined,
  projections: string | undefined,
  env: Env,
): E.Either<UsageError, StoreLocation> {
  const value = store ?? env.CAIRN_STORE ?? DEFAULT_STORE_DIR;
  const field = store !== undefined ? '--store' : env.CAIRN_STORE !== undefined ? 'CAIRN_STORE' : '--store';
  if (/^postgres(ql)?:\/\//.test(value)) return E.right({ kind: 'postgres', url: value });
  if (/^(esdb|kurrentdb)(\+discover)?:\/\//.test(value)) {
    const p = projections ?? env.CAIRN_PROJECTIONS;
    if (p === undefined || !/^postgres(ql)?:\/\//.test(p))
      return E.left(
        usageError(
          '--projections',
          'an esdb:// store keeps only the log; give --projections postgres://... (or CAIRN_PROJECTIONS) for the projections',
        ),
      );
    return E.right({ kind: 'esdb', url: value, projections: p });
  }
  if (/^https?:\/\//i.test(value))
    return E.left(
      usageError(
        field,
        `${value} is a Cairn server, not a store to open: read it with openRemoteCairn, write to it with openLedger({ url })`,
      ),
    );
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return E.left(usageError(field, `unsupported store URL scheme in "${value}"; use a folder, postgres:// or esdb://`));
  return E.right({ kind: 'embedded', dir: value });
}

/** Where signers, sample blobs, sample keys and ledger.json live: the store folder, or CAIRN_KEYS (default ./.cairn) beside a server store. */
export function localDirOf(location: StoreLocation, env: Env): string {
  return location.kind === 'embedded' ? location.dir : (env.CAIRN_KEYS ?? DEFAULT_STORE_DIR);
}
