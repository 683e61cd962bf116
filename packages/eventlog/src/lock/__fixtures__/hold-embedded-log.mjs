// Child process for the lock tests: opens an embedded log, appends one event, says "ready" and
// keeps the folder until it is killed (or told to close on stdin).
import { openEmbeddedEventLog } from '@cairn/eventlog';

const [dataDir] = process.argv.slice(2);
const log = await openEmbeddedEventLog({ dataDir, lock: { timeoutMs: 0 } });
const id = 'a'.repeat(64);
const result = await log.append({
  stream: `cf-${id}`,
  events: [{ id, type: 'LockTest', data: { pid: process.pid } }],
  expectedRevision: { kind: 'no-stream' },
});
if (result._tag !== 'Right') {
  process.stderr.write(`append failed: ${JSON.stringify(result.left)}\n`);
  process.exit(3);
}
process.stdout.write('ready\n');
process.stdin.on('data', async () => {
  await log.close();
  process.exit(0);
});
