// cairn record-keeping RUN: the deployer's audit trail of a training run (EU AI Act Art. 12/26
// style): every event that shaped the model's data, in log order, each with its type, id, signer
// and position, cut against a signed tree head of the log (the same one `cairn tree-head` hands
// out, and remembers) with an RFC 6962 inclusion proof per event, so a reader holding that
// checkpoint can check each line is in the log without the store.
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { buildMerkleTree, inclusionProofFromTree, toHex } from '@cairn/core';
import type { RecordRole } from '@cairn/attribution';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import { toJson } from '../output.js';
import { withSession } from '../session.js';
import { writeNamedFile } from '../files.js';
import { eventLeafHash } from '@cairn/core';
import { scanLog } from '@cairn/sdk';
import { globalsOf, show } from './common.js';
import { currentTreeHead, type TreeHeadJson } from './tree-head.js';

export interface RecordLine {
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly role: RecordRole;
  readonly signer: string;
  readonly signerName: string | null;
  readonly leafIndex: number;
  readonly leafHash: string;
  readonly inclusionProof: readonly string[];
}

export interface RecordKeeping {
  readonly runId: string;
  readonly checkpoint: TreeHeadJson;
  readonly events: readonly RecordLine[];
}

const text = (x: RecordKeeping): string =>
  [
    `record-keeping for run ${x.runId}: ${x.events.length} events, checkpoint size ${x.checkpoint.treeHead.size} root ${x.checkpoint.treeHead.root}`,
    ...x.events.map(
      (e) => `${e.position.padStart(6)}  ${e.role.padEnd(11)} ${e.type.padEnd(26)} ${e.eventId}  ${e.signerName ?? e.signer}`,
    ),
  ].join('\n');

export function registerRecordKeeping(program: Command): void {
  program
    .command('record-keeping <run>')
    .description(
      "a training run's audit trail: every event that shaped its data, in log order, with a signed tree head and an inclusion proof per event",
    )
    .option('--out <file>', 'write the JSON to a file instead of stdout')
    .option('--jsonl', 'one JSON line per event (the checkpoint first) instead of one document')
    .action(async (runId: string, opts: { out?: string; jsonl?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      await withSession(globals, async (session) => {
        await session.catchUp();
        const refs = orFail(await session.cairn.runRecord(runId), messageOf);
        const roleOf = new Map(refs.map((r) => [r.eventId, r.role]));
        const checkpoint = await currentTreeHead(session);
        // the leaves up to the checkpoint's size: events appended since are past what it vouches for
        const leaves: Uint8Array[] = [];
        const found: { event: { id: string; type: string; position: bigint; data: unknown }; index: number }[] = [];
        for await (const batch of scanLog(session.ledger.log)) {
          if (E.isLeft(batch)) fail(ExitCode.unavailable, messageOf(batch.left));
          for (const event of batch.right) {
            if (leaves.length === checkpoint.treeHead.size) break;
            const leaf = eventLeafHash(event);
            if (leaf === null)
              fail(
                ExitCode.checkFailed,
                `event ${event.id} at position ${event.position} has no well-formed id/signature; run cairn verify`,
              );
            if (roleOf.has(event.id)) found.push({ event, index: leaves.length });
            leaves.push(leaf);
          }
        }
        const tree = buildMerkleTree(leaves);
        if (toHex(tree.root) !== checkpoint.treeHead.root)
          fail(ExitCode.unavailable, 'the log changed while the record was cut; run it again');
        const signers = found.map((f) => String((f.event.data as { signer?: unknown } | null)?.signer ?? ''));
        const names = await session.cairn.labels(signers);
        const events: RecordLine[] = found.map((f, i) => {
          const proof = inclusionProofFromTree(tree, f.index);
          if (E.isLeft(proof)) return fail(ExitCode.unavailable, proof.left.reason);
          return {
            position: f.event.position.toString(),
            eventId: f.event.id,
            type: f.event.type,
            role: roleOf.get(f.event.id)!,
            signer: signers[i]!,
            signerName: names.get(signers[i]!) ?? null,
            leafIndex: f.index,
            leafHash: toHex(leaves[f.index]!),
            inclusionProof: proof.right.map(toHex),
          };
        });
        const record: RecordKeeping = { runId, checkpoint, events };
        const body =
          opts.jsonl === true ? [{ runId, checkpoint }, ...events].map((l) => JSON.stringify(l)).join('\n') + '\n' : `${toJson(record)}\n`;
        if (opts.out !== undefined) {
          await writeNamedFile('--out', opts.out, body);
          await show(
            session.json,
            { written: opts.out, runId, events: events.length, treeHead: checkpoint.treeHead },
            (x) => `record of run ${runId} (${x.events} events) written to ${x.written}`,
          );
          return;
        }
        if (opts.jsonl === true || session.json) process.stdout.write(body);
        else process.stdout.write(`${text(record)}\n`);
      });
    });
}
