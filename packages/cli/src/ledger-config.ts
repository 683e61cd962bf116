// The store's own settings, in `<store>/ledger.json` (for a Postgres or EventStoreDB store, in the
// local folder beside the signers: CAIRN_KEYS or ./.cairn). Today it holds the ledger's size
// limits: `{ "limits": { "source": 4096 } }`, written by `cairn init --limit source=4096` or by
// hand, read by every command that appends.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { parseStrictJson } from '@cairn/core';
import { describeLimitSettingError, resolveLimits, type LimitSettings, type SizeLimits } from '@cairn/sdk';
import { ExitCode } from './exit-codes.js';
import { fail, usage } from './fail.js';

export const LEDGER_CONFIG_FILE = 'ledger.json';

export interface LedgerConfig {
  readonly limits: LimitSettings;
}

export function ledgerConfigPath(localDir: string): string {
  return path.join(localDir, LEDGER_CONFIG_FILE);
}

/** The config in `localDir`, or an empty one when there is none; a file the ledger cannot take fails with its path. */
export async function readLedgerConfig(localDir: string): Promise<LedgerConfig> {
  const file = ledgerConfigPath(localDir);
  if (!existsSync(file)) return { limits: {} };
  const parsed = parseStrictJson(await readFile(file, 'utf8'));
  if (E.isLeft(parsed)) fail(ExitCode.usage, `${file}: not JSON (${parsed.left.reason})`);
  const value = parsed.right as { limits?: unknown } | null;
  const limits = value !== null && typeof value === 'object' && !Array.isArray(value) ? value.limits ?? {} : undefined;
  if (limits === undefined || limits === null || typeof limits !== 'object' || Array.isArray(limits)) fail(ExitCode.usage, `${file}: expected {"limits": {"<name>": <bytes>, ...}}`);
  const resolved = resolveLimits(limits as Record<string, unknown>);
  if (E.isLeft(resolved)) fail(ExitCode.usage, `${file}: ${describeLimitSettingError(resolved.left)}`);
  return { limits: limits as LimitSettings };
}

/** `--limit source=4096` (repeatable) as settings, each checked against the hard caps. */
export function parseLimitOptions(options: readonly string[]): LimitSettings {
  const settings: Record<string, number> = {};
  for (const option of options) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(option.trim());
    if (match === null) return usage('--limit', `expected NAME=BYTES (e.g. source=4096), got ${JSON.stringify(option)}`);
    settings[match[1]!] = Number(match[2]);
  }
  const resolved = resolveLimits(settings);
  if (E.isLeft(resolved)) usage('--limit', describeLimitSettingError(resolved.left));
  return settings;
}

/** Lays `settings` over the config in `localDir` and writes it back. */
export async function writeLimits(localDir: string, settings: LimitSettings): Promise<void> {
  const current = await readLedgerConfig(localDir);
  const next: LedgerConfig = { ...current, limits: { ...current.limits, ...settings } };
  await mkdir(localDir, { recursive: true });
  await writeFile(ledgerConfigPath(localDir), `${JSON.stringify(next, null, 2)}\n`);
}

/** The limits a session's ledger holds: the defaults with the config laid over them. */
export function effectiveLimits(config: LedgerConfig): SizeLimits {
  const resolved = resolveLimits(config.limits);
  // readLedgerConfig has already refused a config that does not resolve.
  if (E.isLeft(resolved)) throw new Error(describeLimitSettingError(resolved.left));
  return resolved.right;
}
