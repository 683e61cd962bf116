// The store's own settings, in `<store>/ledger.json` (for a Postgres or EventStoreDB store, in the
// local folder beside the signers: CAIRN_KEYS or ./.cairn). Today it holds the ledger's size
// limits: `{ "limits": { "source": 4096 } }`, written by `cairn init --limit source=4096` or by
// hand, read by every open.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { parseStrictJson } from '@cairn/core';
import { describeLimitSettingError, resolveLimits, type LimitSettings, type SizeLimits } from '@cairn/sdk';
import { usageError, type LedgerConfigInvalid, type UsageError } from './errors.js';

export const LEDGER_CONFIG_FILE = 'ledger.json';

export interface LedgerConfig {
  readonly limits: LimitSettings;
}

export function ledgerConfigPath(localDir: string): string {
  return path.join(localDir, LEDGER_CONFIG_FILE);
}

const invalid = (file: string, reason: string): E.Either<LedgerConfigInvalid, never> =>
  E.left({ _tag: 'LedgerConfigInvalid', file, reason, message: `${file}: ${reason}` });

/** The config in `localDir`, or an empty one when there is none; a file the ledger cannot take is an error naming its path. */
export async function readLedgerConfig(localDir: string): Promise<E.Either<LedgerConfigInvalid, LedgerConfig>> {
  const file = ledgerConfigPath(localDir);
  if (!existsSync(file)) return E.right({ limits: {} });
  const parsed = parseStrictJson(await readFile(file, 'utf8'));
  if (E.isLeft(parsed)) return invalid(file, `not JSON (${parsed.left.reason})`);
  const value = parsed.right as { limits?: unknown } | null;
  const limits = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value.limits ?? {}) : undefined;
  if (limits === undefined || limits === null || typeof limits !== 'object' || Array.isArray(limits))
    return invalid(file, 'expected {"limits": {"<name>": <bytes>, ...}}');
  const resolved = resolveLimits(limits as Record<string, unknown>);
  if (E.isLeft(resolved)) return invalid(file, describeLimitSettingError(resolved.left));
  return E.right({ limits: limits as LimitSettings });
}

/** `NAME=BYTES` settings (e.g. `--limit source=4096`, repeatable), each checked against the hard caps. */
export function parseLimitSettings(options: readonly string[], field = '--limit'): E.Either<UsageError, LimitSettings> {
  const settings: Record<string, number> = {};
  for (const option of options) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(option.trim());
    if (match === null) return E.left(usageError(field, `expected NAME=BYTES (e.g. source=4096), got ${JSON.stringify(option)}`));
    settings[match[1]!] = Number(match[2]);
  }
  const resolved = resolveLimits(settings);
  if (E.isLeft(resolved)) return E.left(usageError(field, describeLimitSettingError(resolved.left)));
  return E.right(settings);
}

/** Lays `settings` over the config in `localDir` and writes it back. */
export async function writeLimits(localDir: string, settings: LimitSettings): Promise<E.Either<LedgerConfigInvalid, void>> {
  const current = await readLedgerConfig(localDir);
  if (E.isLeft(current)) return current;
  const next: LedgerConfig = { ...current.right, limits: { ...current.right.limits, ...settings } };
  await mkdir(localDir, { recursive: true });
  await writeFile(ledgerConfigPath(localDir), `${JSON.stringify(next, null, 2)}\n`);
  return E.right(undefined);
}

/** The limits a ledger holds: the defaults with the config laid over them. */
export function effectiveLimits(config: LedgerConfig): SizeLimits {
  const resolved = resolveLimits(config.limits);
  // readLedgerConfig has already refused a config that does not resolve.
  if (E.isLeft(resolved)) throw new Error(describeLimitSettingError(resolved.left));
  return resolved.right;
}
