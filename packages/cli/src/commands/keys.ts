// cairn keys new|list|rotate|revoke: named signers in the local keyring, registered in the log.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { generateSigningKey, toHex } from '@cairn/core';
import { publicKeyHexOf, type KeyRevocationReason, type LedgerWrites } from '@cairn/sdk';
import { contributorStanding, openRemoteCairn, remoteLocationOf, type ContributorStanding, type ReadError } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import { emit, table } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import type { Keyring, KeyringEntry } from '../keyring.js';
import { readerOf, serverUrlOf } from '../read-session.js';
import { withWrites } from '../write-session.js';
import { globalsOf } from './common.js';

export interface KeyJson {
  readonly name: string;
  readonly contributorId: string;
  readonly publicKey: string;
  readonly state: 'active' | 'revoked' | 'unregistered';
  /** Roles held now, implied ones included ("admin", "curator", "reader", "maintainer:corpus"). */
  readonly roles: readonly string[];
  readonly position?: string;
}

/**
 * Where keys are kept and registered: a local store's ledger and keyring, or over HTTP the
 * server's ledger (each event signed here) and the keyring of CAIRN_KEYS: secret keys never leave
 * this machine.
 */
interface KeyStore {
  readonly ledger: Pick<LedgerWrites, 'contributors'>;
  readonly keyring: Keyring;
  readonly json: boolean;
  /** Where a contributor stands now, as the store's ledger has it. */
  standing(contributorId: string): Promise<E.Either<ReadError | { readonly _tag: string }, ContributorStanding | undefined>>;
}

async function withKeyStore(options: GlobalOptions, body: (store: KeyStore) => Promise<void>): Promise<void> {
  const url = serverUrlOf(options);
  if (url === undefined)
    return withSession(options, (session) => body({ ...session, standing: (id) => contributorStanding(session.ledger.contributors, id) }));
  const location = remoteLocationOf(url, options.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const reader = await readerOf(options);
  const remote = openRemoteCairn(location.right, reader === undefined ? {} : { signer: reader });
  return withWrites(options, (w) =>
    body({ ledger: w.ledger, keyring: w.keyring, json: w.json, standing: (id) => remote.contributorStanding(id) }),
  );
}

/** Registers a brand-new named signer (also used by the demo). */
export async function newKey(session: Pick<KeyStore, 'ledger' | 'keyring'>, name: string): Promise<KeyJson> {
  const existing = await session.keyring.get(name);
  if (E.isRight(existing)) fail(ExitCode.rejected, `a signer named ${JSON.stringify(name)} already exists in ${session.keyring.folder}`);
  if (existing.left._tag === 'UsageError') fail(ExitCode.usage, existing.left.message);
  const secretKey = generateSigningKey();
  const signer = orFail(await session.ledger.contributors.register(secretKey, { name }), messageOf);
  const entry: KeyringEntry = {
    name,
    contributorId: signer.contributorId,
    secretKey: toHex(secretKey),
    publicKey: publicKeyHexOf(secretKey),
    previousKeys: [],
    revoked: false,
  };
  orFail(await session.keyring.put(entry, { create: true }), (e) => e.message);
  return {
    name,
    contributorId: entry.contributorId,
    publicKey: entry.publicKey,
    state: 'active',
    roles: [],
    position: signer.receipt.position.toString(),
  };
}

const REVOCATION_REASONS: readonly KeyRevocationReason[] = ['compromised', 'retired', 'lost', 'other'];

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('named signers: a local keyring (<store>/signers, or CAIRN_KEYS) registered in the log');

  keys
    .command('new <name>')
    .description('make a new Ed25519 key, register the contributor in the log, keep the secret key in the keyring (0600)')
    .action(async (name: string, _opts, command: Command) => {
      await withKeyStore(globalsOf(command), async (session) => {
        const k = await newKey(session, name);
        emit(k, { json: session.json }, (x) => `signer ${x.name} registered\ncontributor ${x.contributorId}\npublic key  ${x.publicKey}`);
      });
    });

  keys
    .command('list')
    .description('the signers in the keyring and their state in the log')
    .action(async (_opts, command: Command) => {
      await withKeyStore(globalsOf(command), async (session) => {
        const rows: KeyJson[] = [];
        for (const entry of await session.keyring.list()) {
          const standing = orFail(await session.standing(entry.contributorId), messageOf);
          rows.push({
            name: entry.name,
            contributorId: entry.contributorId,
            publicKey: entry.publicKey,
            state: standing === undefined ? 'unregistered' : standing.publicKey === entry.publicKey ? 'active' : 'revoked',
            roles: standing === undefined ? [] : standing.roles,
          });
        }
        emit({ signers: rows }, { json: session.json }, (x) =>
          x.signers.length === 0
            ? 'no signers yet (cairn keys new NAME)'
            : table(
                ['name', 'contributor', 'state', 'roles'],
                x.signers.map((s) => [s.name, s.contributorId, s.state, s.roles.join(',') || '-']),
              ),
        );
      });
    });

  keys
    .command('rotate <name>')
    .description('move the signer to a fresh key; the rotation is signed by the old key')
    .action(async (name: string, _opts, command: Command) => {
      await withKeyStore(globalsOf(command), async (session) => {
        const entry = orFail(await session.keyring.get(name), (e) => e.message);
        const signer = orFail(await session.keyring.signer(name), (e) => e.message);
        const secretKey = generateSigningKey();
        const rotated = orFail(await session.ledger.contributors.rotateKey(signer, secretKey), messageOf);
        const next: KeyringEntry = {
          ...entry,
          secretKey: toHex(secretKey),
          publicKey: publicKeyHexOf(secretKey),
          previousKeys: [...entry.previousKeys, entry.publicKey],
        };
        orFail(await session.keyring.put(next, { create: false }), (e) => e.message);
        const k: KeyJson = {
          name,
          contributorId: entry.contributorId,
          publicKey: next.publicKey,
          state: 'active',
          roles: [],
          position: rotated.receipt.position.toString(),
        };
        emit(k, { json: session.json }, (x) => `signer ${x.name} rotated to ${x.publicKey} at position ${x.position}`);
      });
    });

  keys
    .command('revoke <name>')
    .description("revoke the signer's current key: it signs nothing new (earlier events stay valid)")
    .option('--reason <reason>', `one of ${REVOCATION_REASONS.join(', ')}`, 'retired')
    .option('--note <text>', 'a note kept in the log')
    .action(async (name: string, opts: { reason: string; note?: string }, command: Command) => {
      if (!REVOCATION_REASONS.includes(opts.reason as KeyRevocationReason))
        fail(ExitCode.usage, `--reason: expected one of ${REVOCATION_REASONS.join(', ')}`);
      await withKeyStore(globalsOf(command), async (session) => {
        const entry = orFail(await session.keyring.get(name), (e) => e.message);
        const signer = orFail(await session.keyring.signer(name), (e) => e.message);
        const receipt = orFail(
          await session.ledger.contributors.revokeKey(signer, {
            reason: opts.reason as KeyRevocationReason,
            ...(opts.note ? { note: opts.note } : {}),
          }),
          messageOf,
        );
        orFail(await session.keyring.put({ ...entry, revoked: true }, { create: false }), (e) => e.message);
        const k: KeyJson = {
          name,
          contributorId: entry.contributorId,
          publicKey: entry.publicKey,
          state: 'revoked',
          roles: [],
          position: receipt.position.toString(),
        };
        emit(k, { json: session.json }, (x) => `signer ${x.name}: key ${x.publicKey} revoked at position ${x.position}`);
      });
    });
}
