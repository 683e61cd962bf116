// Which samples an erasure reaches: the erased sample and every sample that amends it, in turn
// (an amendment carries the erased content forward: a metadata-only one keeps the very bytes, one
// with new bytes is a correction of them). A supersession is new content and is not reached. The
// datasets projection takes the same samples out of assembly (projections' assemble/erasure.ts);
// here it decides whose keys are shredded and which keys `verify` expects gone. The ingest path
// asks the ledger state, whose amends → amended-by index is folded from the log as it is read
// (state/log-tail.ts), so an erasure walks its own amendments, not the whole log.
import type { LogPosition, RecordedEvent } from '@cairn/eventlog';

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

/** Sample id → the samples amending it, each with the position it was logged at, in log order. */
export type LoggedAmendments = Map<string, { readonly sample: string; readonly position: LogPosition }[]>;

/** Notes `event` in the index when it is a sample amending another: the ledger state's tail feeds it every logged event once. */
export function foldAmendment(index: LoggedAmendments, event: { readonly id: string } & Pick<RecordedEvent, 'position' | 'data'>): void {
  const data = event.data as { type?: string; payload?: { amends?: unknown } };
  if (data.type !== 'SampleContributed' || typeof data.payload?.amends !== 'string') return;
  const list = index.get(data.payload.amends);
  const entry = { sample: event.id, position: event.position };
  if (list) list.push(entry);
  else index.set(data.payload.amends, [entry]);
}

/**
 * What an erasure of `erased` logged at `position` reaches: as erasureReach, among the
 * amendments logged before it, which is what `verify` expects gone when it replays the log (an
 * amendment another writer logs after the erasure has its own bytes and key, and stays).
 */
export function erasureReachAt(index: LoggedAmendments, erased: string, position: LogPosition): Set<string> {
  const reached = new Set<string>();
  const queue = [erased];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const next of index.get(id) ?? []) if (next.position < position) queue.push(next.sample);
  }
  return reached;
}
