// Record-keeping for a training run (EU AI Act Art. 12/26 style): which events shaped the data
// the model was trained on: the version's members, the earlier CFs of their amend / supersede
// chains, the labels, validations and amendments naming any of these (to any depth), their
// deprecations and erasures, the manifest, the dataset definition, the build
// requests that cut the version, and the run itself. The library answers the ids and why each
// is in; the CLI orders them by log position and adds the log checkpoint and inclusion proofs.
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
// Reads only the datasets projection's tables, through its answers.
import type { DatasetsDatabase } from '@cairn/datasets';
import {
  buildCauseEventIds,
  cfsAmendingOthers,
  cfsNaming,
  datasetEventId,
  deprecationEventIds,
  erasureEventIds,
  manifestEventId,
  memberIds,
  readVersion,
  trainingRun,
} from '@cairn/datasets';
import { runNotFound, type RunsError } from './runs.js';

/** `amended`: an earlier CF of a member's (or a label's) amend / supersede chain; `amendment`: a later one. */
export type RecordRole =
  'run' | 'manifest' | 'dataset' | 'build' | 'member' | 'amended' | 'label' | 'validation' | 'amendment' | 'deprecation' | 'erasure';

export interface RecordedRef {
  readonly eventId: string;
  readonly role: RecordRole;
}

/**
 * The CFs that shaped `members`, to a fixed point: what each amends or supersedes (the earlier
 * CFs of its chain, however deep), the labels and validations targeting any CF found, and the
 * amendments and supersessions of any CF found (a label amended twice, an amendment amended
 * again). Each round asks only about the CFs the previous one found, so a chain of depth d costs
 * d rounds, not a scan of every CF.
 */
async function shapingCfs(db: Kysely<DatasetsDatabase>, members: readonly string[]): Promise<Map<string, RecordRole>> {
  const found = new Map<string, RecordRole>();
  const seen = new Set(members);
  for (let frontier = [...members]; frontier.length > 0;) {
    const next: string[] = [];
    const note = (cfId: string, role: RecordRole) => {
      if (seen.has(cfId)) return;
      seen.add(cfId);
      found.set(cfId, role);
      next.push(cfId);
    };
    // earlier in a chain: what these CFs amend or supersede
    for (const c of await cfsAmendingOthers(db, frontier)) for (const id of [c.amends, c.supersedes]) if (id !== null) note(id, 'amended');
    // about them, or later in their chain
    for (const c of await cfsNaming(db, frontier)) {
      const later = (c.amends !== null && seen.has(c.amends)) || (c.supersedes !== null && seen.has(c.supersedes));
      note(c.cfId, later ? 'amendment' : c.kind === 'validation' ? 'validation' : 'label');
    }
    frontier = next;
  }
  return found;
}

export async function runRecordEvents(db: Kysely<DatasetsDatabase>, runId: string): Promise<E.Either<RunsError, readonly RecordedRef[]>> {
  const r = await trainingRun(db, runId);
  if (r === null) return E.left(runNotFound(runId));
  const refs = new Map<string, RecordRole>([[r.eventId, 'run']]);
  const add = (ids: readonly (string | null)[], role: RecordRole) => ids.forEach((id) => id === null || refs.has(id) || refs.set(id, role));
  const version = await readVersion(db, r.versionId);
  if (E.isRight(version)) add([await manifestEventId(db, version.right.manifestId)], 'manifest');
  add([await datasetEventId(db, r.dataset)], 'dataset');
  const members = await memberIds(db, r.versionId);
  add(members, 'member');
  for (const [cfId, role] of await shapingCfs(db, members)) add([cfId], role);
  // after the CFs: a CF whose event re-cut this version (an amendment, a label) keeps its CF role;
  // each event is in the trail once, with the first role it was found in
  add(await buildCauseEventIds(db, r.versionId), 'build');
  const named = [...refs.keys()];
  add(await deprecationEventIds(db, named), 'deprecation');
  add(await erasureEventIds(db, named), 'erasure');
  return E.right([...refs].map(([eventId, role]) => ({ eventId, role })));
}
