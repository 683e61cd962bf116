// The events behind a version's parts, for a run's record-keeping trail: the CFs linked to a set
// of CFs (what they amend or supersede; what targets, amends or supersedes them), the events that
// defined a manifest and a dataset, the events that caused the version's builds, and the
// deprecations and erasures of a set of CFs. Each is a narrow read; the trail's walk is the caller's.
import { sql, type Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

export interface CfLinks {
  readonly cfId: string;
  readonly kind: string;
  readonly amends: string | null;
  readonly supersedes: string | null;
}

/** The CFs among `cfIds` that amend or supersede another, with what they name. */
export async function cfsAmendingOthers(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<CfLinks[]> {
  if (cfIds.length === 0) return [];
  const r = await sql<{
    cf_id: string;
    kind: string;
    amends: string | null;
    supersedes: string | null;
  }>`select cf_id, kind, amends, supersedes
    from ${sql.table(T.cfs)} where cf_id = any(${[...cfIds]}::text[]) and (amends is not null or supersedes is not null)`.execute(db);
  return r.rows.map((c) => ({ cfId: c.cf_id, kind: c.kind, amends: c.amends, supersedes: c.supersedes }));
}

/** The CFs that target, amend or supersede any of `cfIds`, in the order they became true (ties by id). */
export async function cfsNaming(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<CfLinks[]> {
  if (cfIds.length === 0) return [];
  const ids = [...cfIds];
  const r = await sql<{
    cf_id: string;
    kind: string;
    amends: string | null;
    supersedes: string | null;
  }>`select cf_id, kind, amends, supersedes
    from ${sql.table(T.cfs)} where targets ?| ${ids}::text[] or amends = any(${ids}::text[]) or supersedes = any(${ids}::text[])
    order by valid_from, cf_id`.execute(db);
  return r.rows.map((c) => ({ cfId: c.cf_id, kind: c.kind, amends: c.amends, supersedes: c.supersedes }));
}

/** The ManifestDefined event of a manifest id, or null when none carried it. */
export async function manifestEventId(db: Kysely<DatasetsDatabase>, manifestId: string): Promise<string | null> {
  const r = await sql<{ event_id: string }>`select event_id from ${sql.table(T.manifests)} where manifest_id = ${manifestId}`.execute(db);
  return r.rows[0]?.event_id ?? null;
}

/** The DatasetDefined event of a dataset name, or null when none carried it. */
export async function datasetEventId(db: Kysely<DatasetsDatabase>, name: string): Promise<string | null> {
  const r = await sql<{ event_id: string }>`select event_id from ${sql.table(T.datasets)} where name = ${name}`.execute(db);
  return r.rows[0]?.event_id ?? null;
}

/** The events that caused a cut of the version (a build request, or a fact that re-cut it), each once, by id. */
export async function buildCauseEventIds(db: Kysely<DatasetsDatabase>, versionId: string): Promise<string[]> {
  const r = await sql<{ cause_event_id: string }>`select distinct cause_event_id from ${sql.table(T.builds)}
    where version_id = ${versionId} order by cause_event_id`.execute(db);
  return r.rows.map((x) => x.cause_event_id);
}

/** Every deprecation event of any of `cfIds`, by id. */
export async function deprecationEventIds(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<string[]> {
  if (cfIds.length === 0) return [];
  const r = await sql<{ event_id: string }>`select event_id from ${sql.table(T.deprecations)}
    where cf_id = any(${[...cfIds]}::text[]) order by event_id`.execute(db);
  return r.rows.map((x) => x.event_id);
}

/** Every SampleErased event of any of `cfIds`, by id. */
export async function erasureEventIds(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<string[]> {
  if (cfIds.length === 0) return [];
  const r = await sql<{ event_id: string }>`select event_id from ${sql.table(T.erasures)}
    where cf_id = any(${[...cfIds]}::text[]) order by event_id`.execute(db);
  return r.rows.map((x) => x.event_id);
}
