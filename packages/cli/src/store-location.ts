// Where the ledger lives, from --store / CAIRN_STORE: the resolution is @cairn/client's (pure,
// env passed in); the CLI resolves against the process environment.
import type * as E from 'fp-ts/lib/Either.js';
import { resolveStoreLocation as resolveIn, type StoreLocation, type UsageError } from '@cairn/client';

export { DEFAULT_STORE_DIR, type StoreLocation, type UsageError } from '@cairn/client';

export function resolveStoreLocation(
  store: string | undefined,
  projections: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): E.Either<UsageError, StoreLocation> {
  return resolveIn(store, projections, env);
}
