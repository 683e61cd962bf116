// Child process for the two-writer test: opens the embedded ledger in a folder, registers its own
// contributor and contributes samples one at a time, printing each CF id once it was acknowledged.
import { generateSigningKey } from '@cairn/core';
import { openLedger } from '@cairn/sdk';

const [dir, name, count] = process.argv.slice(2);
const ledger = await openLedger({ dir, verifyWorkers: 0, lock: { timeoutMs: 300_000 } });
const registered = await ledger.contributors.register(generateSigningKey(), { name });
if (registered._tag !== 'Right') {
  process.stderr.write(`register failed: ${JSON.stringify(registered.left)}\n`);
  process.exit(3);
}
for (let n = 0; n < Number(count); n++) {
  const bytes = new TextEncoder().encode(`${name} sample ${n}`);
  const r = await ledger.contribute.sample({ bytes, mediaType: 'text/plain', license: 'MIT', source: name }, registered.right);
  if (r._tag !== 'Right') {
    process.stderr.write(`sample ${n} failed: ${JSON.stringify(r.left)}\n`);
    process.exit(3);
  }
  process.stdout.write(`${r.right.id}\n`);
}
await ledger.close();
