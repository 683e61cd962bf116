// cairn verify / cairn checkpoint.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf } from '../fail.js';
import { emit, table } from '../output.js';
import { progressFor } from '../progress.js';
import { failureLine } from '../projection-failures.js';
import { withSession, type Session } from '../session.js';
import { LeafHashes, logLeafHash } from '../verify/log-checkpoint.js';
import { scanLog } from '../verify/log-scan.js';
import { verifyLog, type LogVerification } from '../verify/verify-log.js';
import { verifyProjections, type ProjectionVerification } from '../verify/verify-projections.js';
import { globalsOf } from './common.js';

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
  /**
   * A failure, not a warning: verify says whether the tables faithfully answer for the log, and a
   * projection that passed an event does not (any why, diff or impact touching it is incomplete).
   */
  readonly skipped: readonly SkippedEvents[];
}

const SKIPPED_SHOWN = 5;

async function skippedEvents(session: Session): Promise<SkippedEvents[]> {
  const status = await session.runner.status();
  if (E.isLeft(status)) fail(ExitCode.unavailable, status.left.message);
  const out: SkippedEvents[] = [];
  for (const p of status.right.projections) {
    if (p.failedEvents === 0) continue;
    const failures = await session.runner.failures(p.name, { limit: SKIPPED_SHOWN });
    if (E.isLeft(failures)) fail(ExitCode.unavailable, failures.left.message);
    out.push({ projection: p.name, count: p.failedEvents, first: failures.right.map(failureLine) });
  }
  return out;
}

export async function runVerify(session: Session, options: { readonly projections: boolean }): Promise<VerifyJson> {
  const progress = progressFor({ json: session.json });
  const head = await session.ledger.log.head();
  if (E.isLeft(head)) fail(ExitCode.unavailable, messageOf(head.left));
  progress.start(Number(head.right ?? 0n), 'verifying the log');
  const log = await verifyLog(session.ledger.log, (done) => progress.update(done));
  progress.stop();
  let projections: ProjectionVerification | null = null;
  if (options.projections && log.firstBad === null) {
    // Only an intact log is worth projecting; the live tables are caught up first so both sides
    // cover the same prefix (a tail cut from the log shows as a live checkpoint past the head).
    const status = await session.runner.status();
    const behind = E.isRight(status) && status.right.projections.some((p) => p.checkpoint === null || (head.right !== null && p.checkpoint < head.right));
    if (behind) await session.catchUp();
    projections = await verifyProjections(session.db, session.runner, session.projections, head.right);
  }
  const skipped = await skippedEvents(session);
  return { ok: log.firstBad === null && (projections === null || projections.firstBad === null) && skipped.length === 0, log, projections, skipped };
}

export function verifyText(v: VerifyJson): string {
  const lines = [`log: ${v.log.events} events checked (ids, signatures by key at position, streams, references)`];
  for (const c of v.log.checkpoints) lines.push(`  checkpoint at ${c.position}: ${c.size} events, root ${c.root.slice(0, 16)}… ${c.ok ? 'matches' : 'DOES NOT MATCH'}`);
  if (v.log.checkpoints.length === 0) lines.push('  no LogCheckpointed yet (cairn checkpoint --as NAME signs one)');
  if (v.log.firstBad) {
    const b = v.log.firstBad;
    lines.push(`FAILED at position ${b.position}${b.eventId ? ` (event ${b.eventId})` : ''}: ${b.check}: ${b.reason}`);
  }
  if (v.projections) {
    lines.push(table(['projection', 'checkpoint', 'rows', 'rebuild'], v.projections.projections.map((p) => [p.name, p.checkpoint ?? '-', String(p.rows), p.ok ? 'identical' : 'DIFFERS'])));
    const b = v.projections.firstBad;
    if (b) lines.push(`FAILED: projection ${b.projection}: ${b.reason}${b.live !== null || b.rebuilt !== null ? `\n  live:    ${b.live ?? '(missing)'}\n  rebuilt: ${b.rebuilt ?? '(missing)'}` : ''}`);
  }
  for (const s of v.skipped) {
    lines.push(`FAILED: projection ${s.projection} did not apply ${s.count} event(s) of the log (recorded as failed; its answers leave them out):`);
    for (const line of s.first) lines.push(`  ${line}`);
    if (s.count > s.first.length) lines.push(`  … and ${s.count - s.first.length} more`);
  }
  lines.push(v.ok ? 'verify: OK' : 'verify: FAILED');
  return lines.join('\n');
}

export interface CheckpointJson {
  readonly eventId: string;
  readonly position: string;
  readonly size: number;
  readonly root: string;
}

export async function appendCheckpoint(session: Session, signerName: string): Promise<CheckpointJson> {
  const signer = await session.keyring.signer(signerName);
  if (E.isLeft(signer)) fail(ExitCode.notFound, signer.left.message);
  const leaves = new LeafHashes();
  for await (const batch of scanLog(session.ledger.log)) {
    if (E.isLeft(batch)) fail(ExitCode.unavailable, messageOf(batch.left));
    for (const event of batch.right) {
      const leaf = logLeafHash(event);
      if (leaf === null) fail(ExitCode.checkFailed, `event ${event.id} at position ${event.position} has no well-formed id/signature; run cairn verify`);
      leaves.push(leaf);
    }
  }
  const payload = { size: leaves.size, root: leaves.rootOf(leaves.size), timestamp: new Date().toISOString() };
  const envelope = session.ledger.sign('LogCheckpointed', payload, signer.right);
  if (E.isLeft(envelope)) fail(ExitCode.rejected, messageOf(envelope.left));
  const receipts = await session.ledger.ingest([{ envelope: envelope.right }]);
  if (E.isLeft(receipts)) fail(ExitCode.rejected, messageOf(receipts.left));
  const r = receipts.right[0]!;
  return { eventId: r.id, position: r.position.toString(), size: payload.size, root: payload.root };
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('recompute every event id and signature, check the Merkle root against the last checkpoint, and rebuild the projections from scratch against the live tables')
        .option('--log-only', 'check the log only, not the projection tables')
    .action(async (opts: { logOnly?: boolean }, command: Command) => {
      await withSession(globalsOf(command), async (session) => {
        const v = await runVerify(session, { projections: opts.logOnly !== true });
        emit(v, { json: session.json }, verifyText);
        if (!v.ok) fail(ExitCode.checkFailed, 'verify found a problem (see above)', v);
      });
    });

  program
    .command('checkpoint')
    .description('append a signed LogCheckpointed: the size and RFC 6962 Merkle root of the log as it is now')
    .requiredOption('--as <name>', 'the signer (from cairn keys)')
    .action(async (opts: { as: string }, command: Command) => {
      await withSession(globalsOf(command), async (session) => {
        const c = await appendCheckpoint(session, opts.as);
        emit(c, { json: session.json }, (x) => `checkpoint ${x.eventId} at position ${x.position}: ${x.size} events, root ${x.root}`);
      });
    });
}
