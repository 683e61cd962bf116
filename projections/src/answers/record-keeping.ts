// Record-keeping for a training run (EU AI Act Art. 12/26 style): which events shaped the data
// the model was trained on: the version's members, the labels, validations and amendments
// naming them, their deprecations and erasures, the manifest, the dataset definition, the build
// requests that cut the version, and the run itself. The library answers the ids and why each
// is in; the CLI orders them by log position and adds the log checkpoint and inclusion proofs.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { AnyDB } from '../runner/projection.js';
import { T } from '../datasets/tables.js';
import { runNotFound, type RunsError } from './runs.js';

export type RecordRole = 'run' | 'manifest' | 'dataset' | 'build' | 'member' | 'label' | 'validation' | 'amendment' | 'deprecation' | 'erasure';

export interface RecordedRef {
  readonly eventId: string;
  readonly role: RecordRole;
}

export async function runRecordEvents(db: Kysely<AnyDB>, runId: string): Promise<E.Either<RunsError, readonly RecordedRef[]>> {
  const run = await sql<{ event_id: string; version_id: string; dataset: string }>`select event_id, version_id, dataset from ${sql.table(T.runs)}
    where run_id = ${runId}`.execute(db);
  const r = run.rows[0];
  if (r === undefined) return E.left(runNotFound(runId));
  const refs = new Map<string, RecordRole>([[r.event_id, 'run']]);
  const add = (ids: readonly string[], role: RecordRole) => ids.forEach((id) => refs.has(id) || refs.set(id, role));
  const version = await sql<{ manifest_id: string }>`select manifest_id from ${sql.table(T.versions)} where version_id = ${r.version_id}`.execute(db);
  const manifestId = version.rows[0]?.manifest_id ?? null;
  if (manifestId !== null) {
    add((await sql<{ event_id: string }>`select event_id from ${sql.table(T.manifests)} where manifest_id = ${manifestId}`.execute(db)).rows.map((x) => x.event_id), 'manifest');
  }
  add((await sql<{ event_id: string }>`select event_id from ${sql.table(T.datasets)} where name = ${r.dataset}`.execute(db)).rows.map((x) => x.event_id), 'dataset');
  add((await sql<{ cause_event_id: string }>`select distinct cause_event_id from ${sql.table(T.builds)} where version_id = ${r.version_id}`.execute(db)).rows.map((x) => x.cause_event_id), 'build');
  const members = (await sql<{ cf_id: string }>`select cf_id from ${sql.table(T.members)} where version_id = ${r.version_id}`.execute(db)).rows.map((x) => x.cf_id);
  add(members, 'member');
  // the CFs about the members: labels and validations that target them, and amendments of any of these
  const about = await sql<{ cf_id: string; kind: string; amends: string | null }>`select cf_id, kind, amends from ${sql.table(T.cfs)}
    where targets ?| ${members}::text[] or amends = any(${members}::text[])`.execute(db);
  for (const c of about.rows) add([c.cf_id], c.amends !== null ? 'amendment' : c.kind === 'validation' ? 'validation' : 'label');
  const named = [...refs.keys()];
  add((await sql<{ event_id: string }>`select event_id from ${sql.table(T.deprecations)} where cf_id = any(${named}::text[])`.execute(db)).rows.map((x) => x.event_id), 'deprecation');
  add((await sql<{ event_id: string }>`select event_id from ${sql.table(T.erasures)} where cf_id = any(${named}::text[])`.execute(db)).rows.map((x) => x.event_id), 'erasure');
  return E.right([...refs].map(([eventId, role]) => ({ eventId, role })));
}
