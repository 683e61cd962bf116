// Where the ledger lives, from --store / CAIRN_STORE: a folder (the embedded default), a
// postgres:// URL (log and projections on one server), or an esdb:// URL for the log with
// --projections postgres://... for the projections.
import * as E from 'fp-ts/lib/Either.js';

export type StoreLocation =
  | { readonly kind: 'embedded'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'esdb'; readonly url: string; readonly projections: string };

export interface UsageError {
  readonly _tag: 'UsageError';
  readonly field: string;
  readonly reason: string;
}

export const DEFAULT_STORE_DIR = './.cairn';

export function resolveStoreLocation(
  store: string | undefined,
  projections: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): E.Either<UsageError, StoreLocation> {
  const value = store ?? env.CAIRN_STORE ?? DEFAULT_STORE_DIR;
  const field = store !== undefined ? '--store' : env.CAIRN_STORE !== undefined ? 'CAIRN_STORE' : '--store';
  if (/^postgres(ql)?:\/\//.test(value)) return E.right({ kind: 'postgres', url: value });
  if (/^(esdb|kurrentdb)(\+discover)?:\/\//.test(value)) {
    const p = projections ?? env.CAIRN_PROJECTIONS;
    if (p === undefined || !/^postgres(ql)?:\/\//.test(p))
      return E.left({
        _tag: 'UsageError',
        field: '--projections',
        reason: 'an esdb:// store keeps only the log; give --projections postgres://... (or CAIRN_PROJECTIONS) for the projections',
      });
    return E.right({ kind: 'esdb', url: value, projections: p });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return E.left({ _tag: 'UsageError', field, reason: `unsupported store URL scheme in "${value}"; use a folder, postgres:// or esdb://` });
  return E.right({ kind: 'embedded', dir: value });
}
