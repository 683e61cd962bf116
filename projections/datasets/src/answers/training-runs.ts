// The datasets projection's index of training runs (one row per TrainingRunRecorded: the run, the
// version it trained on, its model and event). What a run declared beyond that is read from its
// signed event by whoever needs it (attribution's run answers), not copied here.
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb } from '@cairn/projector';
import { T, type DatasetsDatabase } from '../tables.js';

export interface TrainingRunIndex {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly modelHash: string;
  /** The TrainingRunRecorded event. */
  readonly eventId: string;
  readonly position: LogPosition;
}

interface RunRow {
  run_id: string;
  dataset: string;
  version_id: string;
  model_hash: string;
  event_id: string;
  position: string;
}

const indexOf = (r: RunRow): TrainingRunIndex => ({
  runId: r.run_id,
  dataset: r.dataset,
  versionId: r.version_id,
  modelHash: r.model_hash,
  eventId: r.event_id,
  position: positionFromDb(r.position),
});

/**
 * Every recorded run, in log order (ties by run id). The order names the table's column: a bare
 * `position` would be the text output column, and '10' sorts before '9'.
 */
export async function trainingRuns(db: Kysely<DatasetsDatabase>): Promise<TrainingRunIndex[]> {
  const r = await sql<RunRow>`select run_id, dataset, version_id, model_hash, event_id, position::text as position
    from ${sql.table(T.runs)} r order by r.position, r.run_id`.execute(db);
  return r.rows.map(indexOf);
}

/** One run by id, or null when no TrainingRunRecorded carried it. */
export async function trainingRun(db: Kysely<DatasetsDatabase>, runId: string): Promise<TrainingRunIndex | null> {
  const r = await sql<RunRow>`select run_id, dataset, version_id, model_hash, event_id, position::text as position
    from ${sql.table(T.runs)} where run_id = ${runId}`.execute(db);
  const row = r.rows[0];
  return row === undefined ? null : indexOf(row);
}
