// How a command waits for an embedded store another process holds: @cairn/client's lock options
// (CAIRN_LOCK_TIMEOUT seconds, default 30), saying once on stderr whom it waits for.
import * as E from 'fp-ts/lib/Either.js';
import { storeLockOptions as lockOptionsIn, type FolderLockOptions } from '@cairn/client';
import { usage } from './fail.js';

export function storeLockOptions(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): FolderLockOptions {
  const options = lockOptionsIn(env, {
    command: ['cairn', ...argv.slice(2)].join(' '),
    onWait: (message) => process.stderr.write(`${message}\n`),
  });
  if (E.isLeft(options)) return usage(options.left.field, options.left.reason);
  return options.right;
}
