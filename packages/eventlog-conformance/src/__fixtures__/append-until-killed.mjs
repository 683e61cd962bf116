// Child process for the kill test: appends one event at a time to an embedded log and prints
// each id only after the append was acknowledged. The parent SIGKILLs it at some point.
import { createHash } from 'node:crypto';
import { openEmbeddedEventLog } from '@cairn/eventlog';

const [dataDir, round] = process.argv.slice(2);
const log = await openEmbeddedEventLog({ dataDir });
for (let n = 0; ; n++) {
  const id = createHash('sha256').update(`kill-test/${round}/${n}`).digest('hex');
  const result = await log.append({
    stream: `cf-${id}`,
    events: [{ id, type: 'KillTest', data: { round: Number(round), n } }],
    expectedRevision: { kind: 'no-stream' },
  });
  if (result._tag !== 'Right') {
    process.stderr.write(`append failed: ${JSON.stringify(result.left)}\n`);
    process.exit(3);
  }
  process.stdout.write(`${id}\n`);
}
