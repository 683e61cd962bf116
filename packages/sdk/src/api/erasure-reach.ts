// Which samples an erasure reaches: the erased sample and every sample that amends it, in turn
// (an amendment carries the erased content forward: a metadata-only one keeps the very bytes, one
// with new bytes is a correction of them). A supersession is new content and is not reached. The
// datasets projection takes the same samples out of assembly (projections' assemble/erasure.ts);
// here it decides whose keys are shredded and which keys `verify` expects gone.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition } from '@cairn/eventlog';

const PAGE = 1024;

/** Sample id → the samples amending it, in log order. */
export type AmendedBy = Map<string, string[]>;

export function noteAmendment(amendedBy: AmendedBy, sample: string, original: string): void {
  const list = amendedBy.get(original);
  if (list) list.push(sample);
  else amendedBy.set(original, [sample]);
}

/**
 * `erased` and, transitively, the samples amending one of them, among the amendments noted so
 * far: an amendment appended after the erasure is not reached (it has its own bytes and key,
 * and the datasets projection keeps it out of assembly all the same).
 */
export function erasureReach(amendedBy: AmendedBy, erased: Iterable<string>): Set<string> {
  const reached = new Set<string>();
  const queue = [...erased];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const next of amendedBy.get(id) ?? []) queue.push(next);
  }
  return reached;
}

/** Every amendment of a sample in the log. */
export async function sampleAmendments(log: EventLog): Promise<E.Either<EventLogError, AmendedBy>> {
  const out: AmendedBy = new Map();
  for (let after: LogPosition | null = null; ; ) {
    const page = await log.readAll({ after, limit: PAGE });
    if (E.isLeft(page)) return page;
    for (const event of page.right) {
      const data = event.data as { type?: string; payload?: { amends?: unknown } };
      if (data.type === 'SampleContributed' && typeof data.payload?.amends === 'string') noteAmendment(out, event.id, data.payload.amends);
    }
    if (page.right.length < PAGE) return E.right(out);
    after = page.right[page.right.length - 1]!.position;
  }
}
