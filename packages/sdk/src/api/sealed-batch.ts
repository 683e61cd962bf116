// The bulk path of `contribute.batch`: CFs by one signer, sealed by default. A seal covers up to
// `sealSize` new CFs with one signature (so a batch of n CFs costs n/sealSize verifications, not
// n); CFs already in the log are not sealed again (their receipts say alreadyAppended), and a
// repeated CF is one event. Everything is one ingest batch: all or nothing.
import * as E from 'fp-ts/lib/Either.js';
import { decodePayload, type EventId } from '@cairn/schemas';
import type { LedgerError } from '../errors.js';
import { ruleViolation } from '../errors.js';
import { ingestBatch, type IngestContext, type IngestItem, type Receipt } from '../ingest/ingest-batch.js';
import { decodeFailureAt } from '../ingest/decode.js';
import { idOf, sealEvents, signEvent, type Signer } from '../signing.js';
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

export async function contributeBatch(
  ctx: IngestContext,
  inputs: readonly ContributionInput[],
  signer: Signer,
  options: BatchOptions = {},
): Result<Receipt[]> {
  const sealSize = options.sealSize ?? DEFAULT_SEAL_SIZE;
  if (!Number.isSafeInteger(sealSize) || sealSize < 1 || sealSize > MAX_SEAL_SIZE)
    return E.left(
      ruleViolation('batch-consistent', 'sealSize', `expected a whole number from 1 to ${MAX_SEAL_SIZE}, got ${String(sealSize)}`),
    );
  const prepared: (PreparedContribution & { readonly eventId: EventId })[] = [];
  for (const [index, input] of inputs.entries()) {
    const p = prepareContribution(input);
    const decoded = decodePayload(p.type, p.payload);
    if (E.isLeft(decoded)) return E.left({ ...decodeFailureAt(decoded.left), index } as LedgerError);
    const id = idOf(p.type, p.payload, signer.contributorId);
    if (E.isLeft(id)) return E.left({ ...id.left, index } as LedgerError);
    prepared.push({ ...p, eventId: id.right.eventId });
  }
  if (options.seal === false) return ingestBatch(ctx, signedItems(prepared, signer));

  // Only CFs new to the log are sealed: one already there keeps the form it was appended in.
  const existing = await ctx.state.events(prepared.map((p) => p.eventId));
  if (E.isLeft(existing)) return existing;
  const fresh: (PreparedContribution & { readonly eventId: string })[] = [];
  const taken = new Set<string>();
  for (const p of prepared) {
    if (existing.right.has(p.eventId) || taken.has(p.eventId)) continue;
    taken.add(p.eventId);
    fresh.push(p);
  }
  const items: IngestItem[] = [];
  const slotOf = new Map<string, number>();
  for (let start = 0; start < fresh.length; start += sealSize) {
    const group = fresh.slice(start, start + sealSize);
    // A seal over one CF would be two events where one does.
    if (group.length === 1) {
      for (const item of signedItems(group, signer)) items.push(item);
      slotOf.set(group[0]!.eventId, items.length - 1);
      continue;
    }
    const sealed = sealEvents(group, signer);
    if (E.isLeft(sealed)) return E.left(sealed.left as LedgerError);
    items.push({ envelope: sealed.right.seal.envelope });
    sealed.right.cfs.forEach((cf, k) => {
      const sample = group[k]!.sample;
      items.push(sample ? { envelope: cf.envelope, sample } : { envelope: cf.envelope });
      slotOf.set(cf.eventId, items.length - 1);
    });
  }
  const appended = items.length === 0 ? E.right([] as Receipt[]) : await ingestBatch(ctx, items);
  if (E.isLeft(appended)) {
    // Name the caller's input, not the item of the sealed batch (which has a seal in front).
    const at = (appended.left as { index?: number }).index;
    const item = at === undefined ? undefined : items[at];
    const cfIndex = item === undefined ? -1 : prepared.findIndex((p) => slotOf.get(p.eventId) === at);
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

function signedItems(prepared: readonly PreparedContribution[], signer: Signer): IngestItem[] {
  return prepared.map((p) => {
    const signed = signEvent(p.type, p.payload, signer);
    // The payload was decoded and its id computed above: signing cannot refuse it now.
    if (E.isLeft(signed)) throw new Error(signed.left.message);
    return p.sample ? { envelope: signed.right.envelope, sample: p.sample } : { envelope: signed.right.envelope };
  });
}
