// cairn verify / cairn checkpoint.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { defaultPoolSize, LoggedSamples, readLedgerKey, readTreeHeads, TREE_HEADS_FILE, type TrustedPrefix } from '@cairn/sdk';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { CliFailure, fail, messageOf, usage } from '../fail.js';
import { parseTrustedRoot, readTrustedHeads } from '../verify/trusted-heads.js';
import { emit, table } from '../output.js';
import { progressFor } from '../progress.js';
import { withSession, type Session } from '../session.js';
import { withLogSession, type LogSession } from '../verify/log-session.js';
import { verifyAnchors, type AnchorInputs, type AnchorVerification, type TrustedHead } from '../verify/verify-anchors.js';
import { LeafHashes, isSha256Hex } from '@cairn/core';
import { verifyLog, type LogVerification } from '@cairn/sdk';
import type { CheckpointAnswer, SinceError } from '@cairn/client';
import { failureLine, openRemoteEventLog, remoteLocationOf, trustedHeadOf } from '@cairn/client';
import { readerOf, serverUrlOf } from '../read-session.js';
import type { GlobalOptions } from '../session.js';
import type { ProjectionVerification } from '@cairn/client';
import { samplesText, verifySamples, type SampleVerification } from '../verify/verify-samples.js';
import { globalsOf } from './common.js';
import { checkpointOverHttp } from './checkpoint.js';

/** Events a projection recorded as failed instead of applying (at most the first few listed). */
export interface SkippedEvents {
  readonly projection: string;
  readonly count: number;
  readonly first: readonly string[];
}

export interface VerifyJson {
  readonly ok: boolean;
  readonly log: LogVerification;
  readonly projections: ProjectionVerification | null;
  /** The log against tree heads kept outside it (null when the log itself did not verify). */
  readonly anchors: AnchorVerification | null;
  /** The sample stores against the log; null with --log-only or when the log itself is bad. */
  readonly samples: SampleVerification | null;
  /**
   * A failure, not a warning: verify says whether the tables faithfully answer for the log, and a
   * projection that passed an event does not (any why, diff or impact touching it is incomplete).
   */
  readonly skipped: readonly SkippedEvents[];
}

const SKIPPED_SHOWN = 5;

async function skippedEvents(session: Session): Promise<SkippedEvents[]> {
  // Tables that cannot be read say nothing here: the projection check (or the log's own verdict,
  // when that check did not run) already fails the verification.
  const status = await session.runner.status();
  if (E.isLeft(status)) return [];
  const out: SkippedEvents[] = [];
  for (const p of status.right.projections) {
    if (p.failedEvents === 0) continue;
    const failures = await session.runner.failures(p.name, { limit: SKIPPED_SHOWN });
    out.push({ projection: p.name, count: p.failedEvents, first: E.isRight(failures) ? failures.right.map(failureLine) : [] });
  }
  return out;
}

export interface VerifyOptions {
  readonly projections: boolean;
  /** Tree heads the reader remembered (--trusted-root, --trusted-heads). */
  readonly trusted?: readonly TrustedHead[];
  /** Public keys (hex) that must have cosigned a head the log extends (--witness). */
  readonly witnesses?: readonly string[];
  /** --since: the events this head covers are held to its root; only those after it are checked one by one. */
  readonly since?: TrustedPrefix;
  /** Worker threads checking signatures (default: one per core). */
  readonly workers?: number;
}

/** Whether verify checks the projection tables and sample stores (with --since only the log is asked about). */
export function checksTables(options: { readonly projections: boolean; readonly since?: unknown }): boolean {
  return options.projections && options.since === undefined;
}

/**
 * `session` is a full one when the tables are checked (checksTables), else the store opened for
 * its log alone may be given.
 */
export async function runVerify(session: Session | LogSession, options: VerifyOptions): Promise<VerifyJson> {
  const progress = progressFor({ json: session.json });
  const head = await session.ledger.log.head();
  if (E.isLeft(head)) fail(ExitCode.unavailable, messageOf(head.left));
  const leaves = new LeafHashes();
  const full = checksTables(options) ? fullSession(session) : undefined;
  // The samples check takes what it needs of the log from the log check's own pass.
  const logged = full !== undefined ? new LoggedSamples() : undefined;
  // Tables already caught up are rebuilt while the log is checked: the rebuild only reads the log,
  // and its verdict is used only once the log is found intact. The time index, checked last, waits
  // for the log check's timeline. Tables still behind are caught up after the log check instead, so
  // a log that fails is never projected into them.
  const early = full !== undefined && !(await isBehind(full)) ? rebuildMeanwhile(full, head.right) : undefined;
  progress.start(Number(head.right ?? 0n), 'verifying the log');
  let log: LogVerification;
  try {
    log = await verifyLog(session.ledger.log, (done) => progress.update(done), leaves, {
      workers: options.workers ?? defaultPoolSize(),
      ...(options.since === undefined ? {} : { trusted: options.since }),
      ...(logged === undefined ? {} : { samples: logged }),
    });
  } catch (cause) {
    // Whatever stopped the log check, the rebuild is settled before the session can be closed under it.
    await early?.stop();
    throw cause;
  }
  progress.stop();
  let projections: ProjectionVerification | null = null;
  let samples: SampleVerification | null = null;
  if (full !== undefined && log.firstBad === null) {
    const session = full;
    let rebuilding: Promise<ProjectionVerification>;
    if (early !== undefined) {
      early.logChecked(leaves);
      rebuilding = early.verdict;
    } else {
      // Only an intact log is worth projecting; the live tables are caught up first so both sides
      // cover the same prefix (a tail cut from the log shows as a live checkpoint past the head).
      let catchUpFailure: string | undefined;
      // A catch-up that fails (a checkpoint moved back, positions renumbered under the tables) is
      // evidence, not an outage: the tables are compared where they stand and the verdict says why.
      await session.catchUp().catch((cause: unknown) => {
        if (!(cause instanceof CliFailure)) throw cause;
        catchUpFailure = cause.message;
      });
      rebuilding = session.cairn.verifyProjections({
        logHead: head.right,
        leaves,
        ...(catchUpFailure === undefined ? {} : { catchUpFailure }),
      });
    }
    // The rebuild and the samples check share nothing but the log, which both only read: the
    // samples are checked while the projections are rebuilt (on their own thread when the session
    // put them there, see projectionsThreadFor), instead of after.
    // Both are settled before either's failure is thrown, so the session is never closed under
    // the other.
    const [rebuilt, checked] = await Promise.allSettled([rebuilding, verifySamples(session.ledger, progress, logged)]);
    if (rebuilt.status === 'rejected') throw rebuilt.reason;
    if (checked.status === 'rejected') throw checked.reason;
    projections = rebuilt.value;
    samples = checked.value;
  } else await early?.stop(); // a log that failed: its tables are not judged
  const anchors = log.firstBad === null ? verifyAnchors(leaves, await anchorInputsOf(session, options)) : null;
  const skipped = full !== undefined ? await skippedEvents(full) : [];
  const ok =
    log.firstBad === null &&
    (projections === null || projections.firstBad === null) &&
    (anchors === null || anchors.firstBad === null) &&
    (samples === null || samples.firstBad === null) &&
    skipped.length === 0;
  return { ok, log, projections, anchors, samples, skipped };
}

/** Whether a projection has not applied the log up to its head (or cannot say). */
async function isBehind(session: Session): Promise<boolean> {
  const status = await session.runner.status();
  return E.isRight(status) && status.right.projections.some((p) => p.checkpoint === null || !p.caughtUp);
}

interface EarlyRebuild {
  readonly verdict: Promise<ProjectionVerification>;
  /** Hands the rebuild the log check's timeline, for the time index it checks last. */
  logChecked(timeline: LeafHashes): void;
  /** Stops the rebuild (its verdict is not wanted) and waits until it has cleaned up, whatever it comes to. */
  stop(): Promise<void>;
}

function rebuildMeanwhile(session: Session, logHead: bigint | null): EarlyRebuild {
  let handOver!: (timeline: LeafHashes | undefined) => void;
  const timeline = new Promise<LeafHashes | undefined>((resolve) => (handOver = resolve));
  const stop = new AbortController();
  const verdict = session.cairn.verifyProjections({ logHead, leaves: timeline, signal: stop.signal });
  // Awaited by whichever branch runs; a rejection is never left unhandled meanwhile.
  verdict.catch(() => undefined);
  return {
    verdict,
    logChecked: (t) => handOver(t),
    stop: async () => {
      // Nobody reads this verdict: the rebuild stops at its next batch instead of running to the end.
      stop.abort();
      handOver(undefined);
      await verdict.catch(() => undefined);
    },
  };
}

function fullSession(session: Session | LogSession): Session {
  if ('runner' in session) return session;
  throw new Error('verify: the tables are checked only in a full session (a bug: the command opened the log alone)');
}

async function anchorInputsOf(session: Session | LogSession, options: VerifyOptions): Promise<AnchorInputs> {
  const storeHeadsFile = path.join(session.localDir, TREE_HEADS_FILE);
  try {
    const key = await readLedgerKey(session.localDir, { create: false });
    return {
      storeHeads: await readTreeHeads(storeHeadsFile),
      storeHeadsFile,
      ledgerKey: key?.publicKey,
      trusted: options.trusted ?? [],
      witnesses: options.witnesses ?? [],
    };
  } catch (cause) {
    fail(ExitCode.unavailable, `the store's tree heads cannot be read: ${messageOf(cause)}`);
  }
}

export function verifyText(v: VerifyJson): string {
  const t = v.log.trusted;
  const lines =
    t === undefined
      ? [`log: ${v.log.events} events checked (canonical text, ids, every ledger rule replayed, signatures by key at position, streams)`]
      : [
          `log: the first ${t.size} events held to ${t.source} (root ${t.root.slice(0, 16)}…): ${t.ok ? 'ids recomputed, the root matches' : 'NOT MATCHED'}; their signatures and rules were not checked again`,
          `  ${Math.max(0, v.log.events - t.size)} events after it checked (canonical text, ids, every ledger rule replayed, signatures by key at position, streams)`,
          '  projections and sample stores not checked with --since (cairn verify without it checks them)',
        ];
  for (const c of v.log.checkpoints)
    lines.push(`  checkpoint at ${c.position}: ${c.size} events, root ${c.root.slice(0, 16)}… ${c.ok ? 'matches' : 'DOES NOT MATCH'}`);
  if (v.log.checkpoints.length === 0) lines.push('  no LogCheckpointed yet (cairn checkpoint --as NAME signs one)');
  if (v.log.firstBad) {
    const b = v.log.firstBad;
    lines.push(`FAILED at position ${b.position}${b.eventId ? ` (event ${b.eventId})` : ''}: ${b.check}: ${b.reason}`);
  }
  if (v.projections) {
    lines.push(
      table(
        ['projection', 'checkpoint', 'rows', 'rebuild'],
        v.projections.projections.map((p) => [p.name, p.checkpoint ?? '-', String(p.rows), p.ok ? 'identical' : 'DIFFERS']),
      ),
    );
    const b = v.projections.firstBad;
    if (b)
      lines.push(
        `FAILED: projection ${b.projection}: ${b.reason}${b.live !== null || b.rebuilt !== null ? `\n  live:    ${b.live ?? '(missing)'}\n  rebuilt: ${b.rebuilt ?? '(missing)'}` : ''}`,
      );
  }
  if (v.anchors) {
    const a = v.anchors;
    const trusted = a.trusted.length === 0 ? '' : `, ${a.trusted.filter((t) => t.ok).length}/${a.trusted.length} trusted heads extended`;
    const witnesses =
      a.witnesses.length === 0 ? '' : `, ${a.witnesses.filter((w) => w.ok).length}/${a.witnesses.length} required witnesses`;
    lines.push(`tree heads: ${a.storeHeads} in the store's file, ${a.cosignatures} cosignatures${trusted}${witnesses}`);
    if (a.firstBad) lines.push(`FAILED: ${a.firstBad.check}: ${a.firstBad.reason}`);
  }
  if (v.samples) lines.push(...samplesText(v.samples));
  for (const s of v.skipped) {
    lines.push(
      `FAILED: projection ${s.projection} did not apply ${s.count} event(s) of the log (recorded as failed; its answers leave them out):`,
    );
    for (const line of s.first) lines.push(`  ${line}`);
    if (s.count > s.first.length) lines.push(`  … and ${s.count - s.first.length} more`);
  }
  lines.push(v.ok ? 'verify: OK' : 'verify: FAILED');
  return lines.join('\n');
}

export type CheckpointJson = CheckpointAnswer;

export async function appendCheckpoint(session: Session, signerName: string): Promise<CheckpointJson> {
  const signer = await session.keyring.signer(signerName);
  if (E.isLeft(signer)) fail(ExitCode.notFound, signer.left.message);
  const c = await session.cairn.checkpoint(signer.right);
  if (E.isRight(c)) return c.right;
  const e = c.left;
  if (e._tag === 'CheckpointRefused') return fail(ExitCode.rejected, messageOf(e.cause));
  return fail(e._tag === 'MalformedEvent' ? ExitCode.checkFailed : ExitCode.unavailable, e.message);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function orUsage<T>(result: E.Either<{ readonly field: string; readonly reason: string }, T>): T {
  if (E.isLeft(result)) return usage(result.left.field, result.left.reason);
  return result.right;
}

/** A witness named by its public key (64 hex) or by a signer in the keyring. */
async function witnessKeyOf(session: Session | LogSession, value: string): Promise<string> {
  if (isSha256Hex(value)) return value;
  const entry = await session.keyring.get(value);
  if (E.isLeft(entry))
    return usage('--witness', `${JSON.stringify(value)} is neither a public key (64 lowercase hex) nor a signer in the keyring`);
  return entry.right.publicKey;
}

/** What an auditor checks of a server's ledger from here, trusting the server for nothing. */
export interface RemoteVerifyJson {
  readonly ok: boolean;
  readonly server: string;
  readonly log: LogVerification;
  /** The tree head recomputed here over every event the server sent (null when the log is bad). */
  readonly treeHead: { readonly size: number; readonly root: string } | null;
  /** Not checked from here: the server's own (its tables, sample stores and tree-heads file). */
  readonly notChecked: readonly string[];
}

const REMOTE_NOT_CHECKED = ['projections', 'sample stores', "the store's tree-heads file"] as const;

export async function runRemoteVerify(globals: GlobalOptions, url: string, since: string | undefined): Promise<RemoteVerifyJson> {
  const location = remoteLocationOf(url, globals.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const signer = await readerOf(globals);
  const log = openRemoteEventLog(location.right, signer === undefined ? {} : { signer });
  const trusted = since === undefined ? undefined : orSince(await trustedHeadOf(log, undefined, since));
  const progress = progressFor({ json: globals.json === true });
  progress.start(0, `verifying the log of ${location.right.url}`);
  const leaves = new LeafHashes();
  const verified = await verifyLog(log, (done) => progress.update(done), leaves, {
    workers: defaultPoolSize(),
    ...(trusted === undefined ? {} : { trusted }),
  });
  progress.stop();
  const ok = verified.firstBad === null;
  return {
    ok,
    server: location.right.url,
    log: verified,
    treeHead: ok ? { size: leaves.size, root: leaves.rootOf(leaves.size) } : null,
    notChecked: REMOTE_NOT_CHECKED,
  };
}

export function remoteVerifyText(v: RemoteVerifyJson): string {
  const lines = [`server: ${v.server} (every event streamed from GET /v1/log and checked here)`];
  // The log's lines are the local verify's; the tables' lines say whose they are.
  lines.push(
    ...verifyText({ ok: v.ok, log: v.log, projections: null, anchors: null, samples: null, skipped: [] }).split('\n').slice(0, -1),
  );
  if (v.treeHead) lines.push(`tree head recomputed here: ${v.treeHead.size} events, root ${v.treeHead.root}`);
  lines.push(`not checked from here (the server's): ${v.notChecked.join(', ')}`);
  lines.push(v.ok ? 'verify: OK' : 'verify: FAILED');
  return lines.join('\n');
}

function orSince(head: E.Either<SinceError, TrustedPrefix>): TrustedPrefix {
  if (E.isRight(head)) return head.right;
  if (head.left._tag === 'UsageError') return usage(head.left.field, head.left.reason);
  return fail(ExitCode.unavailable, head.left.message);
}

async function sinceOf(session: Session | LogSession, value: string): Promise<TrustedPrefix> {
  return orSince(await trustedHeadOf(session.ledger.log, session.localDir, value));
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      "recompute every event id and signature, replay every ledger rule, check the Merkle roots of checkpoints and tree heads (the store's, and those you remembered), rebuild the projections from scratch against the live tables, and check every sample's stored bytes and erased keys",
    )
    .option('--log-only', 'check the log only, not the projection tables nor the sample stores')
    .option(
      '--since <checkpoint>',
      'trust a head you checked before: a LogCheckpointed (its position or event id) or a signed tree-head file (cairn tree-head --json); the events it covers are held to its root, only those after it are checked one by one (the log only)',
    )
    .option(
      '--trusted-root <size:root>',
      'a tree head you saw before (cairn tree-head): the log must still start with those SIZE events under ROOT (repeatable)',
      collect,
      [],
    )
    .option('--trusted-heads <file>', 'a file of tree heads you remembered, one JSON per line ({size, root} or cairn tree-head output)')
    .option(
      '--witness <key>',
      'require a cosignature by this witness (public key hex, or a signer name) on a head the log extends (repeatable)',
      collect,
      [],
    )
    .action(
      async (
        opts: { logOnly?: boolean; since?: string; trustedRoot: string[]; trustedHeads?: string; witness: string[] },
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const server = serverUrlOf(globals);
        if (server !== undefined) {
          const v = await runRemoteVerify(globals, server, opts.since);
          emit(v, { json: globals.json === true }, remoteVerifyText);
          if (!v.ok) fail(ExitCode.checkFailed, 'verify found a problem (see above)', v);
          return;
        }
        const trusted = opts.trustedRoot.map((value) => orUsage(parseTrustedRoot(value)));
        if (opts.trustedHeads !== undefined) trusted.push(...orUsage(await readTrustedHeads(opts.trustedHeads)));
        const check = async (session: Session | LogSession) => {
          const witnesses = await Promise.all(opts.witness.map((w) => witnessKeyOf(session, w)));
          const since = opts.since === undefined ? undefined : await sinceOf(session, opts.since);
          const v = await runVerify(session, {
            projections: opts.logOnly !== true,
            trusted,
            witnesses,
            ...(since === undefined ? {} : { since }),
          });
          emit(v, { json: session.json }, verifyText);
          if (!v.ok) fail(ExitCode.checkFailed, 'verify found a problem (see above)', v);
        };
        // The projections are opened only when their tables are checked.
        if (checksTables({ projections: opts.logOnly !== true, since: opts.since }))
          await withSession(globalsOf(command), check, { besideProjections: true });
        else await withLogSession(globalsOf(command), check);
      },
    );

  program
    .command('checkpoint')
    .description('append a signed LogCheckpointed: the size and RFC 6962 Merkle root of the log as it is now')
    .requiredOption('--as <name>', 'the signer (from cairn keys)')
    .action(async (opts: { as: string }, command: Command) => {
      const text = (x: CheckpointJson) => `checkpoint ${x.eventId} at position ${x.position}: ${x.size} events, root ${x.root}`;
      // Over HTTP: the head the server reports, checked here, then signed here (commands/checkpoint.ts).
      if (serverUrlOf(globalsOf(command)) !== undefined)
        return emit(await checkpointOverHttp(globalsOf(command), opts.as), { json: globalsOf(command).json === true }, text);
      await withSession(globalsOf(command), async (session) => {
        const c = await appendCheckpoint(session, opts.as);
        emit(c, { json: session.json }, text);
      });
    });
}
