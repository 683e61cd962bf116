// Child process for the store-lock tests: opens the embedded ledger in a folder (as any command
// would), says "ready" and keeps it until a line arrives on stdin.
import { openLedger } from '@cairn/sdk';

const [dir] = process.argv.slice(2);
const ledger = await openLedger({ dir, verifyWorkers: 0, lock: { timeoutMs: 0, command: 'hold-store test' } });
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  await ledger.close();
  process.exit(0);
});
