// An erasure reaches the samples that amend the erased one: a metadata-only amendment is sealed
// with the very same bytes under its own key, so shredding only the erased sample's key would
// leave the data subject's bytes readable through the amendment.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createFolderBlobStore } from './blob-store/folder.js';
import { createFolderKeyStore } from './key-store/folder.js';
import { ledgerOn, left, register, right, text } from './__tests__/given.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('hardening: erasure reaches the amendments of the erased sample', () => {
  it('given a personal-data sample amended twice (metadata only, then new bytes) and an unrelated sample, when the original is erased, then no amendment reads back, no key of theirs is left, the unrelated sample still reads, and the stores verify', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-erasure-reach-'));
    dirs.push(dir);
    const ledger = ledgerOn(undefined, {
      blobs: createFolderBlobStore(path.join(dir, 'blobs')),
      keys: createFolderKeyStore(path.join(dir, 'keys')),
    });
    const alice = await register(ledger, 'alice');
    const original = right(
      await ledger.contribute.sample(
        { bytes: text('patient 842302: radius 17.99'), mediaType: 'text/plain', license: 'MIT', source: 'wdbc', personalData: true },
        alice,
      ),
    ).id;
    const relabelled = right(await ledger.amend(original, { source: 'wdbc-v2' }, alice)).id;
    const corrected = right(await ledger.amend(relabelled, { bytes: text('patient 842302: radius 17.98') }, alice)).id;
    const unrelated = right(
      await ledger.contribute.sample(
        { bytes: text('someone else entirely'), mediaType: 'text/plain', license: 'MIT', source: 'wdbc' },
        alice,
      ),
    ).id;
    expect(Buffer.from(right(await ledger.samples.read(relabelled))).toString()).toBe('patient 842302: radius 17.99');

    right(await ledger.erase(original, alice, 'subject access request'));

    for (const id of [original, relabelled, corrected]) expect(left(await ledger.samples.read(id))._tag).toBe('ErasedSample');
    expect(Buffer.from(right(await ledger.samples.read(unrelated))).toString()).toBe('someone else entirely');
    expect(right(await ledger.samples.verify())).toMatchObject({ samples: 1, erased: 3, keyCopies: 1, problemCount: 0 });
  });

  it('given a sample amended after its erasure (with new bytes), when the stores are verified, then the late amendment is live and readable, not reported as a surviving key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-erasure-reach-'));
    dirs.push(dir);
    const ledger = ledgerOn(undefined, {
      blobs: createFolderBlobStore(path.join(dir, 'blobs')),
      keys: createFolderKeyStore(path.join(dir, 'keys')),
    });
    const alice = await register(ledger, 'alice');
    const original = right(
      await ledger.contribute.sample({ bytes: text('first words'), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice),
    ).id;
    right(await ledger.erase(original, alice, 'subject access request'));
    const late = right(await ledger.amend(original, { bytes: text('new words, new key') }, alice)).id;
    expect(Buffer.from(right(await ledger.samples.read(late))).toString()).toBe('new words, new key');
    expect(right(await ledger.samples.verify())).toMatchObject({ samples: 1, erased: 1, problemCount: 0 });
  });
});

describe('hardening: a sample is erased once', () => {
  it('given an erased sample, when it is erased again with another reason, then the SDK refuses it (erasure-once) and appends nothing; the identical request stays a no-op', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const sample = right(
      await ledger.contribute.sample({ bytes: text('to be erased'), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice),
    ).id;
    const first = right(await ledger.erase(sample, alice, 'subject access request'));
    expect(right(await ledger.erase(sample, alice, 'subject access request'))).toMatchObject({ id: first.id, alreadyAppended: true });
    const head = right(await ledger.log.head());
    const again = left(await ledger.erase(sample, alice, 'asked twice'));
    expect(again).toMatchObject({ _tag: 'RuleViolation', rule: 'erasure-once', field: 'SampleErased.payload.sample' });
    expect(right(await ledger.log.head())).toBe(head);
  });
});
