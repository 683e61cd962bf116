// Sealed batches on the embedded (PGlite) log: the tampering cases table (the same as in memory),
// through the SDK's append and through verify, on one embedded store (__tests__/sealed-tampering.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedEventLog } from '@cairn/eventlog';
import { sealedTamperingOn } from './__tests__/sealed-tampering.js';

sealedTamperingOn('embedded (PGlite)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-sdk-sealed-'));
  const log = await openEmbeddedEventLog({ dataDir: path.join(dir, 'log') });
  return { log, close: () => rm(dir, { recursive: true, force: true }) };
});
