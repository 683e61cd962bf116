// The store's own settings (`<store>/ledger.json`, or beside the signers for a server store) are
// @cairn/client's; these wrappers turn its errors into usage failures for the commands.
import * as E from 'fp-ts/lib/Either.js';
import { parseLimitSettings, readLedgerConfig as readIn, writeLimits as writeIn, type LedgerConfig } from '@cairn/client';
import type { LimitSettings } from '@cairn/sdk';
import { ExitCode } from './exit-codes.js';
import { fail, usage } from './fail.js';

export { LEDGER_CONFIG_FILE, ledgerConfigPath, effectiveLimits, type LedgerConfig } from '@cairn/client';

/** The config in `localDir`, or an empty one when there is none; a file the ledger cannot take fails with its path. */
export async function readLedgerConfig(localDir: string): Promise<LedgerConfig> {
  const config = await readIn(localDir);
  if (E.isLeft(config)) return fail(ExitCode.usage, config.left.message);
  return config.right;
}

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
