// Checking the sample stores against the log (`cairn verify`'s samples section): every live
// sample's ciphertext opens with one of its keys and the plaintext matches the logged commitment
// (sha256 of the bytes, or for personal data the HMAC keyed with the salt stored beside the key),
// and no erased sample has a key left in any copy. Each store is read once, file by file
// (KeyStore.each, BlobStore.each), not once per sample.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError } from '@cairn/eventlog';
import type { BlobStore, StorageError } from './blob-store/port.js';
import type { KeyStore, SampleKeyRecord } from './key-store/port.js';
import type { SampleCommitment } from './sample-crypto.js';
import { openPaired } from './sample-open.js';
import { idOf } from './signing.js';

export type SampleCheck = 'bytes' | 'key' | 'erasure';

export interface SampleProblem {
  readonly sampleId: string;
  /** bytes: a ciphertext copy does not open to the commitment (or none is left); key: a live sample has no key; erasure: an erased sample's key survives. */
  readonly check: SampleCheck;
  readonly reason: string;
}

export interface SampleStoreVerification {
  /** Samples in the log that are not erased, each checked. */
  readonly samples: number;
  /** Erased samples, each checked for a surviving key. */
  readonly erased: number;
  readonly keyCopies: number;
  readonly blobCopies: number;
  /** Key or ciphertext copies of samples the log does not name (a sealing whose append never happened). */
  readonly unlogged: number;
  readonly problemCount: number;
  /** The first problems found, at most PROBLEMS_SHOWN. */
  readonly problems: readonly SampleProblem[];
}

export interface SampleVerifyProgress {
  start(total: number, label: string): void;
  update(done: number): void;
}

export const PROBLEMS_SHOWN = 20;
const PAGE = 2000;

interface LoggedSample {
  readonly type: string;
  readonly signer: string;
  readonly payload: { readonly commitment: SampleCommitment };
}

const quiet: SampleVerifyProgress = { start() {}, update() {} };

export async function verifySampleStore(
  stores: { readonly log: EventLog; readonly keys: KeyStore; readonly blobs: BlobStore },
  progress: SampleVerifyProgress = quiet,
): Promise<E.Either<EventLogError | StorageError, SampleStoreVerification>> {
  const live = new Map<string, LoggedSample>();
  const erased = new Set<string>();
  const head = await stores.log.head();
  if (E.isLeft(head)) return head;
  progress.start(Number(head.right ?? 0n), 'reading samples from the log');
  for (let after: bigint | null = null; ; ) {
    const page = await stores.log.readAll({ after, limit: PAGE });
    if (E.isLeft(page)) return page;
    for (const event of page.right) {
      const data = event.data as { type?: string; payload?: { sample?: unknown } };
      if (data.type === 'SampleContributed') live.set(event.id, event.data as unknown as LoggedSample);
      else if (data.type === 'SampleErased' && typeof data.payload?.sample === 'string') erased.add(data.payload.sample);
    }
    if (page.right.length === 0) break;
    after = page.right[page.right.length - 1]!.position;
    progress.update(Number(after));
    if (page.right.length < PAGE) break;
  }
  for (const id of erased) live.delete(id);

  let problemCount = 0;
  const problems: SampleProblem[] = [];
  const report = (problem: SampleProblem) => {
    problemCount++;
    if (problems.length < PROBLEMS_SHOWN) problems.push(problem);
  };
  let unlogged = 0;
  let keyCopies = 0;
  let blobCopies = 0;

  const keysOf = new Map<string, SampleKeyRecord[]>();
  const survivors = new Set<string>();
  progress.start(live.size + erased.size, 'checking sample keys');
  const keysRead = await stores.keys.each(({ sampleId, record }) => {
    progress.update(++keyCopies);
    if (erased.has(sampleId)) survivors.add(sampleId);
    else if (live.has(sampleId)) keysOf.set(sampleId, [...(keysOf.get(sampleId) ?? []), record]);
    else unlogged++;
  });
  if (E.isLeft(keysRead)) return keysRead;
  for (const sampleId of survivors) report({ sampleId, check: 'erasure', reason: 'the sample is erased in the log, yet a copy of its key is still in the key store' });

  const opened = new Set<string>();
  const badCopy = new Set<string>();
  progress.start(live.size, 'decrypting sample bytes');
  const blobsRead = await stores.blobs.each(({ address, ciphertext }) => {
    progress.update(++blobCopies);
    const sample = live.get(address);
    if (!sample) {
      if (!erased.has(address)) unlogged++;
      return;
    }
    const ids = idOf(sample.type, sample.payload, sample.signer);
    const result = E.isLeft(ids) ? E.left(ids.left.message) : openPaired(keysOf.get(address) ?? [], [ciphertext], ids.right.signingBytes, sample.payload.commitment);
    if (E.isRight(result)) opened.add(address);
    else if (keysOf.has(address)) {
      badCopy.add(address);
      report({ sampleId: address, check: 'bytes', reason: `a stored copy of its bytes does not open to the logged commitment: ${result.left}` });
    }
  });
  if (E.isLeft(blobsRead)) return blobsRead;
  for (const sampleId of live.keys()) {
    if (!keysOf.has(sampleId)) report({ sampleId, check: 'key', reason: 'no key is left for it, yet the log does not erase it: its bytes cannot be read' });
    else if (!opened.has(sampleId) && !badCopy.has(sampleId)) report({ sampleId, check: 'bytes', reason: 'no copy of its bytes is left in the blob store' });
  }
  return E.right({ samples: live.size, erased: erased.size, keyCopies, blobCopies, unlogged, problemCount, problems });
}
