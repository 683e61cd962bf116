// The CLI's local keyring: one file per named signer (<folder>/NAME.json, mode 0600) with the
// secret key it signs with now and its contributor id. Secret keys never enter the log.
import { chmod, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { fromHex } from '@cairn/core';
import type { Signer } from '@cairn/sdk';
import { usage } from './fail.js';
import { readJsonFile } from './files.js';

export interface KeyringEntry {
  readonly name: string;
  readonly contributorId: string;
  /** Current secret key, 64 lowercase hex (RFC 8032 seed). */
  readonly secretKey: string;
  readonly publicKey: string;
  /** Keys this signer held before, oldest first (public halves only). */
  readonly previousKeys: readonly string[];
  readonly revoked: boolean;
}

export interface KeyringError {
  readonly _tag: 'SignerNotFound' | 'SignerExists' | 'UsageError';
  readonly field: string;
  readonly reason: string;
  readonly message: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Keyring {
  readonly folder: string;
  get(name: string): Promise<E.Either<KeyringError, KeyringEntry>>;
  signer(name: string): Promise<E.Either<KeyringError, Signer>>;
  put(entry: KeyringEntry, options: { readonly create: boolean }): Promise<E.Either<KeyringError, KeyringEntry>>;
  list(): Promise<readonly KeyringEntry[]>;
}

export function checkSignerName(name: string): E.Either<KeyringError, string> {
  return NAME.test(name)
    ? E.right(name)
    : E.left({
        _tag: 'UsageError',
        field: 'NAME',
        reason: 'letters, digits, . _ - (at most 64)',
        message: `signer name ${JSON.stringify(name)}: use letters, digits, . _ - (at most 64)`,
      });
}

export function openKeyring(folder: string): Keyring {
  const file = (name: string) => path.join(folder, `${name}.json`);
  const read = async (name: string): Promise<KeyringEntry | undefined> => {
    let value: unknown;
    try {
      value = await readJsonFile(file(name));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if ((cause as NodeJS.ErrnoException).code !== undefined) throw cause;
      // A key file edited by hand or cut short is named with the reason, not left to a parser's
      // exception; read leniently, a bad byte in a contributor id would be signed as U+FFFD.
      return usage(file(name), `not a readable key file (${cause instanceof Error ? cause.message : String(cause)})`);
    }
    const problem = entryProblem(value);
    return problem === undefined ? (value as KeyringEntry) : usage(file(name), `not a key file of the keyring (${problem})`);
  };
  const get: Keyring['get'] = async (name) => {
    const checked = checkSignerName(name);
    if (E.isLeft(checked)) return checked;
    const entry = await read(name);
    return entry === undefined
      ? E.left({
          _tag: 'SignerNotFound',
          field: 'NAME',
          reason: 'no such signer',
          message: `no signer named ${JSON.stringify(name)} in ${folder} (cairn keys new ${name})`,
        })
      : E.right(entry);
  };
  return {
    folder,
    get,
    signer: async (name) => E.map((e: KeyringEntry) => ({ contributorId: e.contributorId, secretKey: secretKeyOf(e) }))(await get(name)),
    put: async (entry, options) => {
      const checked = checkSignerName(entry.name);
      if (E.isLeft(checked)) return checked;
      if (options.create && (await read(entry.name)) !== undefined)
        return E.left({
          _tag: 'SignerExists',
          field: 'NAME',
          reason: 'already in the keyring',
          message: `a signer named ${JSON.stringify(entry.name)} already exists in ${folder}`,
        });
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Written whole then renamed, so a crash never leaves a half-written secret key.
      const tmp = `${file(entry.name)}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, file(entry.name));
      return E.right(entry);
    },
    list: async () => {
      let names: string[];
      try {
        names = (await readdir(folder)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
      } catch {
        return [];
      }
      const entries = await Promise.all(names.sort().map(read));
      return entries.filter((e): e is KeyringEntry => e !== undefined);
    },
  };
}

/** What a key file lacks that signing needs, in words; undefined when it has it all. */
function entryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const entry = value as Record<string, unknown>;
  for (const field of ['name', 'contributorId', 'publicKey'] as const)
    if (typeof entry[field] !== 'string') return `${field}: expected a string`;
  if (typeof entry.secretKey !== 'string' || !/^[0-9a-f]{64}$/.test(entry.secretKey))
    return 'secretKey: expected 64 lowercase hex characters';
  return undefined;
}

function secretKeyOf(entry: KeyringEntry): Uint8Array {
  const key = fromHex(entry.secretKey);
  if (E.isLeft(key) || key.right.length !== 32) throw new Error(`keyring entry ${entry.name}: secretKey is not 32 bytes of hex`);
  return key.right;
}
