// Record-keeping for a training run (EU AI Act Art. 12/26 style): which events shaped the data
// the model was trained on: the version's members, the earlier CFs of their amend / supersede
// chains, the labels, validations and amendments naming any of these (to any depth), their
// deprecations and erasures, the manifest, the dataset definition, the build
// requests that cut the version, and the run itself. The library answers the ids and why each
// is in; the CLI orders them by log position and adds the log checkpoint and inclusion proofs.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { AnyDB } from '@cairn/projector';
import { DATASETS_TABLE_NAMES as T } from '@cairn/datasets';
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
async function shapingCfs(db: Kysely<AnyDB>, members: readonly string[]): Promise<Map<string, RecordRole>> {
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
    const earlier = await sql<{ amends: string | null; supersedes: string | null }>`select amends, supersedes from ${sql.table(T.cfs)}
      where cf_id = any(${frontier}::text[]) and (amends is not null or supersedes is not null)`.execute(db);
    for (const c of earlier.rows) for (const id of [c.amends, c.supersedes]) if (id !== null) note(id, 'amended');
    // about them, or later in their chain
    const about = await sql<{
      cf_id: string;
      kind: string;
      amends: string | null;
      supersedes: string | null;
    }>`select cf_id, kind, amends, supersedes
      from ${sql.table(T.cfs)} where targets ?| ${frontier}::text[] or amends = any(${frontier}::text[]) or supersedes = any(${frontier}::text[])
      order by valid_from, cf_id`.execute(db);
    for (const c of about.rows) {
      const later = (c.amends !== null && seen.has(c.amends)) || (c.supersedes !== null && seen.has(c.supersedes));
      note(c.cf_id, later ? 'amendment' : c.kind === 'validation' ? 'validation' : 'label');
    }
    frontier = next;
  }
  return found;
}

export async function runRecordEvents(db: Kysely<AnyDB>, runId: string): Promise<E.Either<RunsError, readonly RecordedRef[]>> {
  const run = await sql<{
    event_id: string;
    version_id: string;
    dataset: string;
  }>`select event_id, version_id, dataset from ${sql.table(T.runs)}
    where run_id = ${runId}`.execute(db);
  const r = run.rows[0];
  if (r === undefined) return E.left(runNotFound(runId));
  const refs = new Map<string, RecordRole>([[r.event_id, 'run']]);
  const add = (ids: readonly string[], role: RecordRole) => ids.forEach((id) => refs.has(id) || refs.set(id, role));
  const version = await sql<{
    manifest_id: string;
  }>`select manifest_id from ${sql.table(T.versions)} where version_id = ${r.version_id}`.execute(db);
  const manifestId = version.rows[0]?.manifest_id ?? null;
  if (manifestId !== null) {
    add(
      (
        await sql<{ event_id: string }>`select event_id from ${sql.table(T.manifests)} where manifest_id = ${manifestId}`.execute(db)
      ).rows.map((x) => x.event_id),
      'manifest',
    );
  }
  add(
    (await sql<{ event_id: string }>`select event_id from ${sql.table(T.datasets)} where name = ${r.dataset}`.execute(db)).rows.map(
      (x) => x.event_id,
    ),
    'dataset',
  );
  const members = (
    await sql<{ cf_id: string }>`select cf_id from ${sql.table(T.members)} where version_id = ${r.version_id}`.execute(db)
  ).rows.map((x) => x.cf_id);
  add(members, 'member');
  for (const [cfId, role] of await shapingCfs(db, members)) add([cfId], role);
  // after the CFs: a CF whose event re-cut this version (an amendment, a label) keeps its CF role;
  // each event is in the trail once, with the first role it was found in
  add(
    (
      await sql<{
        cause_event_id: string;
      }>`select distinct cause_event_id from ${sql.table(T.builds)} where version_id = ${r.version_id}`.execute(db)
    ).rows.map((x) => x.cause_event_id),
    'build',
  );
  const named = [...refs.keys()];
  add(
    (
      await sql<{ event_id: string }>`select event_id from ${sql.table(T.deprecations)} where cf_id = any(${named}::text[])`.execute(db)
    ).rows.map((x) => x.event_id),
    'deprecation',
  );
  add(
    (
      await sql<{ event_id: string }>`select event_id from ${sql.table(T.erasures)} where cf_id = any(${named}::text[])`.execute(db)
    ).rows.map((x) => x.event_id),
    'erasure',
  );
  return E.right([...refs].map(([eventId, role]) => ({ eventId, role })));
}
