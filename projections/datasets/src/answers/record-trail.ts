// The events behind a version's parts, for a run's record-keeping trail: the CFs linked to a set
// of CFs (what they amend or supersede; what targets, amends or supersedes them), the events that
// defined a manifest and a dataset, the events that caused the version's builds, and the
// deprecations and erasures of a set of CFs. Each is a narrow read; the trail's walk is the caller's.
import { sql, type Kysely } from 'kysely';
import type { CfId } from '@cairn/schemas';
import { anyOfText, anyOfIdBytes, idHex, idHexOrNull, isIdHex } from '@cairn/projector';
import { T, storedCfId, storedCfIdOrNull, type DatasetsDatabase } from '../tables.js';

export interface CfLinks {
  readonly cfId: CfId;
  readonly kind: string;
  readonly amends: CfId | null;
  readonly supersedes: CfId | null;
}

/** A CF's links as its event named them: the stored bytes read back as hex ids. */
const CF_LINK_COLUMNS = [
  idHex('cf_id').as('cf_id'),
  'kind',
  idHexOrNull('amends').as('amends'),
  idHexOrNull('supersedes').as('supersedes'),
] as const;

const toLinks = (c: { cf_id: string; kind: string; amends: string | null; supersedes: string | null }): CfLinks => ({
  cfId: storedCfId(c.cf_id),
  kind: c.kind,
  amends: storedCfIdOrNull(c.amends),
  supersedes: storedCfIdOrNull(c.supersedes),
});

/** The CFs among `cfIds` that amend or supersede another, with what they name. */
export async function cfsAmendingOthers(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<CfLinks[]> {
  if (cfIds.length === 0) return [];
  const rows = await db
    .selectFrom(T.cfs)
    .select(CF_LINK_COLUMNS)
    .where('cf_id', '=', anyOfIdBytes(cfIds))
    .where((w) => w.or([w('amends', 'is not', null), w('supersedes', 'is not', null)]))
    .execute();
  return rows.map(toLinks);
}

/** The CFs that target, amend or supersede any of `cfIds`, in the order they became true (ties by id). */
export async function cfsNaming(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<CfLinks[]> {
  // text that is no id names no CF (and a NUL in it would fail the statement)
  const ids = cfIds.filter(isIdHex);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom(T.cfs)
    .select(CF_LINK_COLUMNS)
    // jsonb ?| text[]: does targets hold any of the ids
    .where((w) =>
      w.or([sql<boolean>`targets ?| ${ids}::text[]`, w('amends', '=', anyOfIdBytes(ids)), w('supersedes', '=', anyOfIdBytes(ids))]),
    )
    .orderBy('valid_from')
    .orderBy(sql.ref(`${T.cfs}.cf_id`))
    .execute();
  return rows.map(toLinks);
}

/** The ManifestDefined event of a manifest id, or null when none carried it. */
export async function manifestEventId(db: Kysely<DatasetsDatabase>, manifestId: string): Promise<string | null> {
  const row = await db.selectFrom(T.manifests).select('event_id').where('manifest_id', '=', manifestId).executeTakeFirst();
  return row?.event_id ?? null;
}

/** The DatasetDefined event of a dataset name, or null when none carried it. */
export async function datasetEventId(db: Kysely<DatasetsDatabase>, name: string): Promise<string | null> {
  const row = await db.selectFrom(T.datasets).select('event_id').where('name', '=', name).executeTakeFirst();
  return row?.event_id ?? null;
}

/** The events that caused a cut of the version (a build request, or a fact that re-cut it), each once, by id. */
export async function buildCauseEventIds(db: Kysely<DatasetsDatabase>, versionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom(T.builds)
    .select('cause_event_id')
    .distinct()
    .where('version_id', '=', versionId)
    .orderBy('cause_event_id')
    .execute();
  return rows.map((x) => x.cause_event_id);
}

/** Every deprecation event of any of `cfIds`, by id. */
export async function deprecationEventIds(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<string[]> {
  if (cfIds.length === 0) return [];
  const rows = await db.selectFrom(T.deprecations).select('event_id').where('cf_id', '=', anyOfText(cfIds)).orderBy('event_id').execute();
  return rows.map((x) => x.event_id);
}

/** Every SampleErased event of any of `cfIds`, by id. */
export async function erasureEventIds(db: Kysely<DatasetsDatabase>, cfIds: readonly string[]): Promise<string[]> {
  if (cfIds.length === 0) return [];
  const rows = await db.selectFrom(T.erasures).select('event_id').where('cf_id', '=', anyOfText(cfIds)).orderBy('event_id').execute();
  return rows.map((x) => x.event_id);
}
