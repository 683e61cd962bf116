// A sample sealed more than once: after a crash between storing a batch's bytes and appending
// its events, and a retry; or when two writers import the same samples at once. Every sample
// must read back (its key and ciphertext from one sealing), and erasure must leave no copy of
// the key nor any key/ciphertext pair that opens, anywhere in the folders.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import { createInMemoryEventLog, openPostgresEventLog, type EventLog } from '@cairn/eventlog';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { createFolderBlobStore } from './blob-store/folder.js';
import { createFolderKeyStore } from './key-store/folder.js';
import { prepareSample } from './api/contributions.js';
import { openSample } from './sample-crypto.js';
import { idOf, type Signer } from './signing.js';
import { ledgerOn, left, right, text } from './__tests__/given.js';
import type { IngestItem } from './ingest/ingest-batch.js';
import type { Ledger } from './ledger.js';
import { LoggedSamples } from './sample-verify.js';
import { verifyLog } from './verify/verify-log.js';

const availability = await postgresForTests();

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-seal-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const storesIn = (dir: string) => ({
  blobs: createFolderBlobStore(path.join(dir, 'blobs')),
  keys: createFolderKeyStore(path.join(dir, 'keys')),
});

/** The log, except that its first appendMany dies the way a killed process does: no answer, no undo. */
function dyingOnFirstAppend(log: EventLog): EventLog {
  let died = false;
  return new Proxy(log, {
    get(target, name, receiver) {
      if (name === 'appendMany' && !died) {
        return () => {
          died = true;
          throw new Error('killed between sealing and appending');
        };
      }
      if (name === 'close') return async () => undefined;
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A log that answers every append as a fresh write, as an adapter that cannot tell a concurrent replay from a write would. */
function neverSayingReplayed(log: EventLog): EventLog {
  return new Proxy(log, {
    get(target, name, receiver) {
      if (name === 'close') return async () => undefined;
      if (name === 'appendMany')
        return async (...args: Parameters<EventLog['appendMany']>) =>
          E.map((rs: readonly { alreadyAppended: boolean }[]) => rs.map((r) => ({ ...r, alreadyAppended: false })))(
            await target.appendMany(...args),
          );
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

interface Signed {
  readonly items: IngestItem[];
  readonly ids: string[];
  readonly plaintexts: Uint8Array[];
  readonly associatedData: Uint8Array[];
}

/** Signed samples with their bytes, the same events every time they are ingested (personal data for odd ones). */
function signedSamples(ledger: Ledger, signer: Signer, tag: string, n: number): Signed {
  const out: Signed = { items: [], ids: [], plaintexts: [], associatedData: [] };
  for (let i = 0; i < n; i++) {
    const bytes = text(`${tag} sample ${i}: Jane Q. Public, 221B Baker Street`);
    const prepared = prepareSample({ bytes, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'clinic', personalData: i % 2 === 1 });
    const envelope = right(ledger.sign(prepared.type, prepared.payload, signer));
    const ids = idOf(prepared.type, prepared.payload, signer.contributorId);
    if (E.isLeft(ids)) throw new Error(ids.left.message);
    out.items.push({ envelope, sample: prepared.sample! });
    out.ids.push(ids.right.eventId);
    out.plaintexts.push(bytes);
    out.associatedData.push(ids.right.signingBytes);
  }
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Every 32-byte data key a thief could lift from the key folder's raw files, shredded-looking records included. */
async function rawKeys(dir: string): Promise<Uint8Array[]> {
  const keys: Uint8Array[] = [];
  for (const file of await filesUnder(path.join(dir, 'keys'))) {
    const bytes = new Uint8Array(await readFile(file));
    if (file.endsWith('.keys')) for (let at = 0; at + 97 <= bytes.length; at += 97) keys.push(bytes.slice(at + 33, at + 65));
    else keys.push(bytes.slice(1, 33));
  }
  return keys;
}

/** Every ciphertext in the blob folder's raw files: single files, and every slot of every segment, dropped or not. */
async function rawBlobs(dir: string): Promise<Uint8Array[]> {
  const blobs: Uint8Array[] = [];
  for (const file of await filesUnder(path.join(dir, 'blobs'))) {
    const bytes = Buffer.from(await readFile(file));
    if (!file.endsWith('.seg')) {
      blobs.push(new Uint8Array(bytes));
      continue;
    }
    const count = bytes.readUInt32LE(0);
    let at = 4 + count * 36;
    for (let i = 0; i < count; i++) {
      const length = bytes.readUInt32LE(4 + i * 36 + 32);
      blobs.push(new Uint8Array(bytes.subarray(at, at + length)));
      at += length;
    }
  }
  return blobs;
}

/** The plaintexts any raw key opens any raw ciphertext to, under each sample's associated data. */
async function recoverable(dir: string, samples: Signed): Promise<string[]> {
  const [keys, blobs] = [await rawKeys(dir), await rawBlobs(dir)];
  const found: string[] = [];
  for (const [i, ad] of samples.associatedData.entries())
    for (const blob of blobs) for (const key of keys) if (E.isRight(openSample(blob, key, ad))) found.push(samples.ids[i]!);
  return found;
}

async function expectEveryReadBack(dir: string, log: EventLog, samples: Signed): Promise<void> {
  // A fresh process: nothing cached from the writes.
  const reader = ledgerOn(dyingNever(log), storesIn(dir));
  for (const [i, id] of samples.ids.entries()) expect(right(await reader.samples.read(id))).toEqual(samples.plaintexts[i]);
}

/** A view of the log whose close leaves it open (several ledgers share one log here). */
function dyingNever(log: EventLog): EventLog {
  return new Proxy(log, {
    get(target, name, receiver) {
      if (name === 'close') return async () => undefined;
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function sealTwiceSpecification(
  name: string,
  openLog: () => Promise<{ log: EventLog; another: () => Promise<EventLog>; close: () => Promise<void> }>,
): void {
  describe(`hardening: a sample sealed twice, on ${name}`, () => {
    it('given batches whose bytes were sealed and stored but whose append died, when the same batches are ingested again, then every sample reads back from a fresh process and one key and one ciphertext are left per sample', async () => {
      const { log, close } = await openLog();
      const dir = await tempDir();
      const setup = ledgerOn(dyingNever(log), storesIn(dir));
      const alice = right(await setup.contributors.register(generateSigningKey(), { name: 'alice' }));
      // Several rounds: a reader that picked the key of one sealing and the bytes of the other
      // would fail in about half of them.
      const rounds = Array.from({ length: 8 }, (_, r) => signedSamples(setup, alice, `round ${r}`, 4));
      for (const samples of rounds) {
        const crashing = ledgerOn(dyingOnFirstAppend(log), storesIn(dir));
        await expect(crashing.ingest(samples.items)).rejects.toThrow(/killed/);
        right(await ledgerOn(dyingNever(log), storesIn(dir)).ingest(samples.items));
      }
      for (const samples of rounds) await expectEveryReadBack(dir, log, samples);
      const stores = storesIn(dir);
      for (const id of rounds.flatMap((s) => s.ids)) {
        expect(E.map((c: unknown[]) => c.length)(await stores.keys.copies(id))).toEqual(E.right(1));
        expect(E.map((c: unknown[]) => c.length)(await stores.blobs.copies(id))).toEqual(E.right(1));
      }
      expect(right(await ledgerOn(dyingNever(log), stores).samples.verify())).toMatchObject({
        samples: 32,
        keyCopies: 32,
        blobCopies: 32,
        problemCount: 0,
      });
      await close();
    }, 120_000);

    it('given two writers that seal the same samples at once on one folder, when one erases them, then every sample reads as erased and no key or ciphertext left in any file opens any of them', async () => {
      const { log, another, close } = await openLog();
      const dir = await tempDir();
      const first = ledgerOn(dyingNever(log), storesIn(dir));
      const second = ledgerOn(dyingNever(await another()), storesIn(dir));
      const alice = right(await first.contributors.register(generateSigningKey(), { name: 'alice' }));
      const samples = signedSamples(first, alice, 'concurrent', 16);
      const [a, b] = await Promise.all([first.ingest(samples.items), second.ingest(samples.items)]);
      expect(right(a).map((r) => r.id)).toEqual(samples.ids);
      expect(right(b).map((r) => r.id)).toEqual(samples.ids);
      await expectEveryReadBack(dir, log, samples);
      const keysBefore = (await rawKeys(dir)).map((k) => Buffer.from(k));

      for (const id of samples.ids) right(await second.erase(id, alice, 'subject access request'));
      for (const id of samples.ids) expect(left(await first.samples.read(id))._tag).toBe('ErasedSample');
      expect(await recoverable(dir, samples)).toEqual([]);
      const everything = Buffer.concat(await Promise.all((await filesUnder(dir)).map((f) => readFile(f))));
      for (const key of keysBefore) expect(everything.indexOf(key)).toBe(-1);
      for (const plaintext of samples.plaintexts) expect(everything.indexOf(Buffer.from(plaintext))).toBe(-1);
      expect(right(await first.samples.verify())).toMatchObject({ erased: 16, keyCopies: 0, problemCount: 0 });
      await close();
    }, 120_000);
  });
}

/**
 * A log that counts the passes over it begun, reads from its start (the samples check folded in
 * verify's pass must begin none; reading a batch's events back as a range of the log is no pass).
 */
function countingReads(log: EventLog): { readonly log: EventLog; readonly reads: () => number } {
  let reads = 0;
  const counted = new Proxy(log, {
    get(target, name, receiver) {
      if (name === 'readAll')
        return (...a: Parameters<EventLog['readAll']>) => ((a[0]?.after ?? null) === null && reads++, target.readAll(...a));
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { log: counted, reads: () => reads };
}

/** The samples check as `cairn verify` runs it: the log folded in the log check's own pass, not read again. */
async function verifiedInTheLogPass(ledger: Ledger, counted: ReturnType<typeof countingReads>) {
  const logged = new LoggedSamples();
  expect((await verifyLog(counted.log, undefined, undefined, { samples: logged })).firstBad).toBeNull();
  const before = counted.reads();
  const v = await ledger.samples.verify(undefined, logged);
  expect(counted.reads()).toBe(before);
  return v;
}

describe.each([
  ['the samples check reading the log itself', (ledger: Ledger) => ledger.samples.verify()],
  ['the log folded in the log check’s pass', verifiedInTheLogPass],
] as const)('hardening: checking the sample stores against the log, %s', (_how, verify) => {
  async function givenErasedAndLive(dir: string) {
    const counted = countingReads(createInMemoryEventLog());
    const ledger = ledgerOn(counted.log, storesIn(dir));
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const samples = signedSamples(ledger, alice, 'audit', 6);
    right(await ledger.ingest(samples.items));
    const erasedKey = E.getOrElseW(() => [])(await storesIn(dir).keys.copies(samples.ids[1]!));
    right(await ledger.erase(samples.ids[1]!, alice, 'subject access request'));
    return { ledger, samples, erasedKey, verified: () => verify(ledger, counted) };
  }

  it('given live samples, an erased one, and untouched stores, when verified, then every sample is checked and nothing is reported', async () => {
    const { samples, verified } = await givenErasedAndLive(await tempDir());
    const v = right(await verified());
    expect(v).toMatchObject({
      samples: samples.ids.length - 1,
      erased: 1,
      keyCopies: samples.ids.length - 1,
      problemCount: 0,
      problems: [],
    });
  });

  it('given a segment whose copy of one sample was altered, when verified, then that sample is reported: no copy of its bytes opens to the commitment', async () => {
    const dir = await tempDir();
    const { samples, verified } = await givenErasedAndLive(dir);
    const [segment] = await filesUnder(path.join(dir, 'blobs', 'segments'));
    const bytes = await readFile(segment!);
    // The last slot's last byte: a tag byte of the last sample's ciphertext.
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(segment!, bytes);
    const v = right(await verified());
    expect(v.problems).toEqual([
      {
        sampleId: samples.ids[5],
        check: 'bytes',
        reason: expect.stringMatching(
          /no stored copy of its bytes opens to the logged commitment: authentication failed/,
        ) as unknown as string,
      },
    ]);
  });

  it('given an erased sample whose key was put back in the key store, when verified, then it is reported: its key survives the erasure', async () => {
    const dir = await tempDir();
    const { samples, erasedKey, verified } = await givenErasedAndLive(dir);
    expect(erasedKey).toHaveLength(1);
    E.getOrElseW((e: unknown) => {
      throw new Error(String(e));
    })(
      await storesIn(dir).keys.putMany!([
        { sampleId: samples.ids[1]!, record: erasedKey[0]! },
        { sampleId: samples.ids[1]!, record: erasedKey[0]! },
      ]),
    );
    const v = right(await verified());
    expect(v.problems).toEqual([
      {
        sampleId: samples.ids[1],
        check: 'erasure',
        reason: expect.stringMatching(/erased in the log, yet a copy of its key/) as unknown as string,
      },
    ]);
  });
});

describe('hardening: two writers that each believe their append wrote the sample', () => {
  it("given a log that answers a concurrent replay as a write, when two writers seal the same samples at once, then no writer removes the other's pair: every sample reads back and every stored copy opens", async () => {
    const log = createInMemoryEventLog();
    const dir = await tempDir();
    const first = ledgerOn(neverSayingReplayed(log), storesIn(dir));
    const alice = right(await first.contributors.register(generateSigningKey(), { name: 'alice' }));
    const samples = signedSamples(first, alice, 'both won', 8);
    const second = ledgerOn(neverSayingReplayed(log), storesIn(dir));
    const [a, b] = await Promise.all([first.ingest(samples.items), second.ingest(samples.items)]);
    expect([...right(a), ...right(b)].every((r) => !r.alreadyAppended)).toBe(true);
    await expectEveryReadBack(dir, log, samples);
    // Whichever writer settles last may find the other's copies not yet written: then both pairs stay.
    const v = right(await ledgerOn(dyingNever(log), storesIn(dir)).samples.verify());
    expect(v).toMatchObject({ samples: 8, problemCount: 0 });
    expect(v.keyCopies).toBeGreaterThanOrEqual(8);
    expect(v.blobCopies).toBeGreaterThanOrEqual(8);
  });
});

sealTwiceSpecification('the in-memory log', async () => {
  const log = createInMemoryEventLog();
  return { log, another: async () => log, close: () => log.close() };
});

describePostgres(availability, 'hardening: a sample sealed twice on the Postgres log', () => {
  sealTwiceSpecification('Postgres, two connections', async () => {
    const schema = await createTestSchema('sdk_seal');
    const opened: EventLog[] = [];
    const open = async () => {
      const log = await openPostgresEventLog({ connectionString: schema.url });
      opened.push(log);
      return log;
    };
    const log = await open();
    return {
      log,
      another: open,
      close: async () => {
        for (const l of opened) await l.close();
        await schema.drop();
      },
    };
  });
});
