// The store's own settings (`<store>/ledger.json`, or beside the signers for a server store) are
// @cairn/client's; these wrappers turn its errors into usage failures for the commands.
import * as E from 'fp-ts/lib/Either.js';
import { parseLimitSettings, writeLimits as writeIn } from '@cairn/client';
import type { LimitSettings } from '@cairn/sdk';
import { ExitCode } from './exit-codes.js';
import { fail, usage } from './fail.js';

/** `--limit source=4096` (repeatable) as settings, each checked against the hard caps. */
export function parseLimitOptions(options: readonly string[]): LimitSettings {
  const settings = parseLimitSettings(options, '--limit');
  if (E.isLeft(settings)) return usage(settings.left.field, settings.left.reason);
  return settings.right;
}

/** Lays `settings` over the config in `localDir` and writes it back. */
export async function writeLimits(localDir: string, settings: LimitSettings): Promise<void> {
  const written = await writeIn(localDir, settings);
  if (E.isLeft(written)) fail(ExitCode.usage, written.left.message);
}
