// The document `cairn status --json` prints and the server's GET /v1/status/counts sends: one
// builder, so the two cannot drift apart.
import * as E from 'fp-ts/lib/Either.js';
import { CHECKPOINT_STREAM_NAME, countEvents, type SizeLimits } from '@cairn/sdk';
import type { ProjectionFailure } from '@cairn/projector';
import type { Cairn } from './cairn.js';
import { errorText } from './error-text.js';

export interface StatusDocument {
  readonly store: string;
  readonly head: string | null;
  readonly events: number;
  readonly contributors: number;
  readonly cfs: { readonly sample: number; readonly label: number; readonly validation: number };
  readonly datasets: number;
  readonly datasetVersions: number;
  readonly checkpoints: number;
  /** The size limits this store admits events under, in bytes. */
  readonly limits: SizeLimits;
  readonly projections: readonly {
    readonly name: string;
    readonly checkpoint: string | null;
    readonly caughtUp: boolean;
    /** Events the projection recorded as failed instead of applying (its answers do not include them). */
    readonly failedEvents: number;
    /** The earliest of them, in one line (null when none). */
    readonly firstFailure: string | null;
  }[];
}

export interface StatusUnavailable {
  readonly _tag: 'StatusUnavailable';
  readonly message: string;
}

/** `lineage could not apply SampleContributed 3f2a… at position 3: <reason>` */
export function failureLine(f: ProjectionFailure): string {
  return `${f.projection} could not apply ${f.eventType} ${f.eventId} at position ${f.position}: ${f.reason}`;
}

export async function statusDocument(cairn: Cairn): Promise<E.Either<StatusUnavailable, StatusDocument>> {
  const unavailable = (message: string) => E.left<StatusUnavailable>({ _tag: 'StatusUnavailable', message });
  const counts = await cairn.statusCounts();
  const status = await cairn.runner.status();
  if (E.isLeft(status)) return unavailable(status.left.message);
  const events = await countEvents(cairn.ledger.log);
  if (E.isLeft(events)) return unavailable(errorText(events.left));
  const checkpoints = await cairn.ledger.log.readStream(CHECKPOINT_STREAM_NAME);
  const byKind = counts.nodes;
  return E.right({
    store: cairn.location.kind === 'embedded' ? cairn.location.dir : cairn.location.kind,
    head: status.right.head === null ? null : status.right.head.toString(),
    events: events.right,
    contributors: byKind.contributor,
    cfs: { sample: byKind.sample, label: byKind.label, validation: byKind.validation },
    datasets: counts.datasets,
    datasetVersions: counts.versions,
    checkpoints: E.isRight(checkpoints) ? checkpoints.right.length : 0,
    limits: cairn.limits,
    projections: status.right.projections.map((p) => ({
      name: p.name,
      checkpoint: p.checkpoint === null ? null : p.checkpoint.toString(),
      caughtUp: p.caughtUp,
      failedEvents: p.failedEvents,
      firstFailure: p.firstFailure === null ? null : failureLine(p.firstFailure),
    })),
  });
}
