import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generateSigningKey } from '@cairn/core';
import { openLedger } from './open-ledger.js';
import { unwrap } from './ledger.js';
import { LedgerFailure } from './errors.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('openLedger (embedded)', () => {
  it('given a ledger folder, when a sample is contributed and the ledger reopened, then the log, the blob and the key are all still there', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-open-'));
    dirs.push(dir);
    const key = generateSigningKey();
    const first = await openLedger({ dir, verifyWorkers: 1 });
    const alice = unwrap(await first.contributors.register(key, { name: 'alice' }));
    const bytes = new TextEncoder().encode('kept across restarts');
    const s = unwrap(await first.contribute.sample({ bytes, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'wiki-dump-2026' }, alice));
    await first.close();

    const again = await openLedger({ dir, verifyWorkers: 0 });
    expect(unwrap(await again.samples.read(s.id))).toEqual(bytes);
    expect(unwrap(await again.contribute.sample({ bytes, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'wiki-dump-2026' }, alice))).toMatchObject({ id: s.id, alreadyAppended: true });
    expect(() => unwrap({ _tag: 'Left', left: { _tag: 'SampleNotFound', sampleId: s.id, reason: 'x' } })).toThrow(LedgerFailure);
    await again.close();
  });
});
