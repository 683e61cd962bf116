// Checking the sample stores against the log (`cairn verify`'s samples section): every live
// sample's ciphertext opens with one of its keys, no copy opens to other bytes than the logged commitment
// (sha256 of the bytes, or for personal data the HMAC keyed with the salt stored beside the key),
// and no erased sample has a key left in any copy. Each store is read once, file by file
// (KeyStore.each, BlobStore.each), not once per sample.
import { erasureReach, noteAmendment, type AmendedBy } from './api/erasure-reach.js';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError } from '@cairn/eventlog';
import type { BlobStore, StorageError } from './blob-store/port.js';
import type { KeyStore, SampleKeyRecord } from './key-store/port.js';
import type { SampleCommitment } from './sample-crypto.js';
import { openPaired, type OpenFailure } from './sample-open.js';
import { idOf } from './signing.js';

export type SampleCheck = 'bytes' | 'key' | 'erasure';

export interface SampleProblem {
  readonly sampleId: string;
  /** bytes: no ciphertext copy opens to the commitment, or one opens to other bytes; key: a live sample has no key; erasure: an erased sample's key survives. */
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
  /** Ciphertext copies no key opens, of samples another copy of which opens (left by an interrupted sealing). */
  readonly unpaired: number;
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

/**
 * What the samples check needs of the log (every sample it logs, which are erased), folded one
 * event at a time in log order: `cairn verify` folds it in its own pass over the log, so the
 * samples check does not read the log again. One fold per check.
 */
export class LoggedSamples {
  private readonly logged = new Map<string, LoggedSample>();
  private readonly erasedIds = new Set<string>();
  private readonly amendedBy: AmendedBy = new Map();

  note(event: { readonly id: string; readonly data: unknown }): void {
    const data = event.data as { type?: string; payload?: { sample?: unknown } } | null;
    if (data?.type === 'SampleContributed') {
      this.logged.set(event.id, data as unknown as LoggedSample);
      const amends = (data.payload as { amends?: unknown } | undefined)?.amends;
      if (typeof amends === 'string') noteAmendment(this.amendedBy, event.id, amends);
    }
    // an erasure reaches the samples amending the erased one before it: their keys must be gone too
    else if (data?.type === 'SampleErased' && typeof data.payload?.sample === 'string')
      for (const id of erasureReach(this.amendedBy, [data.payload.sample])) this.erasedIds.add(id);
  }

  /** The samples not erased (each must open) and the erased ones (none may keep a key). */
  finish(): { readonly live: Map<string, LoggedSample>; readonly erased: ReadonlySet<string> } {
    const live = new Map(this.logged);
    for (const id of this.erasedIds) live.delete(id);
    return { live, erased: this.erasedIds };
  }
}

async function readLoggedSamples(log: EventLog, progress: SampleVerifyProgress): Promise<E.Either<EventLogError, LoggedSamples>> {
  const logged = new LoggedSamples();
  const head = await log.head();
  if (E.isLeft(head)) return head;
  progress.start(Number(head.right ?? 0n), 'reading samples from the log');
  for (let after: bigint | null = null; ;) {
    const page = await log.readAll({ after, limit: PAGE });
    if (E.isLeft(page)) return page;
    for (const event of page.right) logged.note(event);
    if (page.right.length === 0) break;
    after = page.right[page.right.length - 1]!.position;
    progress.update(Number(after));
    if (page.right.length < PAGE) break;
  }
  return E.right(logged);
}

/** Given `logged` (the log folded already, in full and in order), the log is not read again. */
export async function verifySampleStore(
  stores: { readonly log: EventLog; readonly keys: KeyStore; readonly blobs: BlobStore },
  progress: SampleVerifyProgress = quiet,
  logged?: LoggedSamples,
): Promise<E.Either<EventLogError | StorageError, SampleStoreVerification>> {
  let folded = logged;
  if (folded === undefined) {
    const read = await readLoggedSamples(stores.log, progress);
    if (E.isLeft(read)) return read;
    folded = read.right;
  }
  const { live, erased } = folded.finish();

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
  for (const sampleId of survivors)
    report({ sampleId, check: 'erasure', reason: 'the sample is erased in the log, yet a copy of its key is still in the key store' });

  // A copy no key opens is harmless beside one that opens (a read pairs the one that does), so
  // it is counted, and reported only when no copy of the sample opens. A copy that opens to other
  // bytes than the committed ones is reported at once.
  const opened = new Set<string>();
  const mismatched = new Set<string>();
  const unopened = new Map<string, { copies: number; reason: string }>();
  progress.start(live.size, 'decrypting sample bytes');
  const blobsRead = await stores.blobs.each(({ address, ciphertext }) => {
    progress.update(++blobCopies);
    const sample = live.get(address);
    if (!sample) {
      if (!erased.has(address)) unlogged++;
      return;
    }
    const ids = idOf(sample.type, sample.payload, sample.signer);
    const result: E.Either<OpenFailure, Uint8Array> = E.isLeft(ids)
      ? E.left({ kind: 'unopened', reason: ids.left.message })
      : openPaired(keysOf.get(address) ?? [], [ciphertext], ids.right.signingBytes, sample.payload.commitment);
    if (E.isRight(result)) opened.add(address);
    else if (result.left.kind === 'mismatch') {
      if (!mismatched.has(address))
        report({
          sampleId: address,
          check: 'bytes',
          reason: `a stored copy of its bytes opens to other bytes than the logged commitment: ${result.left.reason}`,
        });
      mismatched.add(address);
    } else unopened.set(address, { copies: (unopened.get(address)?.copies ?? 0) + 1, reason: result.left.reason });
  });
  if (E.isLeft(blobsRead)) return blobsRead;
  let unpaired = 0;
  for (const sampleId of live.keys()) {
    const failed = unopened.get(sampleId);
    if (opened.has(sampleId)) unpaired += failed?.copies ?? 0;
    else if (!keysOf.has(sampleId))
      report({ sampleId, check: 'key', reason: 'no key is left for it, yet the log does not erase it: its bytes cannot be read' });
    else if (mismatched.has(sampleId)) continue;
    else if (failed)
      report({ sampleId, check: 'bytes', reason: `no stored copy of its bytes opens to the logged commitment: ${failed.reason}` });
    else report({ sampleId, check: 'bytes', reason: 'no copy of its bytes is left in the blob store' });
  }
  return E.right({ samples: live.size, erased: erased.size, keyCopies, blobCopies, unlogged, unpaired, problemCount, problems });
}
