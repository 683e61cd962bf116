// cairn record-keeping RUN: the deployer's audit trail of a training run (EU AI Act Art. 12/26
// style): every event that shaped the model's data, in log order, each with its type, id, signer
// and position, cut against a signed tree head of the log (the same one `cairn tree-head` hands
// out, and remembers) with an RFC 6962 inclusion proof per event, so a reader holding that
// checkpoint can check each line is in the log without the store.
import type { Command } from 'commander';
import type { RecordKeeping } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import { toJson } from '../output.js';
import { writeNamedFile } from '../files.js';
import { withRunFacts } from '../attest/facts-session.js';
import { globalsOf, show } from './common.js';

export type { RecordKeeping, RecordLine } from '@cairn/client';

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
      await withRunFacts(globals, async (session) => {
        const r = await session.facts.recordKeeping(runId);
        // An event without a well-formed id or signature is the log failing its check, not the store being away.
        if (r._tag === 'Left' && r.left._tag === 'MalformedEvent') fail(ExitCode.checkFailed, r.left.message);
        const record = orFail(r, messageOf);
        const { checkpoint, events } = record;
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
