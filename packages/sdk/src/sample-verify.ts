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
import type { KeyStore } from './key-store/port.js';
import type { SampleCommitment } from './sample-crypto.js';
import { openPaired, type OpenFailure } from './sample-open.js';
import { idOf } from './signing.js';
import { SampleIdTable, SampleKeys } from './sample-tables.js';

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

/** The samples to check: every logged one numbered in log order (below `count`), which are erased. */
export interface FoldedSamples {
  readonly ids: SampleIdTable;
  /** 1 at the number of a logged sample the log erases. */
  readonly dead: Uint8Array;
  /** Logged samples not erased. */
  readonly live: number;
  readonly erased: ReadonlySet<string>;
  readonly count: number;
}

const quiet: SampleVerifyProgress = { start() {}, update() {} };

/**
 * What the samples check needs of the log (the id and position of every sample it logs, which
 * are erased), folded one event at a time in log order: `cairn verify` folds it in its own pass
 * over the log, so the samples check does not read the whole log again. Only ids and positions
 * are kept, never an event. One fold per check.
 */
export class LoggedSamples {
  private readonly logged = new SampleIdTable();
  private readonly erasedIds = new Set<string>();
  private readonly amendedBy: AmendedBy = new Map();

  /** `position` lets the check read a batch's events back as one range of the log (absent: by id). */
  note(event: { readonly id: string; readonly data: unknown; readonly position?: bigint }): void {
    const data = event.data as { type?: string; payload?: { sample?: unknown } } | null;
    if (data?.type === 'SampleContributed') {
      this.logged.add(event.id, event.position === undefined ? NaN : Number(event.position));
      const amends = (data.payload as { amends?: unknown } | undefined)?.amends;
      if (typeof amends === 'string') noteAmendment(this.amendedBy, event.id, amends);
    }
    // an erasure reaches the samples amending the erased one before it: their keys must be gone too
    else if (data?.type === 'SampleErased' && typeof data.payload?.sample === 'string')
      for (const id of erasureReach(this.amendedBy, [data.payload.sample])) this.erasedIds.add(id);
  }

  /** The samples not erased (each must open) and the erased ones (none may keep a key). */
  finish(): FoldedSamples {
    const count = this.logged.size;
    const dead = new Uint8Array(count);
    let live = count;
    for (const id of this.erasedIds) {
      const at = this.logged.find(id);
      if (at >= 0 && dead[at] === 0) {
        dead[at] = 1;
        live--;
      }
    }
    return { ids: this.logged, dead, live, erased: this.erasedIds, count };
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
  const { ids, dead, live, erased, count } = folded.finish();
  /** The number of a logged sample the log does not erase, or -1. */
  const liveAt = (id: string): number => {
    const at = ids.find(id);
    return at >= 0 && dead[at] === 0 ? at : -1;
  };

  let problemCount = 0;
  const problems: SampleProblem[] = [];
  const report = (problem: SampleProblem) => {
    problemCount++;
    if (problems.length < PROBLEMS_SHOWN) problems.push(problem);
  };
  let unlogged = 0;
  let keyCopies = 0;
  let blobCopies = 0;

  const keys = new SampleKeys(count);
  const survivors = new Set<string>();
  progress.start(live + erased.size, 'checking sample keys');
  const keysRead = await stores.keys.each(({ sampleId, record }) => {
    progress.update(++keyCopies);
    if (erased.has(sampleId)) survivors.add(sampleId);
    else {
      const at = liveAt(sampleId);
      if (at >= 0) keys.add(at, record);
      else unlogged++;
    }
  });
  if (E.isLeft(keysRead)) return keysRead;
  for (const sampleId of survivors)
    report({ sampleId, check: 'erasure', reason: 'the sample is erased in the log, yet a copy of its key is still in the key store' });

  // A copy no key opens is harmless beside one that opens (a read pairs the one that does), so
  // it is counted, and reported only when no copy of the sample opens. A copy that opens to other
  // bytes than the committed ones is reported at once.
  const opened = new Uint8Array(count);
  const mismatched = new Set<number>();
  const unopened = new Map<number, { copies: number; reason: string }>();
  const check = (at: number, ciphertext: Uint8Array, sample: LoggedSample | undefined) => {
    const signed = sample === undefined ? undefined : idOf(sample.type, sample.payload, sample.signer);
    const result: E.Either<OpenFailure, Uint8Array> =
      signed === undefined
        ? E.left({ kind: 'unopened', reason: 'the log no longer answers for its event' })
        : E.isLeft(signed)
          ? E.left({ kind: 'unopened', reason: signed.left.message })
          : openPaired(keys.of(at), [ciphertext], signed.right.signingBytes, sample!.payload.commitment);
    if (E.isRight(result)) opened[at] = 1;
    else if (result.left.kind === 'mismatch') {
      if (!mismatched.has(at))
        report({
          sampleId: ids.idAt(at),
          check: 'bytes',
          reason: `a stored copy of its bytes opens to other bytes than the logged commitment: ${result.left.reason}`,
        });
      mismatched.add(at);
    } else unopened.set(at, { copies: (unopened.get(at)?.copies ?? 0) + 1, reason: result.left.reason });
  };
  // Ciphertexts of live samples wait here until their events are read from the log, a chunk at a
  // time, and are checked in the order the store gave them.
  let waiting: { readonly at: number; readonly ciphertext: Uint8Array }[] = [];
  let logFailure: EventLogError | undefined;
  const drain = async () => {
    const entries = waiting;
    waiting = [];
    if (entries.length === 0 || logFailure !== undefined) return;
    const events = await eventsOf(stores.log, ids, [...new Set(entries.map((e) => e.at))], chunk);
    if (E.isLeft(events)) {
      logFailure = events.left;
      return;
    }
    for (const { at, ciphertext } of entries) check(at, ciphertext, events.right.get(at));
  };
  progress.start(live, 'decrypting sample bytes');
  const blobsRead = await stores.blobs.each(async (entry: BlobEntry) => {
    progress.update(++blobCopies);
    const at = liveAt(entry.address);
    if (at < 0) {
      if (!erased.has(entry.address)) unlogged++;
      return;
    }
    waiting.push({ at, ciphertext: entry.ciphertext });
    if (waiting.length >= chunk) await drain();
  });
  if (E.isLeft(blobsRead)) return blobsRead;
  await drain();
  if (logFailure !== undefined) return E.left(logFailure);
  let unpaired = 0;
  for (let at = 0; at < count; at++) {
    if (dead[at] === 1) continue;
    const failed = unopened.get(at);
    if (opened[at] === 1) unpaired += failed?.copies ?? 0;
    else if (!keys.has(at))
      report({
        sampleId: ids.idAt(at),
        check: 'key',
        reason: 'no key is left for it, yet the log does not erase it: its bytes cannot be read',
      });
    else if (mismatched.has(at)) continue;
    else if (failed)
      report({
        sampleId: ids.idAt(at),
        check: 'bytes',
        reason: `no stored copy of its bytes opens to the logged commitment: ${failed.reason}`,
      });
    else report({ sampleId: ids.idAt(at), check: 'bytes', reason: 'no copy of its bytes is left in the blob store' });
  }
  return E.right({ samples: live, erased: erased.size, keyCopies, blobCopies, unlogged, unpaired, problemCount, problems });
}

/** Wanted events further apart than this in the log are not read as one range. */
const RUN_GAP = 64;

/**
 * The events of these samples (by number), each the one whose id is the sample's. A sealed
 * batch's samples lie side by side in the log and a blob segment holds one batch, so a chunk's
 * events mostly fill a few ranges of positions: a run of them that fills at least half its range
 * is read as that range (one sequential read instead of an index probe per id), keeping only the
 * events whose ids are wanted. What is left (scattered events, a position not known, an event
 * the range did not hold) is read by id.
 */
async function eventsOf(
  log: EventLog,
  ids: SampleIdTable,
  wanted: readonly number[],
  chunk: number,
): Promise<E.Either<EventLogError, Map<number, LoggedSample>>> {
  const found = new Map<number, LoggedSample>();
  const pending = new Set(wanted);
  // A run must hold enough of the chunk to be worth its own read: a chunk costs at most 16 range reads.
  const minRun = Math.max(2, Math.ceil(chunk / 16));
  const placed = wanted.filter((at) => Number.isSafeInteger(ids.positionAt(at))).sort((a, b) => ids.positionAt(a) - ids.positionAt(b));
  for (let from = 0; from < placed.length;) {
    let to = from + 1;
    while (to < placed.length && ids.positionAt(placed[to]!) - ids.positionAt(placed[to - 1]!) <= RUN_GAP) to++;
    const first = ids.positionAt(placed[from]!);
    const span = ids.positionAt(placed[to - 1]!) - first + 1;
    const members = to - from;
    from = to;
    if (members < minRun || span > 2 * members) continue;
    // Positions may have gaps, so `span` events after the one before the first reach past the last.
    const range = await log.readAll({ after: BigInt(first) - 1n, limit: span });
    if (E.isLeft(range)) return range;
    for (const event of range.right) {
      const at = ids.find(event.id);
      if (pending.delete(at)) found.set(at, event.data as unknown as LoggedSample);
    }
  }
  if (pending.size > 0) {
    const byId = await log.readByIds([...pending].map((at) => ids.idAt(at)));
    if (E.isLeft(byId)) return byId;
    for (const event of byId.right) {
      const at = ids.find(event.id);
      if (pending.has(at)) found.set(at, event.data as unknown as LoggedSample);
    }
  }
  return E.right(found);
}
