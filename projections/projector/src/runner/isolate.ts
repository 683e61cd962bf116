// A batch that failed because of an event in it is applied again in halves until the events that
// fail alone are found; each of those is recorded as failed, in the transaction that moves the
// checkpoint past it, and everything around it is applied as usual. Halving costs about two
// transactions per level for each bad event, instead of one per event of the batch. Projections
// do not depend on where batches begin and end, so the tables are those of applying the log one
// event at a time and skipping the bad ones; and a failure is always recorded with the reason its
// event gave when applied alone, so a rebuild, whatever its batch size, records the same text.
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { applyBatch, type SkippedEvent, type StepHook } from './batch.js';
import { reasonOf } from './errors.js';
import { eventFailureReason } from './event-failure.js';
import type { ProjectedEvent, Projection } from './projection.js';
import type { RunnerDatabase } from './runner-tables.js';

/** A stretch of the log: the events to apply and those already known to be skipped, up to `through`. */
export interface Stretch {
  readonly events: readonly ProjectedEvent[];
  readonly skipped: readonly SkippedEvent[];
  readonly through: LogPosition;
}

export interface IsolationContext {
  readonly db: Kysely<RunnerDatabase>;
  readonly schema: string | null;
  readonly projection: Projection;
  readonly bulk: boolean;
  readonly hook: StepHook | undefined;
  /** Called with each event recorded as failed (skipped), once its record has committed. */
  readonly onFailed: (failure: SkippedEvent) => void;
}

type Attempt = 'applied' | 'lost-race' | { readonly reason: string };

/** One try at a stretch; a failure that is the events' own comes back as a reason, any other is thrown. */
export async function attemptStretch(
  ctx: IsolationContext,
  after: LogPosition | null,
  stretch: Stretch,
  prepared?: unknown,
): Promise<Attempt> {
  let rows = prepared;
  if (rows === undefined && ctx.projection.prepare !== undefined && stretch.events.length > 0) {
    try {
      rows = ctx.projection.prepare(stretch.events);
    } catch (cause) {
      // prepare reads nothing but the events, so whatever stops it is theirs.
      return { reason: reasonOf(cause) };
    }
  }
  try {
    const outcome = await applyBatch(ctx.db, ctx.schema, ctx.projection, after, { ...stretch, prepared: rows, bulk: ctx.bulk }, ctx.hook);
    if (outcome === 'applied') stretch.skipped.forEach(ctx.onFailed);
    return outcome;
  } catch (cause) {
    const reason = eventFailureReason(cause);
    if (reason === null) throw cause;
    return { reason };
  }
}

function split(stretch: Stretch): readonly [Stretch, Stretch] {
  const middle = stretch.events.length >> 1;
  const through = stretch.events[middle - 1]!.position;
  return [
    { events: stretch.events.slice(0, middle), skipped: stretch.skipped.filter((s) => s.position <= through), through },
    { events: stretch.events.slice(middle), skipped: stretch.skipped.filter((s) => s.position > through), through: stretch.through },
  ];
}

/**
 * Applies a stretch known to fail with `reason`: records its event as failed when it holds one,
 * else halves it and applies (or isolates) each half in turn. Throws what is not an event's failure.
 */
export async function isolateFailures(
  ctx: IsolationContext,
  after: LogPosition | null,
  stretch: Stretch,
  reason: string,
): Promise<'applied' | 'lost-race'> {
  const { events } = stretch;
  if (events.length === 0) throw new Error(`recording skipped events failed: ${reason}`);
  if (events.length === 1) {
    const e = events[0]!;
    const failure: SkippedEvent = { position: e.position, eventId: e.id, eventType: e.event.type, reason, recordedAt: e.recordedAt };
    const skipped = [...stretch.skipped, failure];
    const outcome = await applyBatch(
      ctx.db,
      ctx.schema,
      ctx.projection,
      after,
      { events: [], skipped, through: stretch.through, bulk: ctx.bulk },
      ctx.hook,
    );
    if (outcome === 'applied') skipped.forEach(ctx.onFailed);
    return outcome;
  }
  let from = after;
  for (const half of split(stretch)) {
    const tried = await attemptStretch(ctx, from, half);
    if (tried === 'lost-race') return tried;
    if (tried !== 'applied' && (await isolateFailures(ctx, from, half, tried.reason)) === 'lost-race') return 'lost-race';
    from = half.through;
  }
  return 'applied';
}
