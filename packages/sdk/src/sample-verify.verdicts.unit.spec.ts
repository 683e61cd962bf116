// The samples check's verdicts over every kind of copy a store can hold: how the check holds its
// ids and keys and how it reads the log must not change a word of what it reports.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import { contributeSample, ledgerOn, register, right, signedSamples, text } from './__tests__/given.js';
import { sealSample } from './sample-crypto.js';
import { idOf } from './signing.js';
import { LoggedSamples, verifySampleStore } from './sample-verify.js';
import { verifyLog } from './verify/verify-log.js';

function ok<L, R>(either: E.Either<L, R>): R {
  if (E.isLeft(either)) throw new Error(`expected success, got ${JSON.stringify(either.left)}`);
  return either.right;
}

type Stores = {
  readonly log: EventLog;
  readonly keys: ReturnType<typeof createMemoryKeyStore>;
  readonly blobs: ReturnType<typeof createMemoryBlobStore>;
};

const verifiedBy = {
  'the samples check reading the log itself': (stores: Stores) => verifySampleStore(stores),
  'the log folded in the log check’s pass': async (stores: Stores) => {
    const logged = new LoggedSamples();
    expect((await verifyLog(stores.log, undefined, undefined, { samples: logged })).firstBad).toBeNull();
    return verifySampleStore(stores, undefined, logged);
  },
};

/** Eight public samples in one batch (s0…s7) and a personal one whose commitment is salted, s1 erased. */
async function givenNineSamplesOneErased() {
  const stores: Stores = { log: createInMemoryEventLog(), keys: createMemoryKeyStore(), blobs: createMemoryBlobStore() };
  const ledger = ledgerOn(stores.log, stores);
  const alice = await register(ledger, 'alice');
  const s = right(await ledger.ingest(signedSamples(ledger, alice, 'verdict', 0, 8))).map((r) => r.id);
  const personal = (await contributeSample(ledger, alice, 'Jane Doe, 555-0100', { personalData: true })).id;
  right(await ledger.erase(s[1]!, alice, 'subject access request'));
  return { stores, s, personal };
}

describe.each(Object.entries(verifiedBy))('the samples check’s verdicts, %s', (_how, verify) => {
  it('given nine samples, one erased, and untouched stores, when verified, then every live sample opens (the salted one too) and nothing is reported', async () => {
    const { stores } = await givenNineSamplesOneErased();

    const verified = ok(await verify(stores));

    expect(verified).toEqual({
      samples: 8,
      erased: 1,
      keyCopies: 8,
      blobCopies: 8,
      unlogged: 0,
      unpaired: 0,
      problemCount: 0,
      problems: [],
    });
  });

  it('given every kind of damage and stray copy at once, when verified, then each is counted or reported as the check always has, in the same order', async () => {
    const { stores, s, personal } = await givenNineSamplesOneErased();
    const { keys, blobs, log } = stores;
    const keyOf = async (id: string) => ok(await keys.copies(id))[0]!;
    const bytesOf = async (id: string) => ok(await blobs.copies(id))[0]!;
    // s0: a second ciphertext no key opens, beside one that opens (an interrupted sealing's)
    ok(await blobs.put(s[0]!, new Uint8Array(64).fill(7)));
    // s1: erased, yet its key is put back (a copy kept of the one the erasure shredded)
    ok(await keys.put(s[1]!, { dataKey: new Uint8Array(32).fill(1) }));
    // s2: its only ciphertext altered in its last (tag) byte
    const altered = Uint8Array.from(await bytesOf(s[2]!));
    altered[altered.length - 1]! ^= 1;
    ok(await blobs.delete(s[2]!));
    ok(await blobs.put(s[2]!, altered));
    // s3: a second ciphertext sealed with its own key and envelope, of other bytes than committed
    const [event] = ok(await log.readByIds([s[3]!]));
    const data = event!.data as unknown as { type: string; payload: unknown; signer: string };
    const signing = ok(idOf(data.type, data.payload as never, data.signer)).signingBytes;
    ok(await blobs.put(s[3]!, sealSample(text('other bytes'), (await keyOf(s[3]!)).dataKey, signing)));
    // s4: its key shredded though the log does not erase it
    ok(await keys.shred(s[4]!));
    // s5: a second key copy (another sealing's) beside the one that opens
    ok(await keys.put(s[5]!, { dataKey: new Uint8Array(32).fill(5) }));
    // s6: its ciphertext gone
    ok(await blobs.delete(s[6]!));
    // copies of samples the log does not name, one under an id that is a logged one in upper case
    ok(await keys.put('ab'.repeat(32), await keyOf(s[7]!)));
    ok(await keys.put(s[7]!.toUpperCase(), await keyOf(s[7]!)));
    ok(await blobs.put('cd'.repeat(32), await bytesOf(s[7]!)));
    ok(await blobs.put(s[7]!.toUpperCase(), await bytesOf(s[7]!)));
    // the salted sample: a second key copy whose salt is another (its key still opens the bytes)
    const salted = await keyOf(personal);
    expect(salted.salt).toBeDefined();
    ok(await keys.put(personal, { dataKey: salted.dataKey, salt: new Uint8Array(32).fill(9) }));

    const verified = ok(await verify(stores));

    expect(verified).toEqual({
      samples: 8,
      erased: 1,
      keyCopies: 12,
      blobCopies: 11,
      unlogged: 4,
      unpaired: 1,
      problemCount: 5,
      problems: [
        { sampleId: s[1]!, check: 'erasure', reason: 'the sample is erased in the log, yet a copy of its key is still in the key store' },
        {
          sampleId: s[3]!,
          check: 'bytes',
          reason:
            'a stored copy of its bytes opens to other bytes than the logged commitment: the stored bytes do not match the logged commitment',
        },
        {
          sampleId: s[2]!,
          check: 'bytes',
          reason:
            'no stored copy of its bytes opens to the logged commitment: authentication failed: the blob, its key or the sample envelope was altered',
        },
        { sampleId: s[4]!, check: 'key', reason: 'no key is left for it, yet the log does not erase it: its bytes cannot be read' },
        { sampleId: s[6]!, check: 'bytes', reason: 'no copy of its bytes is left in the blob store' },
      ],
    });
  });

  it('given a salted sample whose only key copy carries another salt, when verified, then its bytes open but are reported as not the committed ones', async () => {
    const { stores, personal } = await givenNineSamplesOneErased();
    const key = ok(await stores.keys.copies(personal))[0]!;
    ok(await stores.keys.shred(personal));
    ok(await stores.keys.put(personal, { dataKey: key.dataKey, salt: new Uint8Array(32).fill(3) }));

    const verified = ok(await verify(stores));

    expect(verified).toMatchObject({ samples: 8, keyCopies: 8, problemCount: 1 });
    expect(verified.problems).toEqual([
      {
        sampleId: personal,
        check: 'bytes',
        reason:
          'a stored copy of its bytes opens to other bytes than the logged commitment: the stored bytes do not match the logged commitment',
      },
    ]);
  });
});
