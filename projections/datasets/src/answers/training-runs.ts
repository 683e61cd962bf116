// The datasets projection's index of training runs (one row per TrainingRunRecorded: the run, the
// version it trained on, its model and event). What a run declared beyond that is read from its
// signed event by whoever needs it (attribution's run answers), not copied here.
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb } from '@cairn/projector';
import type { VersionId } from '@cairn/schemas';
import { T, storedVersionId, type DatasetsDatabase } from '../tables.js';

export interface TrainingRunIndex {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: VersionId;
  readonly modelHash: string;
  /** The TrainingRunRecorded event. */
  readonly eventId: string;
  readonly position: LogPosition;
}

const RUN_COLUMNS = ['run_id', 'dataset', 'version_id', 'model_hash', 'event_id', 'position'] as const;

const indexOf = (r: Pick<DatasetsDatabase['datasets_runs'], (typeof RUN_COLUMNS)[number]>): TrainingRunIndex => ({
  runId: r.run_id,
  dataset: r.dataset,
  versionId: storedVersionId(r.version_id),
  modelHash: r.model_hash,
  eventId: r.event_id,
  position: positionFromDb(r.position),
});

/**
 * Every recorded run, in log order (ties by run id). The order is the int8 column's: position is
 * selected as the column itself, never as text, where '10' would sort before '9'.
 */
export async function trainingRuns(db: Kysely<DatasetsDatabase>): Promise<TrainingRunIndex[]> {
  const rows = await db.selectFrom(`${T.runs} as r`).select(RUN_COLUMNS).orderBy('r.position').orderBy('r.run_id').execute();
  return rows.map(indexOf);
}

/** One run by id, or null when no TrainingRunRecorded carried it. */
export async function trainingRun(db: Kysely<DatasetsDatabase>, runId: string): Promise<TrainingRunIndex | null> {
  const row = await db.selectFrom(T.runs).select(RUN_COLUMNS).where('run_id', '=', runId).executeTakeFirst();
  return row === undefined ? null : indexOf(row);
}
