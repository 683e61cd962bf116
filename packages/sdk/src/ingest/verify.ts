// Step 4: signatures. Verification is the most expensive step, so it starts early: as soon as a
// chunk of the batch is decoded it goes to the worker pool against the key the cache last saw for
// its signer, while the main thread decodes on, loads references and checks rules. Once the rules
// have said which key each item must verify against (the log's answer), any item verified against
// another key (a stale cache, a rotation earlier in the batch) is verified again. Small batches
// verify inline: a worker hop costs more than a few verifications.
import { verifyFast, isSha256Hex } from '@cairn/core';
import { ruleViolation, type RuleViolation } from '../errors.js';
import type { SignatureCheck, VerifyPool } from '../verify-pool.js';
import type { CheckedItem } from './check.js';
import type { DecodedItem } from './decode.js';

const INLINE_BELOW = 64;
export const EARLY_CHUNK = 256;
const HEX128 = /^[0-9a-f]{128}$/;

function verifyInline(check: SignatureCheck): boolean {
  if (!isSha256Hex(check.publicKey) || !HEX128.test(check.signature)) return false;
  return verifyFast(Buffer.from(check.signature, 'hex'), check.message, Buffer.from(check.publicKey, 'hex'));
}

/** A verdict the pool is computing: the chunk's reply and this item's place in it. */
interface StartedVerdict {
  readonly publicKey: string;
  readonly chunk: Promise<readonly boolean[]>;
  readonly at: number;
}

/** Verdicts started before the rules ran, keyed by event id, with the key each was checked against. */
export class EarlyVerdicts {
  // One promise per chunk, not per item: thousands of per-item promises cost the main thread
  // more than packing the chunk for the worker did.
  private readonly started = new Map<string, StartedVerdict>();
  private readonly chunks: Promise<readonly boolean[]>[] = [];
  private chunk: { eventId: string; check: SignatureCheck }[] = [];

  constructor(
    private readonly pool: VerifyPool | undefined,
    private readonly guessKey: (item: DecodedItem) => string | undefined,
  ) {}

  /** Queues an item; a full chunk goes to the pool at once. */
  add(item: DecodedItem): void {
    if (!this.pool || !('signature' in item.event)) return;
    const publicKey = this.guessKey(item);
    if (publicKey === undefined) return;
    const signature = item.event.signature;
    this.chunk.push({ eventId: item.eventId, check: { publicKey, signature, message: item.signingBytes } });
    if (this.chunk.length >= EARLY_CHUNK) this.flush();
  }

  flush(): void {
    const chunk = this.chunk;
    this.chunk = [];
    if (!this.pool || chunk.length === 0) return;
    const verdicts = this.pool.verify(chunk.map((c) => c.check));
    this.chunks.push(verdicts);
    for (let at = 0; at < chunk.length; at++)
      this.started.set(chunk[at]!.eventId, { publicKey: chunk[at]!.check.publicKey, chunk: verdicts, at });
  }

  take(eventId: string, publicKey: string): StartedVerdict | undefined {
    const early = this.started.get(eventId);
    return early && early.publicKey === publicKey ? early : undefined;
  }

  /** Waits for everything started, so no worker reply outlives a rejected batch unobserved. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.allSettled(this.chunks);
  }
}

/** Resolves to the violation of the first item (in batch order) whose signature does not verify. */
export async function verifySignatures(
  items: readonly CheckedItem[],
  pool: VerifyPool | undefined,
  early?: EarlyVerdicts,
): Promise<RuleViolation | undefined> {
  // Only signed events have a key to verify against (a sealed CF is covered by its seal's signature).
  const toVerify = items.filter((i) => i.publicKey !== undefined && 'signature' in i.event) as (CheckedItem & {
    readonly event: { readonly signature: string };
  })[];
  const started = toVerify.map((i) => early?.take(i.eventId, i.publicKey!));
  const late = toVerify.filter((_, k) => started[k] === undefined);
  const lateChecks = late.map((i) => ({ publicKey: i.publicKey!, signature: i.event.signature, message: i.signingBytes }));
  const lateVerdicts = pool && lateChecks.length >= INLINE_BELOW ? pool.verify(lateChecks) : Promise.resolve(lateChecks.map(verifyInline));
  const chunks = [...new Set(started.flatMap((s) => (s ? [s.chunk] : [])))];
  const [lateResolved, ...chunkVerdicts] = await Promise.all([lateVerdicts, ...chunks]);
  const verdictsOf = new Map(chunks.map((chunk, i) => [chunk, chunkVerdicts[i]!]));
  // Late verdicts are in the order of `late`, which keeps batch order.
  let next = 0;
  const verdicts = started.map((s) => (s ? verdictsOf.get(s.chunk)![s.at]! : lateResolved![next++]!));
  const bad = verdicts.indexOf(false);
  if (bad < 0) return undefined;
  const item = toVerify[bad]!;
  return ruleViolation(
    'signature-valid',
    `${item.event.type}.signature`,
    `does not verify against key ${item.publicKey} of ${item.event.signer} over this event's signing bytes`,
    item.index,
  );
}
