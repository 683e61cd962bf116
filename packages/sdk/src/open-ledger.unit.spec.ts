import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generateSigningKey } from '@cairn/core';
import { existsSync } from 'node:fs';
import { FolderInUse, lockFileOf, lockFolder } from '@cairn/eventlog';
import { openLedger, openLedgerWith, storeLockFileOf } from './open-ledger.js';
import { readLedgerKey } from './tree-heads/folder.js';
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
    const s = unwrap(
      await first.contribute.sample({ bytes, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'wiki-dump-2026' }, alice),
    );
    await first.close();

    const again = await openLedger({ dir, verifyWorkers: 0 });
    expect(unwrap(await again.samples.read(s.id))).toEqual(bytes);
    expect(
      unwrap(await again.contribute.sample({ bytes, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'wiki-dump-2026' }, alice)),
    ).toMatchObject({ id: s.id, alreadyAppended: true });
    expect(() => unwrap({ _tag: 'Left', left: { _tag: 'SampleNotFound', sampleId: s.id, reason: 'x' } })).toThrow(LedgerFailure);
    await again.close();
  });
});

describe('openLedgerWith (a second database opened beside the log)', () => {
  const freshDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-beside-'));
    dirs.push(dir);
    return dir;
  };

  it('given an embedded store, when opened with something beside, then that starts only once the store is locked and both come back open', async () => {
    const dir = await freshDir();
    let lockedAtStart: boolean | undefined;
    const { ledger, beside } = await openLedgerWith({ dir, verifyWorkers: 0 }, async () => {
      lockedAtStart = existsSync(storeLockFileOf(dir));
      return { name: 'projections', close: async () => undefined };
    });
    expect(lockedAtStart).toBe(true);
    expect(beside.name).toBe('projections');
    expect((await ledger.log.head())._tag).toBe('Right');
    await ledger.close();
    expect(existsSync(storeLockFileOf(dir))).toBe(false);
  });

  it('given the thing beside fails to open, when opened, then its failure is thrown and the store is left unlocked and closed', async () => {
    const dir = await freshDir();
    await expect(
      openLedgerWith({ dir, verifyWorkers: 0 }, async () => {
        throw new Error('projections: the folder is damaged');
      }),
    ).rejects.toThrow('projections: the folder is damaged');
    expect(existsSync(storeLockFileOf(dir))).toBe(false);
    const again = await openLedger({ dir, verifyWorkers: 0, lock: { timeoutMs: 0 } });
    await again.close();
  });

  it("given the log fails to open, when opened, then what opened beside it is closed and the log's failure is thrown", async () => {
    const dir = await freshDir();
    const held = await lockFolder(path.join(dir, 'log'), lockFileOf(path.join(dir, 'log')));
    let closed = false;
    try {
      await expect(
        openLedgerWith({ dir, verifyWorkers: 0, lock: { timeoutMs: 0 } }, async () => ({
          close: async () => {
            closed = true;
          },
        })),
      ).rejects.toBeInstanceOf(FolderInUse);
    } finally {
      await held.release();
    }
    expect(closed).toBe(true);
    expect(existsSync(storeLockFileOf(dir))).toBe(false);
  });

  it('given a store reopened, when its ledger key is read, then its public key is the one written with the store', async () => {
    const dir = await freshDir();
    const first = await openLedger({ dir, verifyWorkers: 0 });
    await first.close();
    const stored = JSON.parse(await readFile(path.join(dir, 'ledger-key.json'), 'utf8')) as { publicKey: string };
    expect((await readLedgerKey(dir, { create: false }))?.publicKey).toBe(stored.publicKey);
  });
});
