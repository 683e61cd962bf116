// cairn tree-head: the ledger's signed tree head of the log as it is now (for a reader to
// remember and later hand to `verify --trusted-root` / `--trusted-heads`), with an RFC 6962
// consistency proof from an older size on request; `tree-head cosign`: a witness signs the
// store's latest head after checking the log extends it (a server's too: checked and signed here,
// kept there); `tree-head check FILE`: a consistency
// proof checked offline with core, no store needed.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { checkConsistency, fromHex } from '@cairn/core';
import { appendTreeHeadLine, TREE_HEADS_FILE } from '@cairn/sdk';
import type { TreeHeadCosignature } from '@cairn/schemas';
import {
  DEFAULT_STORE_DIR,
  latestTreeHead,
  logLeaves,
  openRemoteEventLog,
  witnessCosignature,
  type CosignRefused,
  type LogLeaves,
  type TreeHeadAnswer,
  type TreeHeadError,
} from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, usage } from '../fail.js';
import { emit } from '../output.js';
import { orFailRead, withSession, type GlobalOptions, type Session } from '../session.js';
import { readerOf, serverUrlOf, withReads } from '../read-session.js';
import { openKeyring, type Keyring } from '../keyring.js';
import { globalsOf } from './common.js';
import { readJsonFile } from '../files.js';

export type TreeHeadJson = TreeHeadAnswer;

const TREE_HEAD_EXIT: Record<TreeHeadError['_tag'], ExitCode> = {
  LogUnavailable: ExitCode.unavailable,
  MalformedEvent: ExitCode.checkFailed,
  LedgerKeyUnreadable: ExitCode.unavailable,
  LedgerKeyNotFound: ExitCode.notFound,
  UsageError: ExitCode.usage,
};

function orFailHead<T>(result: E.Either<TreeHeadError, T>): T {
  if (E.isRight(result)) return result.right;
  const e = result.left;
  // the argument is --from on this command line
  if (e._tag === 'UsageError') return usage('--from', e.reason);
  return fail(TREE_HEAD_EXIT[e._tag], e.message);
}

/** Every leaf of the log as it is now, and the position of its last event. */
async function leavesOfLog(session: Session): Promise<LogLeaves> {
  return orFailHead(await session.cairn.logLeaves());
}

/** The ledger's signed head of the log as it is now (remembered by the store); `from`: with a consistency proof. */
export async function currentTreeHead(session: Session, from?: number): Promise<TreeHeadJson> {
  return orFailHead(await session.cairn.treeHead(from));
}

/** The witness's secret key from the keyring (the key it cosigns with never leaves this machine). */
async function witnessSecret(keyring: Keyring, witnessName: string): Promise<Uint8Array> {
  const entry = await keyring.get(witnessName);
  if (E.isLeft(entry)) fail(entry.left._tag === 'SignerNotFound' ? ExitCode.notFound : ExitCode.usage, entry.left.message);
  const secret = fromHex(entry.right.secretKey, 32);
  if (E.isLeft(secret)) fail(ExitCode.unavailable, `keyring entry ${witnessName}: secretKey is not 32 bytes of hex`);
  return secret.right;
}

function orFailCosign<T>(result: E.Either<CosignRefused, T>): T {
  if (E.isRight(result)) return result.right;
  return fail(ExitCode.checkFailed, result.left.message);
}

/** A witness cosigns the store's latest head, once it has checked the ledger signed it and the log extends it. */
export async function cosignTreeHead(session: Session, witnessName: string): Promise<TreeHeadCosignature> {
  const secret = await witnessSecret(session.keyring, witnessName);
  const file = path.join(session.localDir, TREE_HEADS_FILE);
  const latest = await latestTreeHead(session.localDir);
  if (latest === undefined) fail(ExitCode.notFound, `no tree head in ${file} to cosign (cairn tree-head makes one)`);
  const { leaves } = await leavesOfLog(session);
  const cosignature = orFailCosign(witnessCosignature(latest, leaves, secret, file));
  await appendTreeHeadLine(file, { cosignature });
  return cosignature;
}

/**
 * The same against a server: its latest head and its log are read over HTTP and checked here, the
 * cosignature is made here with the witness's key, and the server keeps it (a request signed as
 * the witness).
 */
async function cosignOverHttp(globals: GlobalOptions, witnessName: string): Promise<void> {
  const keyring = openKeyring(path.join(process.env.CAIRN_KEYS ?? DEFAULT_STORE_DIR, 'signers'));
  const secret = await witnessSecret(keyring, witnessName);
  await withReads(globals, async (r) => {
    const remote = r.remote!;
    const latest = orFailRead(await remote.latestTreeHead());
    if (latest === undefined) fail(ExitCode.notFound, `no tree head at ${remote.location.url} to cosign (cairn tree-head makes one)`);
    const signer = await readerOf(globals);
    const log = openRemoteEventLog(remote.location, signer === undefined ? {} : { signer });
    const leaves = orFailHead(await logLeaves(log));
    const cosignature = orFailCosign(witnessCosignature(latest, leaves.leaves, secret, `the server at ${remote.location.url}`));
    const kept = orFailRead(await remote.recordCosignature(cosignature));
    emitCosignature(kept, r.json);
  });
}

const emitCosignature = (c: TreeHeadCosignature, json: boolean) =>
  emit(c, { json }, (x) => `cosigned the tree head of ${x.treeHead.size} events, root ${x.treeHead.root}, as witness ${x.witness}`);

export function registerTreeHead(program: Command): void {
  const command = program
    .command('tree-head')
    .description("print the ledger's signed tree head of the log now (size, RFC 6962 root), to remember and give to verify --trusted-root")
    .option('--from <size>', 'also print a consistency proof from the log as it was at this size')
    .action(async (opts: { from?: string }, cmd: Command) => {
      const from =
        opts.from === undefined
          ? undefined
          : /^\d+$/.test(opts.from)
            ? Number(opts.from)
            : usage('--from', 'a non-negative integer (a tree size)');
      if (serverUrlOf(globalsOf(cmd)) !== undefined)
        return withReads(globalsOf(cmd), async (r) => {
          // The server signs its own log's head with its ledger key (and remembers it there).
          const head = await r.remote!.treeHead(from);
          if (E.isLeft(head) && head.left._tag === 'UsageError') return usage('--from', head.left.reason);
          emit(orFailRead(head), { json: true }, () => '');
        });
      await withSession(globalsOf(cmd), async (session) => {
        const head = await currentTreeHead(session, from);
        emit(head, { json: true }, () => '');
      });
    });
  command
    .command('cosign')
    .description("as a witness: check the log extends the store's latest tree head, then cosign it")
    .requiredOption('--as <name>', 'the witness (a signer from cairn keys)')
    .action(async (opts: { as: string }, cmd: Command) => {
      if (serverUrlOf(globalsOf(cmd)) !== undefined) return cosignOverHttp(globalsOf(cmd), opts.as);
      await withSession(globalsOf(cmd), async (session) => {
        emitCosignature(await cosignTreeHead(session, opts.as), session.json);
      });
    });
  command
    .command('check')
    .description('check a consistency proof (cairn tree-head --from) offline; exit 1 if it does not hold')
    .argument('<file>', 'the JSON printed by cairn tree-head --from (or its consistency field)')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      let value: unknown;
      try {
        value = await readJsonFile(file);
      } catch (cause) {
        usage('FILE', `${file} cannot be read as JSON: ${messageOf(cause)}`);
      }
      const proof = (value as { consistency?: unknown } | null)?.consistency ?? value;
      const result = checkConsistency(proof);
      const json = globalsOf(cmd).json === true;
      emit(result, { json }, (r) => `${r.ok ? 'ok' : 'FAILED'}: ${r.reason}`);
      if (!result.ok) fail(ExitCode.checkFailed, result.reason, result);
    });
}
