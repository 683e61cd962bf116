// Which samples an erasure reaches: the erased sample and every sample that amends it, in turn
// (an amendment carries the erased content forward: a metadata-only one keeps the very bytes, one
// with new bytes is a correction of them). A supersession is new content and is not reached. The
// datasets projection takes the same samples out of assembly (projections' assemble/erasure.ts);
// here it decides whose keys are shredded and which keys `verify` expects gone. The ingest path
// asks the ledger state, whose amends → amended-by index is folded from the log as it is read
// (state/log-tail.ts), so an erasure walks its own amendments, not the whole log.
import type { RecordedEvent } from '@cairn/eventlog';

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

/** Notes `event` in the index when it is a sample amending another: the ledger state's tail feeds it every logged event once. */
export function foldAmendment(amendedBy: AmendedBy, event: Pick<RecordedEvent, 'id' | 'data'>): void {
  const data = event.data as { type?: string; payload?: { amends?: unknown } };
  if (data.type === 'SampleContributed' && typeof data.payload?.amends === 'string') noteAmendment(amendedBy, event.id, data.payload.amends);
}
