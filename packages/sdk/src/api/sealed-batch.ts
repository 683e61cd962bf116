// The bulk path of `contribute.batch`: CFs by one signer, sealed by default. A seal covers up to
// `sealSize` new CFs with one signature (so a batch of n CFs costs n/sealSize verifications, not
// n); CFs already in the log are not sealed again (their receipts say alreadyAppended), and a
// repeated CF is one event. Everything is one ingest batch: all or nothing.
import * as E from 'fp-ts/lib/Either.js';
import { eventCanonicalForms, merkleRootOfLeafHashes, toHex, type IdError } from '@cairn/core';
import { decodePayload, type CairnEvent, type DecodeFailure, type EventId } from '@cairn/schemas';
import type { LedgerError } from '../errors.js';
import { ruleViolation } from '../errors.js';
import {
  ingestBatch,
  ingestPrepared,
  prepareBatch,
  prepareDecodedBatch,
  type DecodedIngestItem,
  type IngestContext,
  type IngestItem,
  type PreparedBatch,
  type Receipt,
} from '../ingest/ingest-batch.js';
import { decodeFailureAt, decodeItem, type DecodedItem } from '../ingest/decode.js';
import { pureChecksOf } from '../ingest/check.js';
import type { PreparePool } from '../ingest/prepare-pool.js';
import type { SealedBytes } from '../ingest/seal-bytes.js';
import type { SealRootAhead } from '../rules/seal.js';
import { idFailureOf, idOf, sealEvents, signEvent, type SealedCfEnvelope, type Signer } from '../signing.js';
import { prepareContribution, type ContributionInput, type PreparedContribution } from './contributions.js';

export const DEFAULT_SEAL_SIZE = 1000;

export interface BatchOptions {
  /** Seal the batch (one signature per `sealSize` CFs); false signs each CF on its own. Default true. */
  readonly seal?: boolean;
  /** CFs per seal (1 to 100000); default DEFAULT_SEAL_SIZE. */
  readonly sealSize?: number;
}

export const MAX_SEAL_SIZE = 100_000;

type Result<T> = Promise<E.Either<LedgerError, T>>;

/**
 * A batch `contribute.prepare` made ready: each input's payload decoded, its id derived and its
 * sample bytes sealed (on the ingest pool when there is one), nothing read from or written to the
 * log. `contribute.append` takes it once, on the ledger that prepared it.
 */
export interface PreparedContributions {
  /** How many inputs it holds. */
  readonly count: number;
}

/**
 * What each ledger keeps behind the PreparedContributions it hands out: one definition of the
 * token, and no way to append a batch twice or on another ledger.
 */
export function preparedContributions<T>() {
  const held = new WeakMap<PreparedContributions, T>();
  return {
    hold: (count: number, value: T): PreparedContributions => {
      const token = Object.freeze({ count });
      held.set(token, value);
      return token;
    },
    take: (token: PreparedContributions): T => {
      const value = held.get(token);
      if (value === undefined) throw new Error('a prepared batch is appended once, by the ledger that prepared it');
      held.delete(token);
      return value;
    },
  };
}

/** contributeBatch's first half, which needs nothing from the log. */
export interface ContributionsAhead {
  readonly signer: Signer;
  readonly sealSize: number;
  readonly sealed: boolean;
  /** With `onPool`, whether the pool prepared them (their signing bytes and sealed bytes ahead). */
  readonly identified: Promise<E.Either<LedgerError, { readonly prepared: Identified[]; readonly onPool: boolean }>>;
}

/**
 * Decodes, identifies and (on the pool) seals the inputs' bytes, starting now: a caller appending
 * batch k prepares batch k+1 meanwhile. A refusal or a throw is kept for appendContributions, so
 * a batch is refused, or throws, where it would be appended and not before.
 */
export function prepareContributions(
  ctx: IngestContext,
  inputs: readonly ContributionInput[],
  signer: Signer,
  options: BatchOptions = {},
): ContributionsAhead {
  const sealSize = options.sealSize ?? DEFAULT_SEAL_SIZE;
  const sealed = options.seal !== false;
  const identified = (async () => {
    if (!Number.isSafeInteger(sealSize) || sealSize < 1 || sealSize > MAX_SEAL_SIZE)
      return E.left(
        ruleViolation('batch-consistent', 'sealSize', `expected a whole number from 1 to ${MAX_SEAL_SIZE}, got ${String(sealSize)}`),
      );
    const onPool =
      sealed && ctx.preparePool !== undefined && inputs.length >= POOL_BATCH ? await onPoolOf(ctx.preparePool, inputs, signer) : undefined;
    return E.map((prepared: Identified[]) => ({ prepared, onPool: onPool !== undefined }))(onPool ?? identify(inputs, signer));
  })();
  // Observed when appended; a batch its caller drops (an earlier one was refused) is no unhandled rejection.
  identified.catch(() => undefined);
  return { signer, sealSize, sealed, identified };
}

/** contributeBatch's second half: the rules against the log, and the append. */
export async function appendContributions(ctx: IngestContext, ahead: ContributionsAhead): Result<Receipt[]> {
  const { signer, sealSize, sealed } = ahead;
  const identified = await ahead.identified;
  if (E.isLeft(identified)) return identified;
  const { prepared, onPool } = identified.right;
  if (!sealed) return ingestBatch(ctx, signedItems(prepared, signer));

  // Only CFs new to the log are sealed: one already there keeps the form it was appended in.
  const existing = await ctx.state.events(prepared.map((p) => p.eventId));
  if (E.isLeft(existing)) return existing;
  const fresh: Identified[] = [];
  const taken = new Set<string>();
  for (const p of prepared) {
    if (existing.right.has(p.eventId) || taken.has(p.eventId)) continue;
    taken.add(p.eventId);
    fresh.push(p);
  }
  const items = sealedItems(ctx, fresh, signer, sealSize, onPool);
  if (E.isLeft(items)) return items;
  const { count, slotOf } = items.right;
  const appended = count === 0 ? E.right([] as Receipt[]) : await ingestPrepared(ctx, items.right.batch);
  if (E.isLeft(appended)) {
    // Name the caller's input, not the item of the sealed batch (which has a seal in front).
    const at = (appended.left as { index?: number }).index;
    const cfIndex = at === undefined || at >= count ? -1 : prepared.findIndex((p) => slotOf.get(p.eventId) === at);
    const { index: _index, ...error } = appended.left as LedgerError & { index?: number };
    return E.left((cfIndex >= 0 ? { ...error, index: cfIndex } : error) as LedgerError);
  }
  return E.right(
    prepared.map((p): Receipt => {
      const slot = slotOf.get(p.eventId);
      if (slot !== undefined) return appended.right[slot]!;
      const fact = existing.right.get(p.eventId)!;
      return { id: p.eventId, type: fact.type, stream: fact.stream, position: fact.position, alreadyAppended: true };
    }),
  );
}

export function contributeBatch(
  ctx: IngestContext,
  inputs: readonly ContributionInput[],
  signer: Signer,
  options: BatchOptions = {},
): Result<Receipt[]> {
  return appendContributions(ctx, prepareContributions(ctx, inputs, signer, options));
}

const HASH_BYTES = 32;

/** Below this many inputs, a hop to the workers costs more than preparing in line. */
const POOL_BATCH = 128;

/** A contribution with its id; from the pool, also its signing bytes and its sample bytes sealed. */
type Identified = PreparedContribution & {
  readonly eventId: EventId;
  readonly ahead?: { readonly signingBytes: Uint8Array; readonly leafHash: Uint8Array; readonly sealed?: SealedBytes };
};

/** Each input's payload decoded and its id derived, in line; the first refusal by its index. */
function identify(inputs: readonly ContributionInput[], signer: Signer): E.Either<LedgerError, Identified[]> {
  const prepared: Identified[] = [];
  for (const [index, input] of inputs.entries()) {
    const p = prepareContribution(input);
    const decoded = decodePayload(p.type, p.payload);
    if (E.isLeft(decoded)) return E.left({ ...decodeFailureAt(decoded.left), index } as LedgerError);
    const id = idOf(p.type, p.payload, signer.contributorId);
    if (E.isLeft(id)) return E.left({ ...id.left, index } as LedgerError);
    prepared.push({ ...p, eventId: id.right.eventId });
  }
  return E.right(prepared);
}

/**
 * What identify gives, with the decoding, hashing and sealing done on the ingest pool; undefined
 * when the pool declines the batch (identify does it then). The verdicts are identify's: the same
 * first refusal, and an input that makes prepareContribution throw throws unless an earlier one
 * was refused.
 */
async function onPoolOf(
  pool: PreparePool,
  inputs: readonly ContributionInput[],
  signer: Signer,
): Promise<E.Either<LedgerError, Identified[]> | undefined> {
  const contributions: PreparedContribution[] = [];
  let thrown: { readonly error: unknown } | undefined;
  for (const input of inputs) {
    try {
      contributions.push(prepareContribution(input));
    } catch (error) {
      thrown = { error };
      break;
    }
  }
  const rows = contributions.map((p) => (p.sample ? { type: p.type, payload: p.payload, bytes: p.sample.bytes } : p));
  const done = pool.prepare(rows, signer.contributorId);
  if (done === undefined) return undefined;
  const { rows: ready, failure } = await done;
  if (failure) {
    const { at: index, kind, error } = failure;
    return kind === 'decode'
      ? E.left({ ...decodeFailureAt(error as DecodeFailure), index } as LedgerError)
      : E.left({ ...idFailureOf(contributions[index]!.type, error as IdError), index } as LedgerError);
  }
  if (thrown) throw thrown.error;
  return E.right(
    contributions.map((p, i) => {
      const { eventId, signingBytes, leafHash, sealed } = ready[i]!;
      return { ...p, eventId: eventId as EventId, ahead: sealed ? { signingBytes, leafHash, sealed } : { signingBytes, leafHash } };
    }),
  );
}

interface SealedItems {
  readonly batch: PreparedBatch;
  /** Items in the batch, seals included. */
  readonly count: number;
  /** Each fresh CF's place in the batch. */
  readonly slotOf: ReadonlyMap<string, number>;
}

/**
 * The batch of the fresh CFs: per `sealSize` of them a seal then its CFs, a lone CF signed. CFs
 * the pool prepared are decoded here without their payload decoded a second time (the pool's
 * codec accepted it, and the envelope around it is this function's own), their canonical form
 * written once, their seal's root computed once.
 */
function sealedItems(
  ctx: IngestContext,
  fresh: readonly Identified[],
  signer: Signer,
  sealSize: number,
  prepared: boolean,
): E.Either<LedgerError, SealedItems> {
  const items: IngestItem[] = [];
  /** For each item of `items`, the CF it is when the pool prepared it. */
  const sources: (Identified | undefined)[] = [];
  const roots = new Map<string, SealRootAhead>();
  const slotOf = new Map<string, number>();
  for (let start = 0; start < fresh.length; start += sealSize) {
    const group = fresh.slice(start, start + sealSize);
    // A seal over one CF would be two events where one does.
    if (group.length === 1) {
      for (const item of signedItems(group, signer)) items.push(item);
      slotOf.set(group[0]!.eventId, items.length - 1);
      continue;
    }
    if (!prepared) {
      const sealed = sealEvents(group, signer);
      if (E.isLeft(sealed)) return E.left(sealed.left as LedgerError);
      items.push({ envelope: sealed.right.seal.envelope });
      sealed.right.cfs.forEach((cf, k) => {
        const sample = group[k]!.sample;
        items.push(sample ? { envelope: cf.envelope, sample } : { envelope: cf.envelope });
        slotOf.set(cf.eventId, items.length - 1);
      });
      continue;
    }
    const ids = group.map((p) => p.eventId);
    // sealRootOf's tree over the leaf hashes the pool computed with each id.
    const leaves = new Uint8Array(group.length * HASH_BYTES);
    group.forEach((p, k) => leaves.set(p.ahead!.leafHash, k * HASH_BYTES));
    const root = toHex(merkleRootOfLeafHashes(leaves));
    const seal = signEvent('BatchSealed', { root, count: ids.length }, signer);
    if (E.isLeft(seal)) return E.left(seal.left as LedgerError);
    const sealId = seal.right.eventId;
    roots.set(sealId, { ids, root });
    items.push({ envelope: seal.right.envelope });
    sources.length = items.length;
    group.forEach((p, index) => {
      const envelope = { type: p.type, payload: p.payload, signer: signer.contributorId, seal: { id: sealId, index } };
      items.push(p.sample ? { envelope, sample: p.sample } : { envelope });
      sources.push(p);
      slotOf.set(p.eventId, items.length - 1);
    });
  }
  if (!prepared) return E.right({ batch: prepareBatch(ctx, items), count: items.length, slotOf });
  const decodedItems: DecodedIngestItem[] = [];
  for (const [index, item] of items.entries()) {
    const source = sources[index];
    const decoded = source?.ahead
      ? sealedCfOf(item.envelope as SealedCfEnvelope, source.eventId, source.ahead.signingBytes)
      : decodeItem(item.envelope, index);
    // Every envelope here was built above from payloads the codec accepted.
    if (E.isLeft(decoded)) throw new Error(`a prepared envelope did not decode: ${JSON.stringify(decoded.left)}`);
    const pure = pureChecksOf(decoded.right, item.sample, index, ctx.limits, source?.ahead?.sealed);
    decodedItems.push(item.sample ? { decoded: decoded.right, sample: item.sample, pure } : { decoded: decoded.right, pure });
  }
  return E.right({ batch: prepareDecodedBatch(ctx, decodedItems, roots), count: items.length, slotOf });
}

/**
 * A sealed CF the pool prepared, as decodeItem would decode its envelope: the envelope is the
 * event (decoding never changes a valid value), its canonical form is written here, and its
 * signing bytes must be the ones the pool hashed into its id and sealed its bytes against.
 */
function sealedCfOf(envelope: SealedCfEnvelope, eventId: EventId, pooled: Uint8Array): E.Either<unknown, DecodedItem> {
  const forms = eventCanonicalForms(envelope);
  if (E.isLeft(forms)) return forms;
  const { signingBytes, envelope: canonical } = forms.right;
  if (!Buffer.from(signingBytes.buffer, signingBytes.byteOffset, signingBytes.length).equals(pooled))
    throw new Error(`the ingest pool's signing bytes for ${eventId} differ from the envelope's`);
  return E.right({ event: envelope as unknown as CairnEvent, eventId, signingBytes, canonical });
}

function signedItems(prepared: readonly PreparedContribution[], signer: Signer): IngestItem[] {
  return prepared.map((p) => {
    const signed = signEvent(p.type, p.payload, signer);
    // The payload was decoded and its id computed above: signing cannot refuse it now.
    if (E.isLeft(signed)) throw new Error(signed.left.message);
    return p.sample ? { envelope: signed.right.envelope, sample: p.sample } : { envelope: signed.right.envelope };
  });
}
