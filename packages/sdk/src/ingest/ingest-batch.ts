// The one path every append takes, for one contribution or a hundred thousand: decode → load
// what the rules need from the log (one readByIds for all references, contributor streams
// brought up to date) → check the rules in batch order → verify signatures on the worker pool
// while the sample bytes are sealed and stored → one appendMany. All or nothing: the first
// failure is returned, with the index of the offending item, and nothing is appended.
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, EventLog, JsonValue, LogPosition } from '@cairn/eventlog';
import type { BlobStore } from '../blob-store/port.js';
import type { KeyStore } from '../key-store/port.js';
import type { LedgerError } from '../errors.js';
import type { LedgerState } from '../state/ledger-state.js';
import type { VerifyPool } from '../verify-pool.js';
import type { PreparePool } from './prepare-pool.js';
import type { SampleAttachment } from '../rules/sample-bytes.js';
import { referencesOf, requiredStreamsOf } from './references.js';
import { decodeItem, type DecodedItem } from './decode.js';
import { checkBatch, pureChecksOf, sealRootsAhead, type PendingItem, type PureChecks } from './check.js';
import type { SealRootAhead } from '../rules/seal.js';
import { EarlyVerdicts, verifySignatures } from './verify.js';
import { storeSamples } from './store-samples.js';
import type { LogAnchor } from '../tree-heads/anchor.js';
import type { EventId, SizeLimits } from '@cairn/schemas';

export interface IngestContext {
  readonly log: EventLog;
  readonly blobs: BlobStore;
  readonly keys: KeyStore;
  readonly state: LedgerState;
  readonly pool: VerifyPool | undefined;
  /** Signs a tree head after every append call (see tree-heads/anchor.ts); absent: none. */
  readonly anchor?: LogAnchor;
  /** The ledger's size limits (limits.ts), checked for every event new to the log. */
  readonly limits: SizeLimits;
  /** Workers for the per-row work of bulk contributions (prepare-pool.ts); absent: all in line. */
  readonly preparePool?: PreparePool;
}

/** One signed event to append, with the bytes when it is a sample. */
export interface IngestItem {
  readonly envelope: unknown;
  readonly sample?: SampleAttachment;
}

export interface Receipt {
  /** The event id (for a CF, its CF id: a CfId is an EventId). */
  readonly id: EventId;
  readonly type: string;
  readonly stream: string;
  readonly position: LogPosition;
  /** True when the identical event was already in the log: nothing was written. */
  readonly alreadyAppended: boolean;
}

/** A batch's items, decoded, each new event once. */
interface DecodedBatch {
  readonly pending: readonly PendingItem[];
  /** For each item of the call, its place in `pending`. */
  readonly slotOf: readonly number[];
  /** Seal roots worked out ahead (check.ts sealRootsAhead). */
  readonly rootsAhead: ReadonlyMap<string, SealRootAhead>;
}

/** A batch decoded and already verifying on the pool, waiting for its turn to be checked and appended. */
export interface PreparedBatch {
  readonly early: EarlyVerdicts;
  readonly decoded: E.Either<LedgerError, DecodedBatch>;
}

/** Events whose rules may ask for a role (amendments and supersessions are CFs). */
const AUTHORITY_TYPES: ReadonlySet<string> = new Set([
  'ContributorRoleGranted',
  'ContributorRoleRevoked',
  'ContributionDeprecated',
  'SampleErased',
  'ManifestDefined',
  'DatasetDefined',
  'DatasetBuildRequested',
]);

/** Below this many items, verifying inline after the rules is cheaper than starting early. */
const EARLY_BATCH = 128;

/**
 * Step 1, synchronous: decode (each full chunk starts verifying at once), judge the rules that
 * need nothing but the item and seal its sample bytes (check.ts, PureChecks); an event repeated
 * in the batch is appended once. Needs nothing from the log, so it runs while an earlier batch
 * is still being appended.
 */
export function prepareBatch(ctx: IngestContext, items: readonly IngestItem[]): PreparedBatch {
  const batch = batchBuilder(ctx, items.length);
  for (const [index, item] of items.entries()) {
    const decoded = decodeItem(item.envelope, index);
    if (E.isLeft(decoded)) return { early: batch.early, decoded };
    batch.add(decoded.right, item.sample, index);
  }
  return batch.finish();
}

/** An item decoded (and its pure checks judged) by the caller, e.g. contributeBatch's pool path. */
export interface DecodedIngestItem {
  readonly decoded: DecodedItem;
  readonly sample?: SampleAttachment;
  readonly pure: PureChecks;
}

/**
 * Step 1 for items the caller has already decoded, in batch order; the same batch as
 * prepareBatch makes from their envelopes. `rootsAhead` (the seals' roots over the CF ids that
 * follow them, when the caller worked them out) is taken as sealRootsAhead's would be.
 */
export function prepareDecodedBatch(
  ctx: IngestContext,
  items: readonly DecodedIngestItem[],
  rootsAhead?: ReadonlyMap<string, SealRootAhead>,
): PreparedBatch {
  const batch = batchBuilder(ctx, items.length);
  for (const [index, item] of items.entries()) batch.add(item.decoded, item.sample, index, item.pure);
  return batch.finish(rootsAhead);
}

function batchBuilder(ctx: IngestContext, size: number) {
  const early = new EarlyVerdicts(size >= EARLY_BATCH ? ctx.pool : undefined, ({ event }) =>
    event.type === 'ContributorRegistered' ? event.payload.publicKey : ctx.state.cachedKey(event.signer),
  );
  const pending: PendingItem[] = [];
  const firstIndexOf = new Map<string, number>();
  const slotOf: number[] = [];
  return {
    early,
    add: (decoded: DecodedItem, sample: SampleAttachment | undefined, index: number, judged?: PureChecks): void => {
      early.add(decoded);
      const seen = firstIndexOf.get(decoded.eventId);
      if (seen !== undefined) {
        slotOf.push(seen);
        return;
      }
      firstIndexOf.set(decoded.eventId, pending.length);
      slotOf.push(pending.length);
      // Spelled out rather than spread: bulk ingest builds one per item.
      const { event, eventId, signingBytes, canonical } = decoded;
      const pure = judged ?? pureChecksOf(decoded, sample, index, ctx.limits);
      pending.push(
        sample
          ? { event, eventId, signingBytes, canonical, index, attachment: sample, pure }
          : { event, eventId, signingBytes, canonical, index, pure },
      );
    },
    finish: (rootsAhead?: ReadonlyMap<string, SealRootAhead>): PreparedBatch => {
      early.flush();
      return { early, decoded: E.right({ pending, slotOf, rootsAhead: rootsAhead ?? sealRootsAhead(pending) }) };
    },
  };
}

/** Appends a batch prepared by prepareBatch or prepareDecodedBatch (ingestBatch's steps 2 to 7). */
export async function ingestPrepared(ctx: IngestContext, prepared: PreparedBatch): Promise<E.Either<LedgerError, Receipt[]>> {
  return anchored(ctx, await commitBatch(ctx, prepared));
}

/**
 * Work to run while the batch's append is in flight: the server inserts while this thread
 * decodes the next batch and starts its verifications.
 */
export type WhileAppending = () => void;

/** Steps 2 to 6 for a prepared batch. */
export async function commitBatch(
  ctx: IngestContext,
  prepared: PreparedBatch,
  whileAppending?: WhileAppending,
): Promise<E.Either<LedgerError, Receipt[]>> {
  const result = E.isLeft(prepared.decoded)
    ? prepared.decoded
    : await commitDecoded(ctx, prepared.decoded.right, prepared.early, whileAppending);
  // A rejected batch may leave verifications in flight; let them finish before answering.
  await prepared.early.settle();
  return result;
}

export async function ingestBatch(ctx: IngestContext, items: readonly IngestItem[]): Promise<E.Either<LedgerError, Receipt[]>> {
  return ingestPrepared(ctx, prepareBatch(ctx, items));
}

/**
 * The call's result once its tree head is written. A head that cannot be written is reported
 * (the events are in the log; appending them again is a no-op, and the next head covers them).
 */
async function anchored<T, TError>(ctx: IngestContext, result: E.Either<TError, T>): Promise<E.Either<TError | LedgerError, T>> {
  if (ctx.anchor === undefined) return result;
  const head = await ctx.anchor.flush();
  return E.isLeft(head) && E.isRight(result) ? head : result;
}

/**
 * Many batches in order, each all or nothing, pipelined: batch k+1 is decoded, and verifying on
 * the pool, while batch k's append is on its way to the log (so the log's insert and this
 * thread's decoding overlap), then checked and appended once batch k is in. Stops at the first
 * rejected batch (earlier batches stay appended) and says which one.
 */
export async function ingestBatches(
  ctx: IngestContext,
  batches: Iterable<readonly IngestItem[]>,
): Promise<E.Either<LedgerError & { readonly batch: number }, Receipt[][]>> {
  const result = await ingestEach(ctx, batches);
  const withHead = await anchored(ctx, result);
  return E.isLeft(withHead) && E.isRight(result) ? E.left({ ...withHead.left, batch: result.right.length - 1 }) : result;
}

async function ingestEach(
  ctx: IngestContext,
  batches: Iterable<readonly IngestItem[]>,
): Promise<E.Either<LedgerError & { readonly batch: number }, Receipt[][]>> {
  const receipts: Receipt[][] = [];
  const iterator = batches[Symbol.iterator]();
  const prepareNext = (): PreparedBatch | undefined => {
    const current = iterator.next();
    return current.done ? undefined : prepareBatch(ctx, current.value);
  };
  let prepared = prepareNext();
  for (let batch = 0; prepared; batch++) {
    let next: { readonly batch: PreparedBatch | undefined } | undefined;
    const result = await commitBatch(ctx, prepared, () => {
      next = { batch: prepareNext() };
    });
    if (E.isLeft(result)) {
      await next?.batch?.early.settle();
      return E.left({ ...result.left, batch });
    }
    receipts.push(result.right);
    // A batch with nothing new to append never reached the hook.
    prepared = next ? next.batch : prepareNext();
  }
  return E.right(receipts);
}

/** Resolves after pending I/O callbacks, so a query written by the caller is on the wire first. */
const afterIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function commitDecoded(
  ctx: IngestContext,
  { pending, slotOf, rootsAhead }: DecodedBatch,
  early: EarlyVerdicts,
  whileAppending: WhileAppending | undefined,
): Promise<E.Either<LedgerError, Receipt[]>> {
  // 2. load, in as few round trips as the port allows.
  const contributorIds = new Set<string>();
  const eventIds = new Set<string>();
  const streams = new Set<string>();
  const erasedSamples = new Set<string>();
  const datasets = new Set<string>();
  let needsFounder = false;
  let needsDirectory = false;
  for (const { event, eventId } of pending) {
    contributorIds.add(event.signer);
    eventIds.add(eventId);
    for (const ref of referencesOf(event)) {
      eventIds.add(ref.id);
      if (ref.wanted === 'same-kind') needsFounder = true; // an amendment asks whether its signer is a curator
    }
    for (const required of requiredStreamsOf(event)) streams.add(required.stream);
    if (event.type === 'ContributorRoleGranted' || event.type === 'ContributorRoleRevoked') {
      contributorIds.add(event.payload.contributor);
      needsFounder = true;
    }
    if (event.type === 'ContributorRegistered' || event.type === 'ContributorKeyRotated') needsDirectory = true;
    // The founder is an admin, so every rule that asks for a role needs to know who it is.
    if (AUTHORITY_TYPES.has(event.type)) needsFounder = true;
    if (event.type === 'DatasetBuildRequested') datasets.add(event.payload.dataset);
    if (event.type === 'SampleErased') erasedSamples.add(event.payload.sample);
  }
  // The loads are independent reads: issued together, they wait about one round trip, not seven
  // (a failure is still reported in the order below).
  const [contributors, events, existingStreams, founder, directory, datasetDefiners, erasures] = await Promise.all([
    ctx.state.contributors(contributorIds),
    ctx.state.events(eventIds),
    ctx.state.existingStreams(streams),
    needsFounder ? ctx.state.founder() : Promise.resolve(E.right(undefined)),
    needsDirectory ? ctx.state.directory() : Promise.resolve(E.right(undefined)),
    ctx.state.datasetDefiners(datasets),
    erasedSamples.size > 0 ? ctx.state.erasures(erasedSamples) : Promise.resolve(E.right(new Map<string, string>())),
  ]);
  if (E.isLeft(contributors)) return contributors;
  if (E.isLeft(events)) return events;
  if (E.isLeft(existingStreams)) return existingStreams;
  if (E.isLeft(founder)) return founder;
  if (E.isLeft(directory)) return directory;
  if (E.isLeft(datasetDefiners)) return datasetDefiners;
  if (E.isLeft(erasures)) return erasures;

  // 3. rules.
  const checked = checkBatch(
    pending,
    {
      contributors: contributors.right,
      events: events.right,
      streams: existingStreams.right,
      founder: founder.right,
      datasetDefiners: datasetDefiners.right,
      erasures: erasures.right,
      ...(directory.right ? { directory: directory.right } : {}),
    },
    ctx.limits,
    rootsAhead,
  );
  if (E.isLeft(checked)) return checked;

  // 4 + 5. signatures on the pool while the main thread seals and stores sample bytes.
  const [badSignature, stored] = await Promise.all([
    verifySignatures(checked.right, ctx.pool, early),
    storeSamples(checked.right, ctx.blobs, ctx.keys),
  ]);
  if (E.isLeft(stored)) return stored;
  const { undo, settle } = stored.right;
  if (badSignature) {
    await undo();
    return E.left(badSignature);
  }

  // 6. one appendMany.
  const fresh = checked.right.filter((i) => i.existing === undefined);
  const requests: AppendRequest[] = fresh.map((i) => ({
    stream: i.placement.stream,
    expectedRevision: i.placement.expectedRevision,
    events: [{ id: i.eventId, type: i.event.type, data: i.event as unknown as JsonValue, canonicalData: i.canonical }],
  }));
  const appended = requests.length === 0 ? E.right([]) : await appendWhile(ctx.log.appendMany(requests), whileAppending);
  if (E.isLeft(appended)) {
    await undo();
    const error = appended.left;
    const culprit =
      'eventId' in error
        ? checked.right.find((i) => i.eventId === error.eventId)
        : 'stream' in error
          ? fresh.find((i) => i.placement.stream === error.stream)
          : undefined;
    return E.left(culprit ? { ...error, index: culprit.index } : error);
  }

  if (ctx.anchor !== undefined) {
    // One request per fresh item, in the same order.
    ctx.anchor.appended(
      appended.right.flatMap((r, i) => (r.alreadyAppended ? [] : [{ position: r.position, id: fresh[i]!.eventId, data: fresh[i]!.event }])),
    );
  }
  const writtenHere = new Set<string>();
  fresh.forEach((item, i) => {
    if (!appended.right[i]!.alreadyAppended) writtenHere.add(item.eventId);
  });
  // The state's log indexes take this batch from here, not from a read of the log.
  await ctx.state.appended(
    fresh.flatMap((item, i) =>
      appended.right[i]!.alreadyAppended
        ? []
        : [{ id: item.eventId, position: appended.right[i]!.position, data: item.event as unknown as JsonValue }],
    ),
  );
  await settle(writtenHere);

  let next = 0;
  const receipts = checked.right.map((item): Receipt => {
    if (item.existing) {
      return {
        id: item.eventId,
        type: item.event.type,
        stream: item.existing.stream,
        position: item.existing.position,
        alreadyAppended: true,
      };
    }
    const result = appended.right[next++]!;
    return {
      id: item.eventId,
      type: item.event.type,
      stream: item.placement.stream,
      position: result.position,
      alreadyAppended: result.alreadyAppended,
    };
  });

  // 7. an erasure in the log means every copy of the key is shredded, however the SampleErased
  // event came in: the erased sample's, and those of the samples amending it before the erasure
  // (erasure-reach.ts), from the ledger state's amendment index caught up with the log.
  const erasedHere = checked.right.flatMap((item, i) =>
    item.event.type === 'SampleErased' ? [{ sample: item.event.payload.sample, position: receipts[i]!.position }] : [],
  );
  if (erasedHere.length > 0) {
    const reached = await ctx.state.erasureReach(erasedHere);
    if (E.isLeft(reached)) return reached;
    for (const sampleId of [...reached.right].sort()) {
      const shredded = await ctx.keys.shred(sampleId);
      if (E.isLeft(shredded)) return shredded;
      const dropped = await ctx.blobs.delete(sampleId);
      if (E.isLeft(dropped)) return dropped;
    }
  }
  return E.right(slotOf.map((slot) => receipts[slot]!));
}

/** Awaits an append, running `work` in the meantime; an error thrown by `work` surfaces after the append settles. */
async function appendWhile<T>(appending: Promise<T>, work: WhileAppending | undefined): Promise<T> {
  if (work === undefined) return appending;
  // Observed now, awaited below: a log that fails while `work` runs is not an unhandled rejection.
  appending.catch(() => undefined);
  let failure: { readonly error: unknown } | undefined;
  try {
    await afterIo();
    work();
  } catch (error) {
    failure = { error };
  }
  const appended = await appending;
  if (failure) throw failure.error;
  return appended;
}
