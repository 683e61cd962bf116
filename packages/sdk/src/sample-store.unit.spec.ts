import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, generateSigningKey, publicKeyOf, sha256Hex, signingBytes, verifyFast } from '@cairn/core';
import { openEmbeddedEventLogWithSql } from '@cairn/eventlog';
import { createFolderBlobStore } from './blob-store/folder.js';
import { createFolderKeyStore } from './key-store/folder.js';
import { ledgerOn, left, right, text } from './__tests__/given.js';
import { openSample, sealSample } from './sample-crypto.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-sdk-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

describe('sample bytes: encrypted, content-addressed, never in the log', () => {
  it('given a sealed sample, when its envelope (the associated data) differs, then it does not open', () => {
    const key = new Uint8Array(32).fill(7);
    const sealed = sealSample(text('secret'), key, text('envelope A'));
    expect(E.isRight(openSample(sealed, key, text('envelope A')))).toBe(true);
    expect(E.isLeft(openSample(sealed, key, text('envelope B')))).toBe(true);
  });

  it('given a personal-data sample, then its commitment is keyed (not a bare sha256 of the bytes)', async () => {
    const ledger = ledgerOn();
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const bytes = text('Jane Doe, +44 20 7946 0958');
    const s = right(
      await ledger.contribute.sample({ bytes, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'crm', personalData: true }, alice),
    );
    const events = await ledger.log.readByIds([s.id]);
    const payload = (E.isRight(events) ? events.right[0]!.data : {}) as { payload: { commitment: { scheme: string; value: string } } };
    expect(payload.payload.commitment.scheme).toBe('hmac-sha256');
    expect(payload.payload.commitment.value).not.toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(right(await ledger.samples.read(s.id))).toEqual(bytes);
  });

  it('given an erased personal-data sample on the embedded ledger, then no plaintext and no sha256 of it remain in blobs, keys or any log row, reads say erased, and the log still verifies', async () => {
    const dir = await tempDir();
    const { log, query } = await openEmbeddedEventLogWithSql({ dataDir: path.join(dir, 'log') });
    const ledger = ledgerOn(log, {
      blobs: createFolderBlobStore(path.join(dir, 'blobs')),
      keys: createFolderKeyStore(path.join(dir, 'keys')),
    });
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const plaintext = text('patient 4711: Jane Q. Public, born 1970-01-01');
    const digest = createHash('sha256').update(plaintext).digest();
    const s = right(
      await ledger.contribute.sample(
        { bytes: plaintext, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'clinic', personalData: true },
        alice,
      ),
    );
    expect(right(await ledger.samples.read(s.id))).toEqual(plaintext);
    expect((await stat(path.join(dir, 'keys', `${s.id}.key`))).isFile()).toBe(true);

    const erased = right(await ledger.erase(s.id, alice, 'subject access request'));
    expect(erased.stream).toBe(`cf-${s.id}`);
    expect(left(await ledger.samples.read(s.id))).toMatchObject({ _tag: 'ErasedSample', sampleId: s.id, erasureId: erased.id });

    const needles = [plaintext, digest, text(digest.toString('hex'))];
    for (const file of [...(await filesUnder(path.join(dir, 'blobs'))), ...(await filesUnder(path.join(dir, 'keys')))]) {
      const bytes = await readFile(file);
      for (const needle of needles) expect(contains(bytes, needle)).toBe(false);
    }
    expect(await filesUnder(path.join(dir, 'keys'))).toEqual([]);
    const rows = (await query('select id, stream, type, data, metadata from cairn_log')) as Record<string, unknown>[];
    expect(rows.length).toBe(3);
    for (const row of rows) {
      const bytes = text(JSON.stringify(row));
      for (const needle of needles) expect(contains(bytes, needle)).toBe(false);
    }

    // Every id and signature in the log still verifies against alice's key.
    const all = await ledger.log.readAll();
    const events = E.isRight(all) ? all.right : [];
    expect(events.map((e) => e.type)).toEqual(['ContributorRegistered', 'SampleContributed', 'SampleErased']);
    for (const event of events) {
      const data = event.data as { type: string; payload: unknown; signer: string; signature: string };
      const bytes = signingBytes(data.type, data.payload, data.signer);
      if (E.isLeft(bytes)) throw new Error('no signing bytes');
      expect(sha256Hex(bytes.right)).toBe(event.id);
      expect(verifyFast(fromHexOrThrow(data.signature), bytes.right, publicKeyOf(alice.secretKey))).toBe(true);
    }
    await ledger.close();
  });

  it('given a SampleErased envelope signed elsewhere, when it is bulk-ingested, then the key is shredded all the same', async () => {
    const { createMemoryKeyStore } = await import('./key-store/memory.js');
    const keys = createMemoryKeyStore();
    const ledger = ledgerOn(undefined, { keys });
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const s = right(
      await ledger.contribute.sample({ bytes: text('remote erasure'), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice),
    );
    expect(right(await keys.get(s.id))).toBeDefined();
    const envelope = right(ledger.sign('SampleErased', { sample: s.id, reason: 'request' }, alice));
    right(await ledger.ingest([{ envelope }]));
    expect(right(await keys.get(s.id))).toBeUndefined();
    expect(left(await ledger.samples.read(s.id))._tag).toBe('ErasedSample');
  });

  it('given a folder key store, when a key is shredded, then its file is gone and reads of it answer undefined', async () => {
    const keys = createFolderKeyStore(await tempDir());
    const id = 'ef'.repeat(32);
    right(await keys.put(id, { dataKey: new Uint8Array(32).fill(1), salt: new Uint8Array(32).fill(2) }));
    expect(right(await keys.get(id))).toEqual({ dataKey: new Uint8Array(32).fill(1), salt: new Uint8Array(32).fill(2) });
    right(await keys.shred(id));
    expect(right(await keys.get(id))).toBeUndefined();
    right(await keys.shred(id));
  });

  it('given an address that is not a 64-hex id, then the folder stores refuse it rather than write outside their folder', async () => {
    const blobs = createFolderBlobStore(await tempDir());
    await expect(blobs.put('../../etc/passwd', new Uint8Array(1))).rejects.toThrow(/64 lowercase hex/);
  });
});

function fromHexOrThrow(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (E.isLeft(bytes)) throw new Error('bad hex');
  return bytes.right;
}
