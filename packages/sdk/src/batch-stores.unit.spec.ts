// The folder stores' batch formats (one key file and one blob segment per ingest batch): every
// record reads back, shredding one key destroys its bytes in place and leaves the others
// readable, deleting from a segment rewrites it without that blob, and a second store on the
// same folder finds what the first wrote, reading on a miss only the files it has not read yet.

/** Puts a directory where a batch file was: reading it as a file again would fail (EISDIR). */
async function makeUnreadable(folder: string, name: string): Promise<void> {
  await rm(path.join(folder, name));
  await mkdir(path.join(folder, name));
}
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createFolderBlobStore } from './blob-store/folder.js';
import { createFolderKeyStore } from './key-store/folder.js';
import { generateSigningKey } from '@cairn/core';
import type { StorageError } from './blob-store/port.js';
import { ledgerOn, left, right, text } from './__tests__/given.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-sdk-batch-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function ok<T>(result: E.Either<StorageError, T>): T {
  if (E.isLeft(result)) throw new Error(result.left.reason);
  return result.right;
}

const idOf = (n: number) => n.toString(16).padStart(64, '0');
const keyRecords = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    sampleId: idOf(i + 1),
    record:
      i % 2
        ? { dataKey: new Uint8Array(randomBytes(32)), salt: new Uint8Array(randomBytes(32)) }
        : { dataKey: new Uint8Array(randomBytes(32)) },
  }));

describe('folder key store: one file per batch', () => {
  it('given a batch put with putMany, then it is one file under batches/ and every record reads back, salt or not', async () => {
    const dir = await tempDir();
    const keys = createFolderKeyStore(dir);
    const records = keyRecords(5);
    ok(await keys.putMany!(records));
    expect(await readdir(path.join(dir, 'batches'))).toHaveLength(1);
    for (const { sampleId, record } of records) expect(ok(await keys.get(sampleId))).toEqual(record);
    expect(ok(await keys.get(idOf(99)))).toBeUndefined();
  });

  it('given a batch file, when one key is shredded, then its key bytes are gone from the file, it reads undefined, and the others still read', async () => {
    const dir = await tempDir();
    const keys = createFolderKeyStore(dir);
    const records = keyRecords(4);
    ok(await keys.putMany!(records));
    const victim = records[1]!;
    ok(await keys.shred(victim.sampleId));
    const [file] = await readdir(path.join(dir, 'batches'));
    const bytes = await readFile(path.join(dir, 'batches', file!));
    expect(bytes.indexOf(Buffer.from(victim.record.dataKey))).toBe(-1);
    expect(bytes.indexOf(Buffer.from(victim.record.salt!))).toBe(-1);
    expect(ok(await keys.get(victim.sampleId))).toBeUndefined();
    expect(ok(await createFolderKeyStore(dir).get(victim.sampleId))).toBeUndefined();
    for (const { sampleId, record } of records.filter((r) => r !== victim)) expect(ok(await keys.get(sampleId))).toEqual(record);
    ok(await keys.shred(victim.sampleId));
  });

  it('given a batch file, when every key in it is shredded (shredMany), then the file is gone', async () => {
    const dir = await tempDir();
    const keys = createFolderKeyStore(dir);
    const records = keyRecords(3);
    ok(await keys.putMany!(records));
    ok(await keys.shredMany!(records.map((r) => r.sampleId)));
    expect(await readdir(path.join(dir, 'batches'))).toEqual([]);
  });

  it('given a batch written by one store, when a fresh store opens the folder, then it reads and shreds those keys', async () => {
    const dir = await tempDir();
    const records = keyRecords(3);
    ok(await createFolderKeyStore(dir).putMany!(records));
    const reopened = createFolderKeyStore(dir);
    expect(ok(await reopened.get(records[2]!.sampleId))).toEqual(records[2]!.record);
    ok(await reopened.shred(records[2]!.sampleId));
    expect(ok(await createFolderKeyStore(dir).get(records[2]!.sampleId))).toBeUndefined();
  });

  it('given a batch file this store has read, when a later miss scans the folder, then it reads only files it has not seen: a newer one is found and the read one is not read again', async () => {
    const dir = await tempDir();
    const keys = createFolderKeyStore(dir);
    const records = keyRecords(5);
    ok(await createFolderKeyStore(dir).putMany!(records.slice(0, 3)));
    expect(ok(await keys.get(records[0]!.sampleId))).toEqual(records[0]!.record);
    const [read] = await readdir(path.join(dir, 'batches'));
    await makeUnreadable(path.join(dir, 'batches'), read!);
    ok(await createFolderKeyStore(dir).putMany!(records.slice(3)));
    expect(ok(await keys.get(records[4]!.sampleId))).toEqual(records[4]!.record);
    expect(ok(await keys.get(idOf(99)))).toBeUndefined();
  });

  it('given a batch of one, then it keeps the one-file-per-sample layout', async () => {
    const dir = await tempDir();
    const [only] = keyRecords(1);
    ok(await createFolderKeyStore(dir).putMany!([only!]));
    expect(await readdir(dir)).toEqual([`${only!.sampleId}.key`]);
  });
});

describe('folder blob store: one segment per batch', () => {
  const blobsOf = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ address: idOf(i + 1), ciphertext: new Uint8Array(randomBytes(10 + i * 7)) }));

  it('given a batch put with putMany, then it is one segment and every blob reads back from this store and a fresh one', async () => {
    const dir = await tempDir();
    const blobs = createFolderBlobStore(dir);
    const entries = blobsOf(6);
    ok(await blobs.putMany!(entries));
    expect(await readdir(path.join(dir, 'segments'))).toHaveLength(1);
    const fresh = createFolderBlobStore(dir);
    for (const { address, ciphertext } of entries) {
      expect(ok(await blobs.get(address))).toEqual(ciphertext);
      expect(ok(await fresh.get(address))).toEqual(ciphertext);
    }
    expect(ok(await fresh.get(idOf(99)))).toBeUndefined();
  });

  it('given a segment, when one blob is deleted, then the segment no longer holds its bytes and the others still read', async () => {
    const dir = await tempDir();
    const blobs = createFolderBlobStore(dir);
    const entries = blobsOf(4);
    ok(await blobs.putMany!(entries));
    ok(await blobs.delete(entries[2]!.address));
    const [file] = await readdir(path.join(dir, 'segments'));
    expect((await readFile(path.join(dir, 'segments', file!))).indexOf(Buffer.from(entries[2]!.ciphertext))).toBe(-1);
    expect(ok(await blobs.get(entries[2]!.address))).toBeUndefined();
    for (const { address, ciphertext } of entries.filter((_, i) => i !== 2))
      expect(ok(await createFolderBlobStore(dir).get(address))).toEqual(ciphertext);
  });

  it('given a segment this store has read, when a later miss scans the folder, then it reads only segments it has not seen: a newer one is found and the read one is not read again', async () => {
    const dir = await tempDir();
    const blobs = createFolderBlobStore(dir);
    const entries = blobsOf(5);
    ok(await createFolderBlobStore(dir).putMany!(entries.slice(0, 3)));
    expect(ok(await blobs.get(entries[0]!.address))).toEqual(entries[0]!.ciphertext);
    const [read] = await readdir(path.join(dir, 'segments'));
    await makeUnreadable(path.join(dir, 'segments'), read!);
    ok(await createFolderBlobStore(dir).putMany!(entries.slice(3)));
    expect(ok(await blobs.get(entries[4]!.address))).toEqual(entries[4]!.ciphertext);
    expect(ok(await blobs.get(idOf(99)))).toBeUndefined();
  });

  it('given a segment, when all its blobs are deleted (deleteMany), then the segment is gone', async () => {
    const dir = await tempDir();
    const blobs = createFolderBlobStore(dir);
    const entries = blobsOf(3);
    ok(await blobs.putMany!(entries));
    ok(await blobs.deleteMany!(entries.map((e) => e.address)));
    expect(await readdir(path.join(dir, 'segments'))).toEqual([]);
  });
});

describe('bulk ingest on folder stores', () => {
  it('given a batch of personal-data samples ingested at once, when one is erased, then it reads as erased, no file holds its plaintext or key, and its batch-mates still read', async () => {
    const dir = await tempDir();
    const keys = createFolderKeyStore(path.join(dir, 'keys'));
    const ledger = ledgerOn(undefined, { blobs: createFolderBlobStore(path.join(dir, 'blobs')), keys });
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const plaintexts = ['patient 1: Jane Q. Public', 'patient 2: John Roe', 'patient 3: Max Mustermann'].map(text);
    const receipts = right(
      await ledger.contribute.batch(
        plaintexts.map((bytes) => ({
          kind: 'sample' as const,
          bytes,
          mediaType: 'text/plain',
          license: 'CC-BY-4.0',
          source: 'clinic',
          personalData: true,
        })),
        alice,
      ),
    );
    expect(await readdir(path.join(dir, 'keys', 'batches'))).toHaveLength(1);
    expect(await readdir(path.join(dir, 'blobs', 'segments'))).toHaveLength(1);
    const erasedKey = ok(await keys.get(receipts[0]!.id))!;

    right(await ledger.erase(receipts[0]!.id, alice, 'subject access request'));
    expect(left(await ledger.samples.read(receipts[0]!.id))._tag).toBe('ErasedSample');
    const files = [...(await readdir(dir, { recursive: true, withFileTypes: true }))]
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.indexOf(Buffer.from(plaintexts[0]!))).toBe(-1);
      expect(bytes.indexOf(Buffer.from(erasedKey.dataKey))).toBe(-1);
      expect(bytes.indexOf(Buffer.from(erasedKey.salt!))).toBe(-1);
    }
    expect(right(await ledger.samples.read(receipts[1]!.id))).toEqual(plaintexts[1]);
    expect(right(await ledger.samples.read(receipts[2]!.id))).toEqual(plaintexts[2]);
    await ledger.close();
  });
});
