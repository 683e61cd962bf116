// Checking the sample stores against the log (`cairn verify`'s samples section): every live
// sample's ciphertext opens with one of its keys, no copy opens to other bytes than the logged commitment
// (sha256 of the bytes, or for personal data the HMAC keyed with the salt stored beside the key),
// and no erased sample has a key left in any copy. Each store is read once, file by file
// (KeyStore.each, BlobStore.each), not once per sample. What is held per sample is its id and its
// keys: the events whose signing bytes open the ciphertexts are read from the log by id, a chunk
// of ciphertexts at a time, so a long log's sample events are never all in memory at once.
import { erasureReach, noteAmendment, type AmendedBy } from './api/erasure-reach.js';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError } from '@cairn/eventlog';
import type { BlobEntry, BlobStore, StorageError } from './blob-store/port.js';
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
/** Ciphertexts held while their events are read from the log (one read of the log per chunk). */
export const SAMPLE_CHUNK = 1000;

interface LoggedSample {
  readonly type: string;
  readonly signer: string;
  readonly payload: { readonly commitment: SampleCommitment };
}

/** The samples to check: each live one's id and its place in the log, and the erased ones. */
export interface FoldedSamples {
  /** In log order; the number indexes the check's per-sample state (below `count`). */
  readonly live: ReadonlyMap<string, number>;
  readonly erased: ReadonlySet<string>;
  readonly count: number;
}

const quiet: SampleVerifyProgress = { start() {}, update() {} };

/**
 * What the samples check needs of the log (the id of every sample it logs, which are erased),
 * folded one event at a time in log order: `cairn verify` folds it in its own pass over the log,
 * so the samples check does not read the whole log again. Only ids are kept, never an event.
 * One fold per check.
 */
export class LoggedSamples {
  private readonly logged = new Map<string, number>();
  private readonly erasedIds = new Set<string>();
  private readonly amendedBy: AmendedBy = new Map();

  note(event: { readonly id: string; readonly data: unknown }): void {
    const data = event.data as { type?: string; payload?: { sample?: unknown } } | null;
    if (data?.type === 'SampleContributed') {
      if (!this.logged.has(event.id)) this.logged.set(event.id, this.logged.size);
      const amends = (data.payload as { amends?: unknown } | undefined)?.amends;
      if (typeof amends === 'string') noteAmendment(this.amendedBy, event.id, amends);
    }
    // an erasure reaches the samples amending the erased one before it: their keys must be gone too
    else if (data?.type === 'SampleErased' && typeof data.payload?.sample === 'string')
      for (const id of erasureReach(this.amendedBy, [data.payload.sample])) this.erasedIds.add(id);
  }

  /** The samples not erased (each must open) and the erased ones (none may keep a key). */
  finish(): FoldedSamples {
    // In place: a copy of a long log's ids would double what the check holds.
    const count = this.logged.size;
    for (const id of this.erasedIds) this.logged.delete(id);
    return { live: this.logged, erased: this.erasedIds, count };
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

/**
 * Given `logged` (the log folded already, in full and in order), the log is not read again in
 * full: only the live samples' events, by id, `chunk` at a time.
 */
export async function verifySampleStore(
  stores: { readonly log: EventLog; readonly keys: KeyStore; readonly blobs: BlobStore },
  progress: SampleVerifyProgress = quiet,
  logged?: LoggedSamples,
  chunk: number = SAMPLE_CHUNK,
): Promise<E.Either<EventLogError | StorageError, SampleStoreVerification>> {
  let folded = logged;
  if (folded === undefined) {
    const read = await readLoggedSamples(stores.log, progress);
    if (E.isLeft(read)) return read;
    folded = read.right;
  }
  const { live, erased, count } = folded.finish();

  let problemCount = 0;
  const problems: SampleProblem[] = [];
  const report = (problem: SampleProblem) => {
    problemCount++;
    if (problems.length < PROBLEMS_SHOWN) problems.push(problem);
  };
  let unlogged = 0;
  let keyCopies = 0;
  let blobCopies = 0;

  // By the sample's place in the log rather than by a second copy of its id; nearly every sample
  // has one key, held without an array around it.
  const keysAt = new Array<SampleKeyRecord | SampleKeyRecord[] | undefined>(count).fill(undefined);
  const keysOf = (at: number): readonly SampleKeyRecord[] => {
    const keys = keysAt[at];
    return keys === undefined ? [] : Array.isArray(keys) ? keys : [keys];
  };
  const survivors = new Set<string>();
  progress.start(live.size + erased.size, 'checking sample keys');
  const keysRead = await stores.keys.each(({ sampleId, record }) => {
    progress.update(++keyCopies);
    const at = live.get(sampleId);
    if (erased.has(sampleId)) survivors.add(sampleId);
    else if (at !== undefined) {
      const held = keysAt[at];
      keysAt[at] = held === undefined ? record : [...(Array.isArray(held) ? held : [held]), record];
    } else unlogged++;
  });
  if (E.isLeft(keysRead)) return keysRead;
  for (const sampleId of survivors)
    report({ sampleId, check: 'erasure', reason: 'the sample is erased in the log, yet a copy of its key is still in the key store' });

  // A copy no key opens is harmless beside one that opens (a read pairs the one that does), so
  // it is counted, and reported only when no copy of the sample opens. A copy that opens to other
  // bytes than the committed ones is reported at once.
  const opened = new Uint8Array(count);
  const mismatched = new Set<string>();
  const unopened = new Map<string, { copies: number; reason: string }>();
  const check = (address: string, at: number, ciphertext: Uint8Array, sample: LoggedSample | undefined) => {
    const ids = sample === undefined ? undefined : idOf(sample.type, sample.payload, sample.signer);
    const result: E.Either<OpenFailure, Uint8Array> =
      ids === undefined
        ? E.left({ kind: 'unopened', reason: 'the log no longer answers for its event' })
        : E.isLeft(ids)
          ? E.left({ kind: 'unopened', reason: ids.left.message })
          : openPaired(keysOf(at), [ciphertext], ids.right.signingBytes, sample!.payload.commitment);
    if (E.isRight(result)) opened[at] = 1;
    else if (result.left.kind === 'mismatch') {
      if (!mismatched.has(address))
        report({
          sampleId: address,
          check: 'bytes',
          reason: `a stored copy of its bytes opens to other bytes than the logged commitment: ${result.left.reason}`,
        });
      mismatched.add(address);
    } else unopened.set(address, { copies: (unopened.get(address)?.copies ?? 0) + 1, reason: result.left.reason });
  };
  // Ciphertexts of live samples wait here until their events are read from the log, a chunk at a
  // time, and are checked in the order the store gave them.
  let waiting: BlobEntry[] = [];
  let logFailure: EventLogError | undefined;
  const drain = async () => {
    const entries = waiting;
    waiting = [];
    if (entries.length === 0 || logFailure !== undefined) return;
    const events = await stores.log.readByIds([...new Set(entries.map((e) => e.address))]);
    if (E.isLeft(events)) {
      logFailure = events.left;
      return;
    }
    const byId = new Map<string, LoggedSample>(events.right.map((e) => [e.id, e.data as unknown as LoggedSample]));
    for (const { address, ciphertext } of entries) check(address, live.get(address)!, ciphertext, byId.get(address));
  };
  progress.start(live.size, 'decrypting sample bytes');
  const blobsRead = await stores.blobs.each(async (entry) => {
    progress.update(++blobCopies);
    if (!live.has(entry.address)) {
      if (!erased.has(entry.address)) unlogged++;
      return;
    }
    waiting.push(entry);
    if (waiting.length >= chunk) await drain();
  });
  if (E.isLeft(blobsRead)) return blobsRead;
  await drain();
  if (logFailure !== undefined) return E.left(logFailure);
  let unpaired = 0;
  for (const [sampleId, at] of live) {
    const failed = unopened.get(sampleId);
    if (opened[at] === 1) unpaired += failed?.copies ?? 0;
    else if (keysAt[at] === undefined)
      report({ sampleId, check: 'key', reason: 'no key is left for it, yet the log does not erase it: its bytes cannot be read' });
    else if (mismatched.has(sampleId)) continue;
    else if (failed)
      report({ sampleId, check: 'bytes', reason: `no stored copy of its bytes opens to the logged commitment: ${failed.reason}` });
    else report({ sampleId, check: 'bytes', reason: 'no copy of its bytes is left in the blob store' });
  }
  return E.right({ samples: live.size, erased: erased.size, keyCopies, blobCopies, unlogged, unpaired, problemCount, problems });
}
